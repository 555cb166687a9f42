/**
 * What keeps an organiser's data and edges safe in AWS, proved on the synthesised templates:
 * the stateful resources pinned (a refactor that would make CloudFormation replace them fails
 * here), termination protection on kept stages, running on a table restored from
 * point-in-time recovery, alarms on what only the domain knows, the API reachable through
 * CloudFront only, and CDK's recommended feature flags.
 */
import { readFileSync } from 'node:fs';
import { App, type Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { indexList } from '../functions/platform/table.js';
import { projectRoot } from '../lib/app-function.js';
import { InscriptionsStack, TOKEN_KEY_GENERATION } from '../lib/inscriptions-stack.js';
import { RECONCILE_SUMMARY, TOO_MANY_REQUESTS_SURGE } from '../lib/monitoring.js';
import { stageSettingsFromContext } from '../lib/stage.js';

const cdkJsonContext = JSON.parse(readFileSync(`${projectRoot}/cdk.json`, 'utf8')).context as Record<
  string,
  unknown
>;

const ORGANISERS = JSON.stringify([
  { id: 'media-aces', name: 'Media Aces', replyTo: 'contact@media-aces.example' },
]);
const SITE = {
  siteDomain: 'events.example.net',
  siteCertificateArn: 'arn:aws:acm:us-east-1:111122223333:certificate/00000000-0000-0000-0000-000000000000',
  apiCertificateArn: 'arn:aws:acm:eu-west-3:111122223333:certificate/11111111-1111-1111-1111-111111111111',
};
const PROD = { stage: 'prod', domain: 'example.net', organisers: ORGANISERS, ...SITE };
const RESTORED = {
  restoredTableName: 'Inscriptions-prod-restored-2026-11-30',
  restoredTableStreamArn:
    'arn:aws:dynamodb:eu-west-3:111122223333:table/Inscriptions-prod-restored-2026-11-30/stream/2026-11-30T08:00:00.000',
};

/** Like bin/app.ts (bundling skipped); `registerNag` makes the synthesis fail on any finding. */
const synth = (context: Record<string, unknown>, { registerNag = false } = {}) => {
  const app = new App({ context: { ...cdkJsonContext, ...context, 'aws:cdk:bundling-stacks': [] } });
  const stack = new InscriptionsStack(app, 'SafetyTest', { settings: stageSettingsFromContext(app) });
  if (registerNag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const assembly = app.synth();
  return {
    app,
    stack,
    template: Template.fromStack(stack),
    artifact: assembly.getStackByName(stack.stackName),
  };
};

// biome-ignore lint/suspicious/noExplicitAny: synthesized CloudFormation JSON
type Json = any;
const resourcesOf = (template: Template, type: string): [string, Json][] =>
  Object.entries(template.findResources(type));
const logicalId = (stack: Stack, construct: { node: { defaultChild?: unknown } }): string =>
  stack.resolve((construct.node.defaultChild as { logicalId: string }).logicalId);

const dev = synth({ stage: 'dev' });
const prod = synth(PROD, { registerNag: true });

describe('stateful resources cannot be replaced by accident', () => {
  // Changing any value here makes CloudFormation REPLACE the resource (a new, empty table or
  // user pool) or, for the secret, generate a new key that breaks every manage link sent.
  // Do it only with a migration plan, never as a refactor.
  it.each([
    ['dev', dev],
    ['prod', prod],
  ])(
    '%s: the table, the user pool and the token key keep their logical ids and their keys',
    (_, { template }) => {
      const [tableId, table] = resourcesOf(template, 'AWS::DynamoDB::Table')[0] ?? [];
      expect(tableId).toBe('DataTableFDBAD0F2');
      expect(table.Properties.TableName).toBeUndefined();
      expect(table.Properties.KeySchema).toEqual([
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ]);
      expect(
        table.Properties.GlobalSecondaryIndexes.map((index: Json) => [index.IndexName, index.KeySchema]),
      ).toEqual([
        [
          'gsi1',
          [
            { AttributeName: 'gsi1pk', KeyType: 'HASH' },
            { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
          ],
        ],
        [
          'gsi2',
          [
            { AttributeName: 'gsi2pk', KeyType: 'HASH' },
            { AttributeName: 'gsi2sk', KeyType: 'RANGE' },
          ],
        ],
      ]);
      expect(indexList.map((index) => index.name)).toEqual(['gsi1', 'gsi2']);

      const [poolId, pool] = resourcesOf(template, 'AWS::Cognito::UserPool')[0] ?? [];
      expect(poolId).toBe('AuthUserPool8115E87F');
      expect(pool.Properties).toMatchObject({
        UsernameAttributes: ['email'],
        UsernameConfiguration: { CaseSensitive: false },
      });
      for (const replacing of ['UserPoolName', 'AliasAttributes', 'Schema']) {
        expect(pool.Properties[replacing], replacing).toBeUndefined();
      }

      const [secretId, secret] =
        resourcesOf(template, 'AWS::SecretsManager::Secret').find(([id]) =>
          id.startsWith('ManageTokenKey'),
        ) ?? [];
      expect(secretId).toBe('ManageTokenKeyB22D3918');
      expect(secret.Properties.Name).toBeUndefined();
      expect(secret.Properties.GenerateSecretString).toEqual({
        ExcludePunctuation: true,
        PasswordLength: 64,
      });
      expect(TOKEN_KEY_GENERATION).toEqual({ passwordLength: 64, excludePunctuation: true });
    },
  );

  it('prod keeps them on replacement and deletion, and the stack has termination protection', () => {
    for (const type of ['AWS::DynamoDB::Table', 'AWS::Cognito::UserPool', 'AWS::SecretsManager::Secret']) {
      for (const [id, resource] of resourcesOf(prod.template, type)) {
        expect([resource.DeletionPolicy, resource.UpdateReplacePolicy], id).toEqual(['Retain', 'Retain']);
      }
    }
    expect(prod.stack.terminationProtection).toBe(true);
    expect(prod.artifact.terminationProtection).toBe(true);
    expect(dev.artifact.terminationProtection).toBeFalsy();
  });
});

describe('running on a table restored from point-in-time recovery', () => {
  const restored = synth({ ...PROD, ...RESTORED }, { registerNag: true });
  const tableArn = {
    'Fn::Join': [
      '',
      [
        'arn:',
        { Ref: 'AWS::Partition' },
        ':dynamodb:',
        { Ref: 'AWS::Region' },
        ':',
        { Ref: 'AWS::AccountId' },
        `:table/${RESTORED.restoredTableName}`,
      ],
    ],
  };

  it('creates no table, and every function uses the restored one, its stream and its indexes', () => {
    restored.template.resourceCountIs('AWS::DynamoDB::Table', 0);
    for (const fn of restored.stack.functions.values()) {
      const [, resource] =
        resourcesOf(restored.template, 'AWS::Lambda::Function').find(
          ([id]) => id === logicalId(restored.stack, fn.function),
        ) ?? [];
      expect(resource.Properties.Environment.Variables.TABLE_NAME, fn.entry).toBe(RESTORED.restoredTableName);
    }
    restored.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: RESTORED.restoredTableStreamArn,
    });
    const statements = resourcesOf(restored.template, 'AWS::IAM::Policy').flatMap(
      ([, policy]) => policy.Properties.PolicyDocument.Statement as Json[],
    );
    const onTable = statements.filter((statement) => JSON.stringify(statement.Resource).includes('dynamodb'));
    expect(onTable.length).toBeGreaterThan(0);
    const text = JSON.stringify(onTable);
    expect(text).toContain(JSON.stringify(tableArn));
    expect(text).toContain(RESTORED.restoredTableStreamArn);
    expect(text).not.toContain('DataTable');
    restored.template.hasOutput('TableName', { Value: RESTORED.restoredTableName });
  });

  it('refuses a stream of another table, or one key without the other', () => {
    const settings = (context: Record<string, unknown>) =>
      stageSettingsFromContext(new App({ context: { ...cdkJsonContext, ...PROD, ...context } }));
    expect(settings(RESTORED).restoredTable).toEqual({
      name: RESTORED.restoredTableName,
      streamArn: RESTORED.restoredTableStreamArn,
    });
    expect(() => settings({ restoredTableName: RESTORED.restoredTableName })).toThrow(/go together/);
    expect(() => settings({ restoredTableStreamArn: RESTORED.restoredTableStreamArn })).toThrow(
      /go together/,
    );
    expect(() => settings({ ...RESTORED, restoredTableName: 'another-table' })).toThrow(
      /stream of the table/,
    );
    expect(() => settings({ ...RESTORED, restoredTableName: 'x' })).toThrow(/not a DynamoDB table name/);
  });
});

describe('alarms that mean something', () => {
  const alarms = resourcesOf(prod.template, 'AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties);
  const filters = resourcesOf(prod.template, 'AWS::Logs::MetricFilter').map(
    ([, filter]) => filter.Properties,
  );
  const alarmOn = (metricName: string) => {
    const found = alarms.filter((alarm) => alarm.MetricName === metricName);
    expect(found, metricName).toHaveLength(1);
    return found[0];
  };
  const filterFor = (metricName: string) => {
    const found = filters.filter((filter) => filter.MetricTransformations[0].MetricName === metricName);
    expect(found, metricName).toHaveLength(1);
    return found[0];
  };

  it('counter drift and emails owed, from the reconcile summary line', () => {
    const reconcile = [...prod.stack.functions.values()].find(
      (fn) => fn.entry === 'functions/scheduled/reconcile.ts',
    );
    if (!reconcile) throw new Error('no reconcile function');
    for (const [metric, field] of [
      ['CounterDrift', RECONCILE_SUMMARY.drifted],
      ['EmailsOwed', RECONCILE_SUMMARY.stuckMailClaims],
    ] as const) {
      expect(filterFor(metric)).toMatchObject({
        LogGroupName: { Ref: logicalId(prod.stack, reconcile.logGroup) },
        FilterPattern: `{ $.message = "${RECONCILE_SUMMARY.message}" }`,
        MetricTransformations: [{ MetricValue: `$.${field}`, DefaultValue: 0 }],
      });
      expect(alarmOn(metric)).toMatchObject({
        Threshold: 1,
        Statistic: 'Maximum',
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    }
  });

  it('a surge of 429 answers, from the API access log', () => {
    expect(filterFor('TooManyRequests')).toMatchObject({
      LogGroupName: { Ref: logicalId(prod.stack, prod.stack.api.accessLogs) },
      FilterPattern: '{ $.status = "429" }',
      MetricTransformations: [{ MetricValue: '1' }],
    });
    expect(alarmOn('TooManyRequests')).toMatchObject({
      Threshold: TOO_MANY_REQUESTS_SURGE,
      Statistic: 'Sum',
    });
  });

  it('DynamoDB throttling on the table, reads and writes', () => {
    const throttling = alarms.filter((alarm) =>
      JSON.stringify(alarm.Metrics ?? []).includes('ThrottleEvents'),
    );
    expect(throttling).toHaveLength(1);
    const metrics = throttling[0].Metrics as Json[];
    expect(metrics.find((metric) => metric.Expression)?.Expression).toBe('reads + writes');
    expect(
      metrics
        .filter((metric) => metric.MetricStat)
        .map((metric) => [metric.MetricStat.Metric.MetricName, metric.MetricStat.Metric.Dimensions])
        .sort(),
    ).toEqual(
      ['ReadThrottleEvents', 'WriteThrottleEvents'].map((name) => [
        name,
        [{ Name: 'TableName', Value: { Ref: 'DataTableFDBAD0F2' } }],
      ]),
    );
  });
});

describe('the cost section of docs/deploy.md', () => {
  it('counts the alarms and alarm metrics of the synthesized prod template', () => {
    const alarms = resourcesOf(prod.template, 'AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties);
    // CloudWatch bills a metric-math alarm per metric it reads.
    const alarmMetrics = alarms
      .map((alarm) => (alarm.Metrics ? alarm.Metrics.filter((metric: Json) => metric.MetricStat).length : 1))
      .reduce((sum, count) => sum + count, 0);
    const guide = readFileSync(`${projectRoot}/docs/deploy.md`, 'utf8');
    const line =
      /\| CloudWatch alarms \| (\d+) alarms on (\d+) alarm metrics[^|]*: (\d+) × \$0\.10 \| \*\*\$([\d.]+)\*\* \|/.exec(
        guide,
      );
    expect(line?.slice(1).map(Number)).toEqual([
      alarms.length,
      alarmMetrics,
      alarmMetrics - 10,
      (alarmMetrics - 10) / 10, // dollars at $0.10 each
    ]);
    const functions = resourcesOf(prod.template, 'AWS::Lambda::Function').length;
    expect(guide).toContain(`each of the ${functions} functions`);
  });
});

describe('edges closed in AWS', () => {
  it('with a site domain, CloudFront reaches the API on its own name (TLS 1.2) and execute-api is off', () => {
    prod.template.hasResourceProperties('AWS::ApiGatewayV2::Api', { DisableExecuteApiEndpoint: true });
    prod.template.hasResourceProperties('AWS::ApiGatewayV2::DomainName', {
      DomainName: 'api.events.example.net',
      DomainNameConfigurations: [
        Match.objectLike({ CertificateArn: SITE.apiCertificateArn, SecurityPolicy: 'TLS_1_2' }),
      ],
    });
    prod.template.hasResourceProperties('AWS::ApiGatewayV2::ApiMapping', { Stage: Match.anyValue() });
    const [, distribution] = resourcesOf(prod.template, 'AWS::CloudFront::Distribution')[0] ?? [];
    const origins = distribution.Properties.DistributionConfig.Origins as Json[];
    const apiOrigins = origins.filter((origin) => origin.CustomOriginConfig);
    // A reference to the domain name resource (whose name is api.events.example.net): CloudFront
    // is then created after it.
    const [domainId] = resourcesOf(prod.template, 'AWS::ApiGatewayV2::DomainName')[0] ?? [];
    expect(apiOrigins.map((origin) => origin.DomainName)).toEqual([{ Ref: domainId }]);
    expect(apiOrigins[0].CustomOriginConfig.OriginSSLProtocols).toEqual(['TLSv1.2']);
    expect(distribution.Properties.DistributionConfig.ViewerCertificate.MinimumProtocolVersion).toBe(
      'TLSv1.2_2021',
    );
    prod.template.hasOutput('ApiDnsRecord', {});
    prod.template.hasOutput('ApiUrl', { Value: { 'Fn::Join': ['', ['https://', { Ref: domainId }]] } });
  });

  it('without one, execute-api stays (CloudFront needs it), and a kept stage is warned', () => {
    const [, api] = resourcesOf(dev.template, 'AWS::ApiGatewayV2::Api')[0] ?? [];
    expect(api.Properties.DisableExecuteApiEndpoint).toBeFalsy();
    dev.template.resourceCountIs('AWS::ApiGatewayV2::DomainName', 0);
    const warning = /execute-api address/;
    expect(Annotations.fromStack(dev.stack).findWarning('*', Match.stringLikeRegexp(warning.source))).toEqual(
      [],
    );
    const keptWithoutDomain = synth({ stage: 'prod', domain: 'example.net', organisers: ORGANISERS });
    expect(
      Annotations.fromStack(keptWithoutDomain.stack).findWarning('*', Match.stringLikeRegexp(warning.source)),
    ).toHaveLength(1);
  });

  it('refuses a site domain without the API’s certificate, or one from another region', () => {
    const settings = (context: Record<string, unknown>) =>
      stageSettingsFromContext(new App({ context: { ...cdkJsonContext, ...PROD, ...context } }));
    expect(settings({}).apiDomain).toEqual({
      name: 'api.events.example.net',
      certificateArn: SITE.apiCertificateArn,
    });
    expect(() => settings({ apiCertificateArn: '' })).toThrow(/apiCertificateArn/);
    expect(() => settings({ region: 'eu-west-1' })).toThrow(/stack's region \(eu-west-1\)/);
  });
});

describe('CDK feature flags', () => {
  /** Deliberately not the recommended value, and why. */
  const DEVIATIONS: Record<string, { value: unknown; why: string }> = {
    '@aws-cdk/core:enableAdditionalMetadataCollection': {
      value: false,
      why: 'construct property metadata is not sent to AWS with each deploy',
    },
  };

  it('sets every flag CDK recommends for a new app (so a CDK upgrade that adds one fails here)', () => {
    const unset = Object.keys(CURRENTLY_RECOMMENDED_FLAGS).filter((flag) => !(flag in cdkJsonContext));
    expect(unset).toEqual([]);
    for (const [flag, recommended] of Object.entries(CURRENTLY_RECOMMENDED_FLAGS)) {
      expect(cdkJsonContext[flag], flag).toEqual(DEVIATIONS[flag]?.value ?? recommended);
    }
  });
});
