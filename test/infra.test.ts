/**
 * Infrastructure tests: synthesise the stack the way bin/app.ts does (context from cdk.json,
 * cdk-nag registered) with bundling skipped, so neither esbuild nor the handler files are needed.
 */
import { readFileSync } from 'node:fs';
import { App, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { CfnRoute } from 'aws-cdk-lib/aws-apigatewayv2';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { routes } from '../functions/routes.js';
import { indexList, tableSchema } from '../functions/shared/table.js';
import { ApiStack, apiStackPropsFromContext, functionIdFor, projectRoot } from '../lib/api-stack.js';

const cdkJsonContext = JSON.parse(readFileSync(`${projectRoot}/cdk.json`, 'utf8')).context as Record<
  string,
  unknown
>;

/**
 * Like bin/app.ts: cdk-nag is registered as a validation plugin, so synthesis (Template.fromStack)
 * itself throws on any finding that is not acknowledged.
 */
const synth = (context: Record<string, unknown> = {}, { registerNag = true } = {}) => {
  const app = new App({
    context: { ...cdkJsonContext, ...context, 'aws:cdk:bundling-stacks': [] },
  });
  const stack = new ApiStack(app, 'InfraTest', apiStackPropsFromContext(app));
  const nag = new AwsSolutionsChecks(app);
  if (registerNag) Validations.of(app).addPlugins(nag);
  return { app, stack, nag, template: Template.fromStack(stack) };
};

// biome-ignore lint/suspicious/noExplicitAny: synthesized CloudFormation JSON, which the assertions inspect
type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string };
type Statement = { Effect: string; Action: string | string[]; Resource: unknown };

const actionsOf = (statement: Statement): string[] =>
  Array.isArray(statement.Action) ? statement.Action : [statement.Action];

/** Every IAM statement in the template: managed/inline policies and role inline policies. */
const allStatements = (template: Template): Statement[] => {
  const statements: Statement[] = [];
  for (const resource of Object.values(template.toJSON().Resources) as Resource[]) {
    if (resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy') {
      statements.push(...resource.Properties.PolicyDocument.Statement);
    }
    if (resource.Type === 'AWS::IAM::Role') {
      for (const policy of resource.Properties.Policies ?? [])
        statements.push(...policy.PolicyDocument.Statement);
    }
  }
  return statements;
};

const distinctEntries = [...new Set(routes.map((route) => route.entry))];

describe('dev stack', () => {
  let synthesized: ReturnType<typeof synth>;
  let template: Template;
  beforeAll(() => {
    // cdk-nag is checked by its own tests below, so a finding does not hide the other assertions.
    synthesized = synth({ stage: 'dev' }, { registerNag: false });
    template = synthesized.template;
  });

  it('builds the table from tableSchema', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    const attributeNames = [
      tableSchema.partitionKey,
      tableSchema.sortKey,
      ...indexList.flatMap((index) => [index.partitionKey, index.sortKey]),
    ].map((key) => ({ AttributeName: key.name, AttributeType: key.type }));

    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: tableSchema.partitionKey.name, KeyType: 'HASH' },
        { AttributeName: tableSchema.sortKey.name, KeyType: 'RANGE' },
      ],
      AttributeDefinitions: Match.arrayWith(attributeNames),
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      TimeToLiveSpecification: { AttributeName: tableSchema.timeToLiveAttribute, Enabled: true },
      GlobalSecondaryIndexes: indexList.map((index) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
          { AttributeName: index.sortKey.name, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
    });
    // No hard-coded table name: CloudFormation names it.
    const [table] = Object.values(template.findResources('AWS::DynamoDB::Table')) as Resource[];
    expect(table?.Properties.TableName).toBeUndefined();
  });

  it('lets the dev table go with the stack', () => {
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete' });
    const [table] = Object.values(template.findResources('AWS::DynamoDB::Table')) as Resource[];
    expect(table?.Properties.DeletionProtectionEnabled).not.toBe(true);
  });

  it('has one Node.js 22 ARM64 function per distinct route entry', () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function')) as Resource[];
    expect(functions).toHaveLength(distinctEntries.length);
    for (const fn of functions) {
      expect(fn.Properties.Runtime).toBe('nodejs22.x');
      expect(fn.Properties.Architectures).toEqual(['arm64']);
      expect(fn.Properties.MemorySize).toBe(512);
      expect(fn.Properties.Timeout).toBe(10);
      expect(fn.Properties.Environment.Variables).toMatchObject({
        TABLE_NAME: { Ref: expect.stringMatching(/^DataTable/) },
        NODE_OPTIONS: '--enable-source-maps',
        PUBLIC_BASE_URL: expect.anything(),
      });
      expect(fn.Properties.LoggingConfig?.LogGroup).toBeDefined();
    }
    expect([...synthesized.stack.functions.keys()].sort()).toEqual([...distinctEntries].sort());
  });

  it('keeps function logs for one month', () => {
    const groups = Object.values(template.findResources('AWS::Logs::LogGroup')) as Resource[];
    // One per function plus the API access log.
    expect(groups).toHaveLength(distinctEntries.length + 1);
    for (const group of groups) expect(group.Properties.RetentionInDays).toBe(30);
  });

  it('routes every route-table entry; admin routes need a JWT, public ones nothing', () => {
    const apiRoutes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')) as Resource[];
    expect(apiRoutes).toHaveLength(routes.length);
    const byKey = new Map(apiRoutes.map((route) => [route.Properties.RouteKey as string, route.Properties]));

    for (const route of routes) {
      const properties = byKey.get(`${route.method} ${route.path}`);
      expect(properties, `${route.method} ${route.path}`).toBeDefined();
      if (route.auth === 'admin') {
        expect(properties?.AuthorizationType).toBe('JWT');
        expect(properties?.AuthorizerId).toBeDefined();
      } else {
        expect(properties?.AuthorizationType ?? 'NONE').toBe('NONE');
        expect(properties?.AuthorizerId).toBeUndefined();
      }
    }
    expect(routes.some((route) => route.auth === 'admin')).toBe(true);
    expect(routes.some((route) => route.auth === 'public')).toBe(true);

    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      JwtConfiguration: { Issuer: 'https://issuer.invalid/dev', Audience: ['dev-placeholder-audience'] },
    });
  });

  it('uses only route paths HTTP API accepts: a parameter fills its whole segment', () => {
    for (const route of routes) {
      for (const segment of route.path.split('/').slice(1)) {
        // `{eventId}.ics` is not an HTTP API path: such routes take `{file}` and parse it.
        if (segment.includes('{')) expect(segment, route.path).toMatch(/^\{\w+\+?\}$/);
        else expect(segment, route.path).toMatch(/^[\w.-]+$/);
      }
    }
  });

  it('throttles and access-logs the default stage', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: Match.anyValue(), ThrottlingBurstLimit: Match.anyValue() },
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.anyValue() },
    });
    const [stage] = Object.values(template.findResources('AWS::ApiGatewayV2::Stage')) as Resource[];
    const format = JSON.parse(stage?.Properties.AccessLogSettings.Format);
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      routeKey: '$context.routeKey',
      status: '$context.status',
    });
  });

  it('gives read-only functions no write action and never a wildcard action', () => {
    const writes = [
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
      'dynamodb:BatchWriteItem',
    ];
    const access = new Map(routes.map((route) => [route.entry, route.access]));
    let checkedRO = 0;
    let checkedRW = 0;

    for (const [entry, fn] of synthesized.stack.functions) {
      const policies = Object.values(
        template.findResources('AWS::IAM::Policy', {
          Properties: {
            Roles: [{ Ref: synthesized.stack.getLogicalId(fn.role.node.defaultChild as never) }],
          },
        }),
      ) as Resource[];
      expect(policies, entry).toHaveLength(1);
      const actions = policies.flatMap((policy) =>
        (policy.Properties.PolicyDocument.Statement as Statement[]).flatMap(actionsOf),
      );
      expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query']));
      if (access.get(entry) === 'RO') {
        checkedRO++;
        for (const write of writes) expect(actions, `${entry} is read-only`).not.toContain(write);
      } else {
        checkedRW++;
        expect(actions).toEqual(expect.arrayContaining(writes));
      }
    }
    expect(checkedRO).toBeGreaterThan(0);
    expect(checkedRW).toBeGreaterThan(0);

    const statements = allStatements(template);
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) {
      for (const action of actionsOf(statement)) {
        expect(action).not.toContain('*');
      }
    }
  });

  it('uses no AWS managed policy (no AWSLambdaBasicExecutionRole)', () => {
    for (const role of Object.values(template.findResources('AWS::IAM::Role')) as Resource[]) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });

  it('outputs the API URL and the table name', () => {
    template.hasOutput('ApiUrl', {});
    template.hasOutput('TableName', { Value: { Ref: Match.stringLikeRegexp('^DataTable') } });
  });

  it('passes cdk-nag AwsSolutions checks (every finding fixed or acknowledged with a reason)', () => {
    // As in bin/app.ts: with the plugin registered, synthesis throws on an unacknowledged finding.
    expect(() => synth({ stage: 'dev' })).not.toThrow();
    const report = synthesized.nag.validateScope(synthesized.stack);
    const findings = report.violations.map(
      (violation) =>
        `${violation.ruleName}: ${violation.violatingResources.map((r) => r.constructPath).join(', ')}`,
    );
    expect(findings).toEqual([]);
    // CDK itself reports no errors either.
    expect(Annotations.fromStack(synthesized.stack).findError('*', Match.anyValue())).toEqual([]);
  });

  it('acknowledges only the expected findings, each on its own construct', () => {
    const acknowledged: string[] = [];
    for (const construct of synthesized.stack.node.findAll()) {
      for (const entry of construct.node.metadata) {
        if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
        for (const id of Object.keys(entry.data as object)) {
          const rule = id.replace(/^annotation::/i, '');
          // Name routes by their route key, functions by their entry.
          const route = construct.node.defaultChild;
          if (route instanceof CfnRoute) acknowledged.push(`${rule} ${route.routeKey}`);
          else acknowledged.push(`${rule} ${construct.node.id}`);
        }
      }
    }
    const expected = [
      ...distinctEntries.map((entry) => `AwsSolutions-L1 ${functionIdFor(entry)}`),
      ...routes
        .filter((route) => route.auth === 'public')
        .map((route) => `AwsSolutions-APIG4 ${route.method} ${route.path}`),
    ];
    expect(acknowledged.sort()).toEqual(expected.sort());
  });

  it('needs each acknowledgement: without them cdk-nag reports exactly those findings', () => {
    const ignore = vi.spyOn(Validations.prototype, 'acknowledge').mockImplementation(() => undefined);
    try {
      const { stack, nag } = synth({ stage: 'dev' }, { registerNag: false });
      const findings = nag
        .validateScope(stack)
        .violations.map((violation) => [violation.ruleName, violation.violatingResources.length]);
      expect(Object.fromEntries(findings)).toEqual({
        'AwsSolutions-L1': distinctEntries.length,
        'AwsSolutions-APIG4': routes.filter((route) => route.auth === 'public').length,
      });
    } finally {
      ignore.mockRestore();
    }
  });
});

describe('prod stack', () => {
  const jwt = {
    jwtIssuer: 'https://cognito-idp.eu-west-3.amazonaws.com/eu-west-3_example',
    jwtAudience: 'client-a,client-b',
  };

  it('retains the table with deletion protection', () => {
    const { template } = synth({ stage: 'prod', ...jwt });
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      JwtConfiguration: { Issuer: jwt.jwtIssuer, Audience: ['client-a', 'client-b'] },
    });
  });

  it('refuses to synthesise without a real JWT issuer and audience', () => {
    expect(() => synth({ stage: 'prod' })).toThrow(/jwtIssuer/);
  });

  it('refuses an unknown stage', () => {
    expect(() => synth({ stage: 'staging' })).toThrow(/Unknown stage "staging"/);
  });
});
