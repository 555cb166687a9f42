/**
 * Infrastructure tests: synthesise the stack the way bin/app.ts does (context from cdk.json,
 * cdk-nag as a validation plugin) with bundling skipped, so neither esbuild, the web build nor
 * the handler files are needed. One synthesis per stage, shared by the assertions.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { App, type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { CfnRoute } from 'aws-cdk-lib/aws-apigatewayv2';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { indexList, tableSchema } from '../functions/platform/table.js';
import { routes } from '../functions/routes.js';
import { MAX_ATTEMPTS } from '../functions/webhooks/model.js';
import { type AppFunction, projectRoot, READ_ACTIONS, WRITE_ACTIONS } from '../lib/app-function.js';
import { InscriptionsStack, REGISTRATION_ENTRY } from '../lib/inscriptions-stack.js';
import { BOUNCE_RATE_THRESHOLD, COMPLAINT_RATE_THRESHOLD } from '../lib/monitoring.js';
import {
  assetBucketPattern,
  BASIC_EXECUTION_ROLE_FINDING,
  nagRef,
  wildcardActionFinding,
  wildcardResourceFinding,
} from '../lib/nag.js';
import { stageSettingsFromContext } from '../lib/stage.js';
import {
  contentSecurityPolicy,
  EMBED_FRAMING_FUNCTION,
  PAGE_ROUTES_FUNCTION,
  VIEWER_ADDRESS_FUNCTION,
} from '../lib/web.js';

const cdkJsonContext = JSON.parse(readFileSync(`${projectRoot}/cdk.json`, 'utf8')).context as Record<
  string,
  unknown
>;

const PROD_CONTEXT = {
  stage: 'prod',
  domain: 'inscriptions.example.net',
  organisers: JSON.stringify([
    { id: 'media-aces', name: 'Media Aces', replyTo: 'contact@media-aces.example' },
    { id: 'open2leads', name: 'Open2leads', replyTo: 'contact@open2leads.example' },
  ]),
  alarmEmail: 'ops@example.net',
  siteDomain: 'events.example.net',
  siteCertificateArn: 'arn:aws:acm:us-east-1:111122223333:certificate/00000000-0000-0000-0000-000000000000',
  apiCertificateArn: 'arn:aws:acm:eu-west-3:111122223333:certificate/11111111-1111-1111-1111-111111111111',
};

/** Like bin/app.ts, with bundling skipped; `registerNag` makes synthesis itself fail on a finding. */
const synth = (context: Record<string, unknown> = {}, { registerNag = false } = {}) => {
  const app = new App({ context: { ...cdkJsonContext, ...context, 'aws:cdk:bundling-stacks': [] } });
  const stack = new InscriptionsStack(app, 'InfraTest', { settings: stageSettingsFromContext(app) });
  const nag = new AwsSolutionsChecks(app);
  if (registerNag) Validations.of(app).addPlugins(nag);
  return { app, stack, nag, template: Template.fromStack(stack) };
};

// biome-ignore lint/suspicious/noExplicitAny: synthesized CloudFormation JSON, which the assertions inspect
type Json = any;
type Resource = { Type: string; Properties: Json; DeletionPolicy?: string; UpdateReplacePolicy?: string };
type Statement = { Effect: string; Action: string | string[]; Resource: Json; Condition?: Json };

const list = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);
const resources = (template: Template, type: string): Resource[] =>
  Object.values(template.findResources(type)) as Resource[];
const only = <T>(items: T[]): T => {
  expect(items).toHaveLength(1);
  return items[0] as T;
};
const logicalId = (stack: Stack, construct: { node: { defaultChild?: unknown } } | CfnElement): string =>
  stack.resolve(
    ('logicalId' in construct ? construct : (construct.node.defaultChild as CfnElement)).logicalId,
  ) as string;

/** The Allow statements in a role's own policies (AWS::IAM::Policy attached to it, inline policies). */
const roleStatements = (template: Template, roleLogicalId: string): Statement[] => {
  const statements: Statement[] = [];
  for (const policy of resources(template, 'AWS::IAM::Policy')) {
    if (policy.Properties.Roles.some((role: Json) => role.Ref === roleLogicalId)) {
      statements.push(...policy.Properties.PolicyDocument.Statement);
    }
  }
  const role = template.toJSON().Resources[roleLogicalId] as Resource;
  for (const policy of role.Properties.Policies ?? []) statements.push(...policy.PolicyDocument.Statement);
  return statements.filter((statement) => statement.Effect === 'Allow');
};
const functionStatements = (template: Template, stack: Stack, fn: AppFunction) =>
  roleStatements(template, logicalId(stack, fn.role));
const actionsOf = (statements: Statement[]): string[] => statements.flatMap((s) => list(s.Action));
const statementsFor = (statements: Statement[], action: string) =>
  statements.filter((statement) => list(statement.Action).includes(action));

const distinctEntries = [...new Set(routes.map((route) => route.entry))];
const RECONCILE_ENTRY = 'functions/scheduled/reconcile.ts';
const WORKER_ENTRIES = [
  'functions/stream/notify.ts',
  'functions/queue/fanout.ts',
  'functions/scheduled/remind.ts',
  'functions/scheduled/resend.ts',
  'functions/queue/webhooks.ts',
  RECONCILE_ENTRY,
];
/** The functions that send email: they unseal manage tokens for the links. */
const MAIL_SENDERS = [
  'functions/stream/notify.ts',
  'functions/queue/fanout.ts',
  'functions/scheduled/resend.ts',
];
const accessOf = new Map(routes.map((route) => [route.entry, route.access]));

describe('dev stack (cdk.json defaults)', () => {
  let stack: InscriptionsStack;
  let template: Template;
  let nag: AwsSolutionsChecks;
  let app: App;
  beforeAll(() => {
    ({ stack, template, nag, app } = synth({ stage: 'dev' }));
  });

  describe('data', () => {
    it('builds the table from tableSchema: on demand, PITR, stream with both images, TTL, the GSIs', () => {
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
      const table = only(resources(template, 'AWS::DynamoDB::Table'));
      expect(table.Properties.TableName).toBeUndefined();
    });

    it('lets dev data go with the stack: table, bucket (emptied first), user pool, secret, logs', () => {
      const table = only(resources(template, 'AWS::DynamoDB::Table'));
      expect(table.DeletionPolicy).toBe('Delete');
      expect(table.Properties.DeletionProtectionEnabled).not.toBe(true);
      expect(only(resources(template, 'AWS::S3::Bucket')).DeletionPolicy).toBe('Delete');
      template.resourceCountIs('Custom::S3AutoDeleteObjects', 1);
      expect(only(resources(template, 'AWS::Cognito::UserPool')).DeletionPolicy).toBe('Delete');
      // The manage-token key and the origin secret.
      const secrets = resources(template, 'AWS::SecretsManager::Secret');
      expect(secrets).toHaveLength(2);
      for (const secret of secrets) expect(secret.DeletionPolicy).toBe('Delete');
      for (const group of resources(template, 'AWS::Logs::LogGroup'))
        expect(group.DeletionPolicy).toBe('Delete');
    });

    it('writes one organiser record per organiser with PutItem on the table only', () => {
      const record = only(resources(template, 'Custom::OrganiserRecord'));
      const create = JSON.stringify(record.Properties.Create);
      expect(create).toContain('\\"action\\":\\"putItem\\"');
      expect(create).toContain('{\\"pk\\":{\\"S\\":\\"ORGS\\"},\\"sk\\":{\\"S\\":\\"ORG#demo\\"}');
      expect(record.Properties.Update).toEqual(record.Properties.Create);
      expect(record.Properties.Delete).toBeUndefined();
      const provider = stack.node.findChild('AWS679f53fac002430cb0da5b7982bd2287');
      const statements = roleStatements(template, logicalId(stack, provider.node.findChild('ServiceRole')));
      expect(statements.map((s) => [s.Action, s.Resource])).toEqual([
        ['dynamodb:PutItem', { 'Fn::GetAtt': [logicalId(stack, stack.data.table), 'Arn'] }],
      ]);
    });
  });

  describe('functions', () => {
    it('has one function per distinct route entry plus notify, fanout, remind, resend, reconcile and the admin authorizer', () => {
      expect([...stack.functions.keys()].sort()).toEqual(
        [...distinctEntries, ...WORKER_ENTRIES, 'functions/apikeys/authorizer.ts'].sort(),
      );
    });

    it('reconciles every hour, and only the reconcile function may scan the table', () => {
      template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 hour)' });
      const scanners = Object.entries(template.findResources('AWS::IAM::Policy'))
        .filter(([, policy]) => JSON.stringify(policy).includes('dynamodb:Scan'))
        .map(([id]) => id);
      expect(scanners).toHaveLength(1);
      expect(scanners[0]).toMatch(/^Reconcile/);
    });

    it('runs every function on Node.js 24, ARM64, with its own log group kept a month', () => {
      const fns = template.toJSON().Resources as Record<string, Resource>;
      for (const fn of stack.functions.values()) {
        const properties = fns[logicalId(stack, fn.function)]?.Properties;
        expect(properties.Runtime, fn.entry).toBe('nodejs24.x');
        expect(properties.Architectures).toEqual(['arm64']);
        expect(properties.Environment.Variables).toMatchObject({
          TABLE_NAME: { Ref: logicalId(stack, stack.data.table) },
        });
        // Traces are read through the map when logged (test/bundles.test.ts), not at import.
        expect(properties.Environment.Variables.NODE_OPTIONS).toBeUndefined();
        expect(properties.LoggingConfig.LogGroup).toEqual({ Ref: logicalId(stack, fn.logGroup) });
        expect(fns[logicalId(stack, fn.logGroup)]?.Properties.RetentionInDays).toBe(30);
      }
    });

    it('gives API functions 512 MB and 10 s, and the site as PUBLIC_BASE_URL', () => {
      const siteUrl = {
        'Fn::Join': [
          '',
          ['https://', { 'Fn::GetAtt': [logicalId(stack, stack.web.distribution), 'DomainName'] }],
        ],
      };
      for (const entry of distinctEntries) {
        const fn = stack.functions.get(entry) as AppFunction;
        template.hasResourceProperties('AWS::Lambda::Function', {
          Handler: 'index.handler',
          MemorySize: 512,
          Timeout: 10,
          Role: { 'Fn::GetAtt': [logicalId(stack, fn.role), 'Arn'] },
          Environment: { Variables: Match.objectLike({ PUBLIC_BASE_URL: siteUrl }) },
        });
      }
      for (const entry of ['functions/stream/notify.ts', 'functions/queue/fanout.ts']) {
        const fn = stack.functions.get(entry) as AppFunction;
        template.hasResourceProperties('AWS::Lambda::Function', {
          Role: { 'Fn::GetAtt': [logicalId(stack, fn.role), 'Arn'] },
          Environment: {
            Variables: Match.objectLike({ PUBLIC_BASE_URL: siteUrl, MAIL_FROM: 'inscriptions@example.org' }),
          },
        });
      }
    });

    it('uses no AWS managed policy and no wildcard action in any of its own roles', () => {
      const ownRoles = [
        ...[...stack.functions.values()].map((fn) => logicalId(stack, fn.role)),
        logicalId(stack, stack.notifications.reminders.schedulerRole),
      ];
      const all = template.toJSON().Resources as Record<string, Resource>;
      for (const role of ownRoles) {
        expect(all[role]?.Properties.ManagedPolicyArns, role).toBeUndefined();
        const statements = roleStatements(template, role);
        expect(statements.length, role).toBeGreaterThan(0);
        for (const action of actionsOf(statements)) {
          expect(action, role).not.toContain('*');
          expect(action).not.toMatch(/^dynamodb:\*$/);
        }
      }
    });

    it('gives read-only functions reads only; read-write ones the writes', () => {
      let checkedRO = 0;
      for (const entry of [...distinctEntries, 'functions/scheduled/remind.ts']) {
        const fn = stack.functions.get(entry) as AppFunction;
        const actions = actionsOf(functionStatements(template, stack, fn));
        expect(actions).toEqual(expect.arrayContaining(READ_ACTIONS));
        if (accessOf.get(entry) === 'RW') {
          expect(actions, entry).toEqual(expect.arrayContaining(WRITE_ACTIONS));
        } else {
          checkedRO++;
          for (const write of WRITE_ACTIONS) expect(actions, `${entry} is read-only`).not.toContain(write);
        }
      }
      expect(checkedRO).toBeGreaterThan(1);
    });

    it('names the table and each index, never index/*', () => {
      const tableArn = { 'Fn::GetAtt': [logicalId(stack, stack.data.table), 'Arn'] };
      const indexArns = indexList.map((index) => ({ 'Fn::Join': ['', [tableArn, `/index/${index.name}`]] }));
      for (const fn of stack.functions.values()) {
        const statements = functionStatements(template, stack, fn).filter((s) =>
          actionsOf([s]).some(
            (action) => action.startsWith('dynamodb:') && action !== 'dynamodb:ListStreams',
          ),
        );
        const resourcesOf = statements.flatMap((s) => list(s.Resource));
        for (const resource of resourcesOf) {
          expect([
            tableArn,
            ...indexArns,
            { 'Fn::GetAtt': [logicalId(stack, stack.data.table), 'StreamArn'] },
          ]).toContainEqual(resource);
        }
      }
    });

    it('gives the manage token secret to the functions that seal tokens or sign challenges, and those that send mail, only', () => {
      const secretArn = { Ref: logicalId(stack, stack.tokenKey) };
      const expected = [
        ...routes
          .filter(
            (route) =>
              route.sealsTokens ||
              route.signsChallenges ||
              route.signsReplyAddresses ||
              route.readsAttendanceCodes,
          )
          .map((route) => route.entry),
        ...MAIL_SENDERS,
        // Webhook deliveries: secrets are sealed with a key derived from it.
        'functions/queue/webhooks.ts',
      ];
      expect(expected).toContain('functions/api/public/register.ts');
      expect(expected).toContain('functions/api/public/getChallenge.ts');
      expect(expected).toContain('functions/api/admin/checkInByCode.ts');
      // Those (and only those) load the key at init: the module that does it is in their bundle.
      for (const entry of stack.functions.keys()) {
        const source = readFileSync(join(projectRoot, entry), 'utf8');
        expect(source.includes("wiring/token-key.js'"), entry).toBe(expected.includes(entry));
      }
      const all = template.toJSON().Resources as Record<string, Resource>;
      for (const [entry, fn] of stack.functions) {
        const statements = functionStatements(template, stack, fn);
        const reads = statementsFor(statements, 'secretsmanager:GetSecretValue');
        const env = all[logicalId(stack, fn.function)]?.Properties.Environment.Variables;
        expect(actionsOf(statements).filter((a) => a.startsWith('secretsmanager:'))).toEqual(
          expected.includes(entry) ? ['secretsmanager:GetSecretValue'] : [],
        );
        if (expected.includes(entry)) {
          expect(reads.map((s) => s.Resource)).toEqual([secretArn]);
          expect(env.MANAGE_TOKEN_KEY_SECRET_ARN).toEqual(secretArn);
        } else {
          expect(env.MANAGE_TOKEN_KEY_SECRET_ARN, entry).toBeUndefined();
        }
        // The key itself is never in a function's configuration.
        expect(env.MANAGE_TOKEN_KEY).toBeUndefined();
      }
      template.hasResourceProperties('AWS::SecretsManager::Secret', {
        GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true },
      });
    });

    it('lets only the mail senders (notify, fanout, resend) send mail, as the domain identity through its configuration set', () => {
      const identityArn = stack.resolve(stack.mail.identity.emailIdentityArn);
      const configurationSetArn = stack.resolve(stack.mail.configurationSetArn);
      for (const [entry, fn] of stack.functions) {
        const statements = functionStatements(template, stack, fn);
        const sesActions = actionsOf(statements).filter((action) => action.startsWith('ses:'));
        if (MAIL_SENDERS.includes(entry)) {
          expect(sesActions.sort()).toEqual(['ses:SendEmail', 'ses:SendRawEmail']);
          const resourcesOf = statementsFor(statements, 'ses:SendEmail').flatMap((s) => list(s.Resource));
          expect(resourcesOf).toHaveLength(2);
          expect(resourcesOf).toEqual(expect.arrayContaining([identityArn, configurationSetArn]));
        } else {
          expect(sesActions, entry).toEqual([]);
        }
      }
    });

    it('lets only notify manage schedules, in its schedule group, and pass the scheduler role to Scheduler', () => {
      const { reminders } = stack.notifications;
      for (const [entry, fn] of stack.functions) {
        const statements = functionStatements(template, stack, fn);
        const schedulerActions = actionsOf(statements).filter((action) => action.startsWith('scheduler:'));
        const passRole = statementsFor(statements, 'iam:PassRole');
        if (entry !== 'functions/stream/notify.ts') {
          expect(schedulerActions, entry).toEqual([]);
          expect(passRole, entry).toEqual([]);
          continue;
        }
        expect(schedulerActions.sort()).toEqual([
          'scheduler:CreateSchedule',
          'scheduler:DeleteSchedule',
          'scheduler:UpdateSchedule',
        ]);
        const scheduleStatement = only(statementsFor(statements, 'scheduler:CreateSchedule'));
        expect(scheduleStatement.Resource).toEqual(stack.resolve(reminders.scheduleArnPattern));
        expect(JSON.stringify(scheduleStatement.Resource)).toMatch(
          new RegExp(`:schedule/",\\{"Ref":"${logicalId(stack, reminders.group)}"\\},"/\\*"\\]`),
        );
        expect(only(passRole)).toMatchObject({
          Resource: { 'Fn::GetAtt': [logicalId(stack, reminders.schedulerRole), 'Arn'] },
          Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
        });
      }
    });

    it('lets notify, fanout and remind (only) queue fan-out work, and only on the fan-out queue', () => {
      const queueArn = { 'Fn::GetAtt': [logicalId(stack, stack.notifications.queue), 'Arn'] };
      const failuresArn = { 'Fn::GetAtt': [logicalId(stack, stack.notifications.streamFailures), 'Arn'] };
      const webhookQueueArn = { 'Fn::GetAtt': [logicalId(stack, stack.notifications.webhooks.queue), 'Arn'] };
      for (const [entry, fn] of stack.functions) {
        const sends = statementsFor(functionStatements(template, stack, fn), 'sqs:SendMessage');
        const targets = sends.flatMap((s) => list(s.Resource));
        if (entry === 'functions/stream/notify.ts')
          expect(targets).toEqual([queueArn, webhookQueueArn, failuresArn]);
        else if (['functions/queue/fanout.ts', 'functions/scheduled/remind.ts'].includes(entry))
          expect(targets, entry).toEqual([queueArn]);
        else expect(targets, entry).toEqual([]);
      }
    });
  });

  describe('webhooks', () => {
    it('feeds the webhook worker from its own queue: item failures, retries kept past 24 h, a DLQ, no VPC', () => {
      const { queue, deadLetterQueue, worker } = stack.notifications.webhooks;
      const all = template.toJSON().Resources as Record<string, Resource>;
      const queueProperties = all[logicalId(stack, queue)]?.Properties;
      // SQS keeps a message 4 days: the ~27 h of retries fit.
      expect(queueProperties.MessageRetentionPeriod).toBeGreaterThan(27 * 3600);
      expect(queueProperties.RedrivePolicy).toEqual({
        deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(stack, deadLetterQueue), 'Arn'] },
        maxReceiveCount: MAX_ATTEMPTS + 3,
      });
      const mapping = resources(template, 'AWS::Lambda::EventSourceMapping').find(
        (m) =>
          JSON.stringify(m.Properties.EventSourceArn) ===
          JSON.stringify({ 'Fn::GetAtt': [logicalId(stack, queue), 'Arn'] }),
      );
      expect(mapping?.Properties).toMatchObject({
        FunctionName: { Ref: logicalId(stack, worker.function) },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
      const fn = all[logicalId(stack, worker.function)]?.Properties;
      // A plain function with internet egress: no VPC to reach receivers through.
      expect(fn.VpcConfig).toBeUndefined();
      // The worker may delay (the backoff) and consume its queue, send to none.
      const statements = functionStatements(template, stack, worker);
      expect(statementsFor(statements, 'sqs:SendMessage')).toEqual([]);
      const delays = statementsFor(statements, 'sqs:ChangeMessageVisibility').flatMap((s) =>
        list(s.Resource),
      );
      expect(delays).toEqual([{ 'Fn::GetAtt': [logicalId(stack, queue), 'Arn'] }]);
    });
  });

  describe('API', () => {
    it('routes every route-table entry; admin routes go through the admin authorizer, public ones nothing', () => {
      const apiRoutes = resources(template, 'AWS::ApiGatewayV2::Route');
      expect(apiRoutes).toHaveLength(routes.length);
      const byKey = new Map(
        apiRoutes.map((route) => [route.Properties.RouteKey as string, route.Properties]),
      );
      const authorizer = only(Object.keys(template.findResources('AWS::ApiGatewayV2::Authorizer')));
      for (const route of routes) {
        const properties = byKey.get(`${route.method} ${route.path}`);
        expect(properties, `${route.method} ${route.path}`).toBeDefined();
        if (route.auth === 'admin') {
          expect(properties?.AuthorizationType).toBe('CUSTOM');
          expect(properties?.AuthorizerId).toEqual({ Ref: authorizer });
        } else {
          expect(properties?.AuthorizationType ?? 'NONE').toBe('NONE');
          expect(properties?.AuthorizerId).toBeUndefined();
        }
      }
      expect(
        routes.filter((route) => route.path.startsWith('/api/admin/')).every((r) => r.auth === 'admin'),
      ).toBe(true);
    });

    it('checks admin callers with one Lambda authorizer: a Cognito token of the admin client or an API key, cached briefly', () => {
      const check = stack.functions.get('functions/apikeys/authorizer.ts');
      if (!check) throw new Error('No admin authorizer function');
      const checkArn = { 'Fn::GetAtt': [logicalId(stack, check.function), 'Arn'] };
      template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
        AuthorizerType: 'REQUEST',
        AuthorizerPayloadFormatVersion: '2.0',
        EnableSimpleResponses: true,
        IdentitySource: ['$request.header.Authorization'],
        AuthorizerResultTtlInSeconds: 30,
        AuthorizerUri: Match.objectLike({
          'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(':lambda:path/')])],
        }),
      });
      expect(JSON.stringify(template.findResources('AWS::ApiGatewayV2::Authorizer'))).toContain(
        JSON.stringify(checkArn),
      );
      const environment = (template.toJSON().Resources as Record<string, Resource>)[
        logicalId(stack, check.function)
      ]?.Properties.Environment.Variables;
      expect(environment).toMatchObject({
        // The pool's ProviderURL, https://cognito-idp.<region>.amazonaws.com/<pool id>: the issuer in its tokens.
        COGNITO_ISSUER: { 'Fn::GetAtt': [logicalId(stack, stack.auth.userPool), 'ProviderURL'] },
        ADMIN_CLIENT_ID: { Ref: only(Object.keys(template.findResources('AWS::Cognito::UserPoolClient'))) },
      });
      // Reads keys, and writes only their last use.
      const actions = actionsOf(functionStatements(template, stack, check)).filter((a) =>
        a.startsWith('dynamodb:'),
      );
      expect(actions.filter((action) => WRITE_ACTIONS.includes(action))).toEqual(['dynamodb:UpdateItem']);
      expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query']));
    });

    it('uses only route paths HTTP API accepts: a parameter fills its whole segment', () => {
      for (const route of routes) {
        for (const segment of route.path.split('/').slice(1)) {
          if (segment.includes('{')) expect(segment, route.path).toMatch(/^\{\w+\+?\}$/);
          else expect(segment, route.path).toMatch(/^[\w.-]+$/);
        }
      }
    });

    it('throttles the stage, and registration tighter, and access-logs every request as JSON', () => {
      const registration = routes.find((route) => route.entry === REGISTRATION_ENTRY);
      const registrationKey = `${registration?.method} ${registration?.path}`;
      const stage = only(Object.entries(template.findResources('AWS::ApiGatewayV2::Stage')));
      const [, properties] = [stage[0], (stage[1] as Resource).Properties];
      expect(properties).toMatchObject({
        StageName: '$default',
        AutoDeploy: true,
        DefaultRouteSettings: { ThrottlingRateLimit: 1000, ThrottlingBurstLimit: 2000 },
        RouteSettings: { [registrationKey]: { ThrottlingRateLimit: 500, ThrottlingBurstLimit: 1000 } },
      });
      // CloudFormation needs the route before settings can name it.
      const routeId = logicalId(stack, stack.api.routes.get(registrationKey) as never);
      expect(list((stage[1] as { DependsOn: string | string[] }).DependsOn)).toContain(routeId);
      expect(JSON.parse(properties.AccessLogSettings.Format)).toMatchObject({
        requestId: '$context.requestId',
        routeKey: '$context.routeKey',
        status: '$context.status',
      });
      expect(properties.AccessLogSettings.Format).not.toContain('sourceIp');
      // The route key (`GET /j/{code}`), never the path: a personal join link's code is a secret.
      expect(properties.AccessLogSettings.Format).not.toMatch(/\$context\.(path|rawPath)|requestUri/);
    });

    it('sets no CORS without a custom site domain: the pages and the API share an origin', () => {
      expect(
        only(resources(template, 'AWS::ApiGatewayV2::Api')).Properties.CorsConfiguration,
      ).toBeUndefined();
    });
  });

  describe('auth', () => {
    it('has a user pool of admin-created users, optional TOTP MFA, a strong password policy', () => {
      template.hasResourceProperties('AWS::Cognito::UserPool', {
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
        MfaConfiguration: 'OPTIONAL',
        EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
        Policies: {
          PasswordPolicy: {
            MinimumLength: 12,
            RequireLowercase: true,
            RequireUppercase: true,
            RequireNumbers: true,
            RequireSymbols: true,
          },
        },
        UsernameAttributes: ['email'],
      });
    });

    it('has one group per organiser, named by its id', () => {
      const groups = resources(template, 'AWS::Cognito::UserPoolGroup');
      expect(groups.map((group) => group.Properties.GroupName)).toEqual(['demo']);
    });

    it('has a hosted UI domain derived from the stack name and the account', () => {
      template.hasResourceProperties('AWS::Cognito::UserPoolDomain', {
        Domain: { 'Fn::Join': ['-', ['infratest', { Ref: 'AWS::AccountId' }]] },
      });
    });

    it('has a public admin client: code flow (PKCE in the page), no secret, back to <site>/admin', () => {
      const adminPage = {
        'Fn::Join': [
          '',
          ['https://', { 'Fn::GetAtt': [logicalId(stack, stack.web.distribution), 'DomainName'] }, '/admin'],
        ],
      };
      template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
        GenerateSecret: false,
        AllowedOAuthFlows: ['code'],
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthScopes: ['openid', 'email'],
        CallbackURLs: [adminPage],
        LogoutURLs: [adminPage],
        SupportedIdentityProviders: ['COGNITO'],
        PreventUserExistenceErrors: 'ENABLED',
      });
    });
  });

  describe('mail', () => {
    it('has the SES domain identity with DKIM, using the configuration set by default', () => {
      template.hasResourceProperties('AWS::SES::EmailIdentity', {
        EmailIdentity: 'example.org',
        DkimAttributes: { SigningEnabled: true },
        ConfigurationSetAttributes: {
          ConfigurationSetName: { Ref: logicalId(stack, stack.mail.configurationSet) },
        },
      });
      template.hasResourceProperties('AWS::SES::ConfigurationSet', {
        ReputationOptions: { ReputationMetricsEnabled: true },
        SuppressionOptions: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
      });
      template.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
        EventDestination: {
          Enabled: true,
          CloudWatchDestination: Match.anyValue(),
          MatchingEventTypes: Match.arrayWith(['bounce', 'complaint']),
        },
      });
      for (const index of [1, 2, 3]) template.hasOutput(`DkimRecord${index}`, {});
    });

    it('runs notify on the table stream: registrations and events only, item failures, 5 retries, no bisect', () => {
      const notify = stack.notifications.notify;
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: { Ref: logicalId(stack, notify.function) },
        EventSourceArn: { 'Fn::GetAtt': [logicalId(stack, stack.data.table), 'StreamArn'] },
        StartingPosition: 'TRIM_HORIZON',
        BisectBatchOnFunctionError: false,
        MaximumRetryAttempts: 5,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        DestinationConfig: {
          OnFailure: {
            Destination: { 'Fn::GetAtt': [logicalId(stack, stack.notifications.streamFailures), 'Arn'] },
          },
        },
        FilterCriteria: {
          Filters: [{ Pattern: '{"dynamodb":{"Keys":{"sk":{"S":[{"prefix":"REG#"},"EVENT"]}}}}' }],
        },
      });
      const statements = functionStatements(template, stack, notify);
      expect(statementsFor(statements, 'dynamodb:GetRecords').map((s) => s.Resource)).toEqual([
        { 'Fn::GetAtt': [logicalId(stack, stack.data.table), 'StreamArn'] },
      ]);
      template.hasResourceProperties('AWS::Lambda::Function', {
        Role: { 'Fn::GetAtt': [logicalId(stack, notify.role), 'Arn'] },
        Environment: {
          Variables: Match.objectLike({
            QUEUE_URL: { Ref: logicalId(stack, stack.notifications.queue) },
            SCHEDULE_GROUP: { Ref: logicalId(stack, stack.notifications.reminders.group) },
            REMIND_FUNCTION_ARN: {
              'Fn::GetAtt': [logicalId(stack, stack.notifications.reminders.remind.function), 'Arn'],
            },
            SCHEDULER_ROLE_ARN: {
              'Fn::GetAtt': [logicalId(stack, stack.notifications.reminders.schedulerRole), 'Arn'],
            },
            SES_CONFIGURATION_SET: { Ref: logicalId(stack, stack.mail.configurationSet) },
          }),
        },
      });
    });

    it('feeds fanout from its queue: small batches, item failures, visibility 6x the timeout, a DLQ after 5', () => {
      const { fanout, queue, deadLetterQueue } = stack.notifications;
      const all = template.toJSON().Resources as Record<string, Resource>;
      const timeout = all[logicalId(stack, fanout.function)]?.Properties.Timeout as number;
      expect(timeout).toBeGreaterThanOrEqual(60);
      expect(timeout).toBeLessThanOrEqual(120);
      const queueProperties = all[logicalId(stack, queue)]?.Properties;
      expect(queueProperties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * timeout);
      expect(queueProperties.RedrivePolicy).toEqual({
        deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(stack, deadLetterQueue), 'Arn'] },
        maxReceiveCount: 5,
      });
      const mapping = resources(template, 'AWS::Lambda::EventSourceMapping').find(
        (m) =>
          JSON.stringify(m.Properties.EventSourceArn) ===
          JSON.stringify({ 'Fn::GetAtt': [logicalId(stack, queue), 'Arn'] }),
      );
      expect(mapping?.Properties).toMatchObject({
        FunctionName: { Ref: logicalId(stack, fanout.function) },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
      expect(mapping?.Properties.BatchSize).toBeGreaterThanOrEqual(1);
      expect(mapping?.Properties.BatchSize).toBeLessThanOrEqual(5);
      for (const q of resources(template, 'AWS::SQS::Queue')) {
        expect(q.Properties.SqsManagedSseEnabled).toBe(true);
      }
      // Every queue refuses plain HTTP (the fan-out's two, the stream failures', the webhooks' two).
      expect(resources(template, 'AWS::SQS::QueuePolicy')).toHaveLength(5);
    });

    it('has the reminder schedule group and a role only Scheduler may assume, invoking remind only', () => {
      const { reminders } = stack.notifications;
      template.resourceCountIs('AWS::Scheduler::ScheduleGroup', 1);
      const all = template.toJSON().Resources as Record<string, Resource>;
      const role = all[logicalId(stack, reminders.schedulerRole)] as Resource;
      expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
        {
          Action: 'sts:AssumeRole',
          Effect: 'Allow',
          Principal: { Service: 'scheduler.amazonaws.com' },
          Condition: {
            StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
            ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [logicalId(stack, reminders.group), 'Arn'] } },
          },
        },
      ]);
      const statements = roleStatements(template, logicalId(stack, reminders.schedulerRole));
      expect(statements.map((s) => [s.Action, s.Resource])).toEqual([
        ['lambda:InvokeFunction', { 'Fn::GetAtt': [logicalId(stack, reminders.remind.function), 'Arn'] }],
      ]);
    });
  });

  describe('web', () => {
    it('keeps the pages in a private, TLS-only bucket only the distribution can read', () => {
      template.hasResourceProperties('AWS::S3::Bucket', {
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        BucketEncryption: Match.anyValue(),
      });
      expect(only(resources(template, 'AWS::S3::Bucket')).Properties.WebsiteConfiguration).toBeUndefined();
      const policy = only(resources(template, 'AWS::S3::BucketPolicy')).Properties.PolicyDocument
        .Statement as Statement[];
      expect(policy).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
      const reads = policy.filter((s) => s.Effect === 'Allow' && list(s.Action).includes('s3:GetObject'));
      expect(only(reads)).toMatchObject({
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Condition: { StringEquals: { 'AWS:SourceArn': expect.anything() } },
      });
      expect(JSON.stringify(only(reads).Condition)).toContain(logicalId(stack, stack.web.distribution));
      template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
        OriginAccessControlConfig: {
          OriginAccessControlOriginType: 's3',
          SigningBehavior: 'always',
          SigningProtocol: 'sigv4',
        },
      });
    });

    it('routes pages to S3 (OAC), /api/* uncached with viewer headers, /calendar/* cached per Cache-Control', () => {
      const distribution = only(resources(template, 'AWS::CloudFront::Distribution')).Properties
        .DistributionConfig;
      const s3Origin = distribution.Origins.find((origin: Json) => origin.S3OriginConfig);
      const apiOrigin = distribution.Origins.find((origin: Json) => origin.CustomOriginConfig);
      expect(s3Origin.OriginAccessControlId).toBeDefined();
      expect(apiOrigin.DomainName).toEqual(stack.resolve(stack.api.endpointDomain));
      expect(apiOrigin.CustomOriginConfig).toMatchObject({
        OriginProtocolPolicy: 'https-only',
        OriginSSLProtocols: ['TLSv1.2'],
      });
      expect(distribution.DefaultCacheBehavior).toMatchObject({
        TargetOriginId: s3Origin.Id,
        ViewerProtocolPolicy: 'redirect-to-https',
        ResponseHeadersPolicyId: { Ref: logicalId(stack, stack.web.responseHeaders) },
      });
      expect(distribution.DefaultRootObject).toBe('index.html');

      const behaviour = (path: string) =>
        distribution.CacheBehaviors.find((b: Json) => b.PathPattern === path);
      // AWS managed policies: CachingDisabled and AllViewerExceptHostHeader.
      expect(behaviour('/api/*')).toMatchObject({
        TargetOriginId: apiOrigin.Id,
        AllowedMethods: expect.arrayContaining(['GET', 'POST', 'PATCH', 'DELETE', 'OPTIONS']),
        CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
        OriginRequestPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac',
        ViewerProtocolPolicy: 'redirect-to-https',
      });
      expect(behaviour('/calendar/*')).toMatchObject({
        TargetOriginId: apiOrigin.Id,
        AllowedMethods: ['GET', 'HEAD'],
        CachePolicyId: { Ref: logicalId(stack, stack.web.calendarCache) },
      });
      // Event pages: rendered by the API (their head names the event), cached as it says, with
      // the site's headers; only `preview` (which changes the status) in the key: other query
      // strings cannot make every request a call to the API.
      expect(behaviour('/events/*')).toMatchObject({
        TargetOriginId: apiOrigin.Id,
        AllowedMethods: ['GET', 'HEAD'],
        CachePolicyId: { Ref: logicalId(stack, stack.web.eventPageCache) },
        ResponseHeadersPolicyId: { Ref: logicalId(stack, stack.web.responseHeaders) },
        ViewerProtocolPolicy: 'redirect-to-https',
      });
      expect(behaviour('/events/*').OriginRequestPolicyId).toBeUndefined();
      // Tracking links: every visit reaches the API (it counts them), with the viewer's headers.
      expect(behaviour('/r/*')).toMatchObject({
        TargetOriginId: apiOrigin.Id,
        AllowedMethods: ['GET', 'HEAD'],
        CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
        OriginRequestPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac',
        ViewerProtocolPolicy: 'redirect-to-https',
      });
      const eventPageCache = template.toJSON().Resources[logicalId(stack, stack.web.eventPageCache)];
      expect(eventPageCache.Properties.CachePolicyConfig).toMatchObject({
        DefaultTTL: 0,
        MinTTL: 0,
        MaxTTL: 86400,
        ParametersInCacheKeyAndForwardedToOrigin: {
          QueryStringsConfig: { QueryStringBehavior: 'whitelist', QueryStrings: ['preview'] },
          HeadersConfig: { HeaderBehavior: 'none' },
          CookiesConfig: { CookieBehavior: 'none' },
        },
      });
      // The API has the route the behaviour sends them to.
      expect(routes.filter((r) => r.path === '/events/{eventId}').map((r) => r.method)).toEqual([
        'GET',
        'HEAD',
      ]);
      // Personal join links: to the API, never cached (AWS managed CachingDisabled), site headers.
      expect(behaviour('/j/*')).toMatchObject({
        TargetOriginId: apiOrigin.Id,
        AllowedMethods: ['GET', 'HEAD'],
        CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
        ResponseHeadersPolicyId: { Ref: logicalId(stack, stack.web.responseHeaders) },
        ViewerProtocolPolicy: 'redirect-to-https',
      });
      expect(routes.filter((r) => r.path === '/j/{code}').map((r) => r.method)).toEqual(['GET', 'HEAD']);
      // TTL 0 by default: only what the origin's Cache-Control allows is kept.
      template.hasResourceProperties('AWS::CloudFront::CachePolicy', {
        CachePolicyConfig: Match.objectLike({ DefaultTTL: 0, MinTTL: 0, MaxTTL: 86400 }),
      });
    });

    it('sends the security headers: the CSP of the pages, HSTS, nosniff, no referrer', () => {
      const csp = contentSecurityPolicy(stack.auth.domainUrl, "'self'");
      template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
        ResponseHeadersPolicyConfig: Match.objectLike({
          SecurityHeadersConfig: {
            ContentSecurityPolicy: { ContentSecurityPolicy: stack.resolve(csp), Override: true },
            StrictTransportSecurity: {
              AccessControlMaxAgeSec: 63072000,
              IncludeSubdomains: true,
              Override: true,
            },
            ContentTypeOptions: { Override: true },
            ReferrerPolicy: { ReferrerPolicy: 'no-referrer', Override: true },
          },
        }),
      });
      expect(contentSecurityPolicy('https://login.example', "'self'")).toBe(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' https://login.example; frame-ancestors 'self'; base-uri 'none'; form-action 'self'",
      );
    });

    it('maps pretty page addresses and lets only the embed mode of an event page be framed, by any site', () => {
      const distribution = only(resources(template, 'AWS::CloudFront::Distribution')).Properties
        .DistributionConfig;
      const all = template.toJSON().Resources as Record<string, Resource>;
      const codeOf = (association: Json): string =>
        all[association.FunctionARN['Fn::GetAtt'][0]]?.Properties.FunctionCode;
      const byEvent = (associations: Json[] = []) =>
        Object.fromEntries(associations.map((a) => [a.EventType, codeOf(a)]));
      expect(byEvent(distribution.DefaultCacheBehavior.FunctionAssociations)).toEqual({
        'viewer-request': PAGE_ROUTES_FUNCTION,
        'viewer-response': EMBED_FRAMING_FUNCTION,
      });
      // The event pages, which the API renders, are loosened by the same function;
      const eventPages = (distribution.CacheBehaviors as Json[]).find((b) => b.PathPattern === '/events/*');
      expect(byEvent(eventPages.FunctionAssociations)).toEqual({ 'viewer-response': EMBED_FRAMING_FUNCTION });
      // the API and the feeds are never framable: no function loosens their CSP.
      for (const behaviour of distribution.CacheBehaviors as Json[]) {
        if (behaviour === eventPages) continue;
        expect(byEvent(behaviour.FunctionAssociations), behaviour.PathPattern).not.toHaveProperty(
          'viewer-response',
        );
      }
      const codes = resources(template, 'AWS::CloudFront::Function').map((f) => f.Properties.FunctionCode);
      expect(codes.sort()).toEqual(
        [EMBED_FRAMING_FUNCTION, PAGE_ROUTES_FUNCTION, VIEWER_ADDRESS_FUNCTION].sort(),
      );

      // The headers CloudFront adds, from the template's policy (the Cognito domain's tokens
      // flattened to a placeholder): a CSP with frame-ancestors 'self', no X-Frame-Options.
      const flat = (value: Json): string =>
        typeof value === 'string'
          ? value
          : value['Fn::Join'][1]
              .map((part: unknown) => (typeof part === 'string' ? part : '{token}'))
              .join(value['Fn::Join'][0]);
      const cspWith = (frameAncestors: string) =>
        flat(stack.resolve(contentSecurityPolicy(stack.auth.domainUrl, frameAncestors)));
      const headers = only(resources(template, 'AWS::CloudFront::ResponseHeadersPolicy')).Properties
        .ResponseHeadersPolicyConfig.SecurityHeadersConfig;
      expect(headers.FrameOptions).toBeUndefined();
      const policyCsp = flat(headers.ContentSecurityPolicy.ContentSecurityPolicy);
      expect(policyCsp).toBe(cspWith("'self'"));

      // What a viewer gets, through the template's own function code (CloudFront's JS runtime
      // runs this ES5-style code as is). The viewer-response function may be shown the request
      // before or after the viewer-request function rewrote its address: both give one answer.
      const load = (code: string) => new Function(`${code}; return handler;`)() as (event: Json) => Json;
      const routeRequest = load(codeOf(distribution.DefaultCacheBehavior.FunctionAssociations[0]));
      const frame = load(codeOf(distribution.DefaultCacheBehavior.FunctionAssociations[1]));
      const uriOf = (uri: string) => routeRequest({ request: { uri, querystring: {} } }).uri;
      // Event pages are not files: the /events/* behaviour sends them to the API.
      expect(uriOf('/events/b2b-best-practices')).toBe('/events/b2b-best-practices');
      expect(uriOf('/manage')).toBe('/manage.html');
      expect(uriOf('/admin')).toBe('/admin.html');
      expect(uriOf('/list.js')).toBe('/list.js');
      expect(uriOf('/events/a/b')).toBe('/events/a/b');
      const cspFor = (address: string): string => {
        const url = new URL(address, 'https://site.example');
        const querystring = Object.fromEntries([...url.searchParams].map(([k, v]) => [k, { value: v }]));
        const viewer = { uri: url.pathname, querystring };
        const routed = routeRequest({ request: structuredClone(viewer) });
        const [before, after] = [viewer, routed].map(
          (request) =>
            frame({
              request,
              response: { statusCode: 200, headers: { 'content-security-policy': { value: policyCsp } } },
            }).headers['content-security-policy'].value,
        );
        expect(before, address).toBe(after);
        return before;
      };
      // API.md: "`/events/{id}?embed=1` may be framed by any site; every other page only by itself."
      for (const address of [
        '/events/b2b-best-practices?embed=1',
        '/events/x?lang=en&embed=1',
        '/event.html?embed=1',
      ]) {
        expect(cspFor(address), address).toBe(cspWith('*'));
      }
      for (const address of [
        '/',
        '/?embed=1',
        '/events/b2b-best-practices',
        '/events/b2b-best-practices?embed=0',
        '/events/b2b-best-practices?embed=true',
        '/events/b2b-best-practices?embedded=1',
        '/events/a/b?embed=1',
        '/manage?embed=1',
        '/admin?embed=1',
        '/index.html?embed=1',
        '/privacy.html?embed=1',
        '/event.html',
      ]) {
        expect(cspFor(address), address).toBe(policyCsp);
      }
    });

    it('tells the API the viewer’s address, with the origin secret, on /api/* only through CloudFront', () => {
      const distribution = only(resources(template, 'AWS::CloudFront::Distribution')).Properties
        .DistributionConfig;
      const apiBehaviour = (distribution.CacheBehaviors as Json[]).find((b) => b.PathPattern === '/api/*');
      expect(apiBehaviour.FunctionAssociations.map((a: Json) => a.EventType)).toEqual(['viewer-request']);
      // The origin header is the secret's dynamic reference, as is every API function's setting.
      const secret = logicalId(stack, stack.node.findChild('OriginVerify') as unknown as CfnElement);
      const reference = {
        'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secret }, ':SecretString:::}}']],
      };
      const apiOrigin = (distribution.Origins as Json[]).find((origin) => origin.CustomOriginConfig);
      expect(apiOrigin.OriginCustomHeaders).toEqual([
        { HeaderName: 'x-origin-verify', HeaderValue: reference },
      ]);
      const all = template.toJSON().Resources as Record<string, Resource>;
      for (const entry of distinctEntries) {
        const fn = stack.functions.get(entry) as AppFunction;
        expect(
          all[logicalId(stack, fn.function)]?.Properties.Environment.Variables.ORIGIN_VERIFY,
          entry,
        ).toEqual(reference);
      }
      // The function replaces whatever x-viewer-address the viewer sent.
      const load = (code: string) => new Function(`${code}; return handler;`)() as (event: Json) => Json;
      const tell = load(VIEWER_ADDRESS_FUNCTION);
      const request = tell({
        viewer: { ip: '198.51.100.7' },
        request: { headers: { 'x-viewer-address': { value: '203.0.113.1' } } },
      });
      expect(request.headers['x-viewer-address']).toEqual({ value: '198.51.100.7' });
    });

    it('deploys the pages with /config.json for Cognito and clears the CDN', () => {
      const deployment = only(resources(template, 'Custom::CDKBucketDeployment')).Properties;
      expect(deployment).toMatchObject({
        DestinationBucketName: { Ref: logicalId(stack, stack.web.bucket) },
        DistributionId: { Ref: logicalId(stack, stack.web.distribution) },
        DistributionPaths: ['/*'],
        Prune: true,
      });
      // The runtime config is an asset with deploy-time markers for the ids.
      const configFile = findFiles(app.outdir, 'config.json');
      const config = JSON.parse(readFileSync(only(configFile), 'utf8'));
      expect(config).toMatchObject({ auth: 'cognito', cognito: expect.any(Object) });
      expect(Object.keys(config.cognito).sort()).toEqual(['clientId', 'domain', 'issuer', 'redirectUri']);
      const markers = deployment.SourceMarkers.find((m: Json) => Object.keys(m).length > 0);
      const markerValue = (placeholder: string) =>
        markers[placeholder.match(/<<marker:0xbaba:\d+>>/)?.[0] ?? ''];
      expect(markerValue(config.cognito.clientId)).toEqual({
        Ref: only(Object.keys(template.findResources('AWS::Cognito::UserPoolClient'))),
      });
      expect(markerValue(config.cognito.issuer)).toEqual({
        'Fn::GetAtt': [logicalId(stack, stack.auth.userPool), 'ProviderURL'],
      });
    });
  });

  describe('operations', () => {
    const alarmsOf = (template: Template) => resources(template, 'AWS::CloudWatch::Alarm');

    it('alarms on each worker’s errors (an API function’s are API 5xx), and once on throttling', () => {
      const alarms = alarmsOf(template);
      const errorAlarmFor = (fn: AppFunction) =>
        alarms.filter(
          (alarm) =>
            alarm.Properties.MetricName === 'Errors' &&
            alarm.Properties.Namespace === 'AWS/Lambda' &&
            JSON.stringify(alarm.Properties.Dimensions) ===
              JSON.stringify([{ Name: 'FunctionName', Value: { Ref: logicalId(stack, fn.function) } }]),
        );
      for (const fn of stack.functions.values()) {
        const found = errorAlarmFor(fn);
        if (!WORKER_ENTRIES.includes(fn.entry)) {
          expect(found, fn.entry).toEqual([]);
          continue;
        }
        expect(only(found).Properties).toMatchObject({
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        });
      }
      const throttles = alarms.filter((alarm) => alarm.Properties.MetricName === 'Throttles');
      expect(only(throttles).Properties).toMatchObject({ Namespace: 'AWS/Lambda', Threshold: 1 });
      expect(only(throttles).Properties.Dimensions).toBeUndefined();
    });

    it('alarms on dead letters, API 5xx, late emails and the SES reputation rates', () => {
      const alarms = alarmsOf(template);
      for (const queue of [
        stack.notifications.streamFailures,
        stack.notifications.deadLetterQueue,
        stack.notifications.webhooks.deadLetterQueue,
      ]) {
        const depth = alarms.find(
          (alarm) =>
            alarm.Properties.MetricName === 'ApproximateNumberOfMessagesVisible' &&
            JSON.stringify(alarm.Properties.Dimensions).includes(logicalId(stack, queue)),
        );
        expect(depth?.Properties).toMatchObject({ Threshold: 1, Namespace: 'AWS/SQS' });
      }
      const byMetric = (name: string) =>
        only(alarms.filter((alarm) => alarm.Properties.MetricName === name)).Properties;
      expect(byMetric('Reputation.BounceRate')).toMatchObject({
        Namespace: 'AWS/SES',
        Threshold: BOUNCE_RATE_THRESHOLD,
      });
      expect(byMetric('Reputation.ComplaintRate')).toMatchObject({
        Namespace: 'AWS/SES',
        Threshold: COMPLAINT_RATE_THRESHOLD,
      });
      expect(BOUNCE_RATE_THRESHOLD).toBe(0.05);
      expect(COMPLAINT_RATE_THRESHOLD).toBe(0.001);
      expect(byMetric('5xx')).toMatchObject({ Namespace: 'AWS/ApiGateway' });
      expect(byMetric('IteratorAge')).toMatchObject({ Namespace: 'AWS/Lambda' });
      // 6 worker errors, throttles, 3 dead-letter queues, 5xx, late emails, 2 SES rates, and
      // the domain's own: counter drift, emails owed, 429 surge, table throttling.
      expect(alarms).toHaveLength(WORKER_ENTRIES.length + 1 + 3 + 4 + 4);
    });

    it('sends every alarm (and its recovery) to one TLS-only topic, with no subscription unless asked', () => {
      const topic = { Ref: logicalId(stack, stack.monitoring.topic) };
      for (const alarm of alarmsOf(template)) {
        expect(alarm.Properties.AlarmActions).toEqual([topic]);
        expect(alarm.Properties.OKActions).toEqual([topic]);
        expect(alarm.Properties.TreatMissingData).toBe('notBreaching');
      }
      template.resourceCountIs('AWS::SNS::Subscription', 0);
      const policy = only(resources(template, 'AWS::SNS::TopicPolicy')).Properties.PolicyDocument
        .Statement as Statement[];
      expect(policy).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
      template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    });

    it('outputs what the deploy guide points at', () => {
      for (const output of [
        'SiteUrl',
        'ApiUrl',
        'UserPoolId',
        'AdminClientId',
        'HostedLoginUrl',
        'TableName',
        'AlarmTopicArn',
      ]) {
        template.hasOutput(output, {});
      }
    });
  });

  describe('stages', () => {
    it('is environment-agnostic and hard-codes no account, region or resource name', () => {
      expect(Stack.of(stack).account).toMatch(/^\$\{Token/);
      const text = JSON.stringify(template.toJSON());
      expect(text).not.toMatch(/\b\d{12}\b/);
      expect(text).not.toMatch(
        /\b(eu|us|ap|sa|ca|me|af)-(west|east|north|south|central|northeast|southeast)-\d\b/,
      );
      for (const type of [
        'AWS::DynamoDB::Table',
        'AWS::S3::Bucket',
        'AWS::SQS::Queue',
        'AWS::Lambda::Function',
      ]) {
        for (const resource of resources(template, type)) {
          expect(
            resource.Properties.TableName ?? resource.Properties.BucketName ?? resource.Properties.QueueName,
          ).toBeUndefined();
        }
      }
    });
  });

  describe('cdk-nag', () => {
    it('passes the AwsSolutions checks: every finding fixed or acknowledged', () => {
      const findings = nag
        .validateScope(stack)
        .violations.map(
          (violation) =>
            `${violation.ruleName}: ${violation.violatingResources.map((r) => r.constructPath).join(', ')}`,
        );
      expect(findings).toEqual([]);
      expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toEqual([]);
      expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
    });

    it('acknowledges exactly the expected findings, each with its reason, each on its own construct', () => {
      expect(
        acknowledgements(stack)
          .map(({ label }) => label)
          .sort(),
      ).toEqual(expectedAcknowledgements(stack, 'dev').sort());
      for (const { label, reason } of acknowledgements(stack))
        expect(reason.length, label).toBeGreaterThan(30);
    });
  });
});

describe('prod stack (custom site domain, alarm email, two organisers)', () => {
  let stack: InscriptionsStack;
  let template: Template;
  beforeAll(() => {
    // Registered as in bin/app.ts: this synthesis itself fails on an unacknowledged finding.
    ({ stack, template } = synth(PROD_CONTEXT, { registerNag: true }));
  });

  it('retains the table (with deletion protection), bucket, user pool, secret and logs', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
    });
    template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain' });
    template.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
    template.hasResource('AWS::Cognito::UserPool', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ DeletionProtection: 'ACTIVE' }),
    });
    template.hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Retain' });
    for (const group of resources(template, 'AWS::Logs::LogGroup'))
      expect(group.DeletionPolicy).toBe('Retain');
  });

  it('serves the site on its own domain: certificate, TLS 1.2, CORS for that origin only, links on it', () => {
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: ['events.example.net'],
        ViewerCertificate: {
          AcmCertificateArn: PROD_CONTEXT.siteCertificateArn,
          MinimumProtocolVersion: 'TLSv1.2_2021',
          SslSupportMethod: 'sni-only',
        },
      }),
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({ AllowOrigins: ['https://events.example.net'] }),
    });
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      CallbackURLs: ['https://events.example.net/admin'],
    });
    for (const fn of stack.functions.values()) {
      if (fn.entry === 'functions/scheduled/remind.ts') continue;
      template.hasResourceProperties('AWS::Lambda::Function', {
        Role: { 'Fn::GetAtt': [logicalId(stack, fn.role), 'Arn'] },
        Environment: { Variables: Match.objectLike({ PUBLIC_BASE_URL: 'https://events.example.net' }) },
      });
    }
  });

  it('makes a group and an organiser record per organiser, and mails from the domain', () => {
    expect(resources(template, 'AWS::Cognito::UserPoolGroup').map((g) => g.Properties.GroupName)).toEqual([
      'media-aces',
      'open2leads',
    ]);
    template.resourceCountIs('Custom::OrganiserRecord', 2);
    template.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'inscriptions.example.net' });
    template.hasOutput('MailFrom', { Value: 'inscriptions@inscriptions.example.net' });
  });

  it('subscribes the alarm email', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.net',
    });
  });

  it('acknowledges the same findings, less the default-certificate and no-WAF ones', () => {
    expect(
      acknowledgements(stack)
        .map(({ label }) => label)
        .sort(),
    ).toEqual(expectedAcknowledgements(stack, 'prod').sort());
  });
});

describe('acknowledgements are each needed', () => {
  it('without them cdk-nag reports exactly those findings, and the registered plugin fails the synth', () => {
    const ignore = vi.spyOn(Validations.prototype, 'acknowledge').mockImplementation(() => undefined);
    let app: App;
    let stack: InscriptionsStack;
    try {
      app = new App({ context: { ...cdkJsonContext, stage: 'dev', 'aws:cdk:bundling-stacks': [] } });
      stack = new InscriptionsStack(app, 'InfraTest', { settings: stageSettingsFromContext(app) });
    } finally {
      ignore.mockRestore();
    }
    const nag = new AwsSolutionsChecks(app);
    const found = nag
      .validateScope(stack)
      .violations.flatMap((violation) => violation.violatingResources.map(() => violation.ruleName));
    // One finding per acknowledgement the real stack makes: none missing, none spare.
    const acknowledged = expectedAcknowledgements(stack, 'dev').map((label) => label.split(' ')[0]);
    expect(found.sort()).toEqual(acknowledged.sort());

    Validations.of(app).addPlugins(nag);
    expect(() => app.synth()).toThrow();
  });
});

describe('stage settings from context', () => {
  const settingsFor = (context: Record<string, unknown>) =>
    stageSettingsFromContext(new App({ context: { ...cdkJsonContext, ...context } }));

  it('reads cdk.json, with -c values taking precedence', () => {
    const dev = settingsFor({});
    expect(dev).toMatchObject({
      stage: 'dev',
      retain: false,
      mailDomain: 'example.org',
      mailFrom: 'inscriptions@example.org',
    });
    expect(dev.account).toBeUndefined();
    expect(settingsFor({ domain: 'Other.Example' }).mailDomain).toBe('other.example');
    expect(settingsFor({ throttle: '{"rateLimit": 50, "burstLimit": 100}' }).throttle).toEqual({
      rateLimit: 50,
      burstLimit: 100,
    });
  });

  it('pins an environment only when the stage says so', () => {
    const stages = {
      ...(cdkJsonContext.stages as object),
      pinned: {
        removalPolicy: 'retain',
        account: '111122223333',
        region: 'eu-west-3',
        domain: 'example.org',
        organisers: [{ id: 'a', name: 'A', replyTo: 'a@example.org' }],
      },
    };
    expect(settingsFor({ stage: 'pinned', stages })).toMatchObject({
      account: '111122223333',
      region: 'eu-west-3',
      retain: true,
    });
  });

  it('refuses an unknown stage, a stage without a domain or organisers, and bad values', () => {
    expect(() => settingsFor({ stage: 'staging' })).toThrow(/Unknown stage "staging"/);
    expect(() => settingsFor({ stage: 'prod' })).toThrow(/mail domain/);
    expect(() => settingsFor({ stage: 'prod', domain: 'example.net' })).toThrow(/at least one organiser/);
    const prod = { stage: 'prod', domain: 'example.net' };
    expect(() =>
      settingsFor({ ...prod, organisers: '[{"id":"a b","name":"A","replyTo":"a@example.net"}]' }),
    ).toThrow(/Organiser id/);
    expect(() => settingsFor({ ...prod, organisers: '[{"id":"a","name":"A","replyTo":"nobody"}]' })).toThrow(
      /replyTo/,
    );
    expect(() => settingsFor({ ...PROD_CONTEXT, siteCertificateArn: undefined })).toThrow(/go together/);
    expect(() =>
      settingsFor({
        ...PROD_CONTEXT,
        siteCertificateArn: 'arn:aws:acm:eu-west-3:111122223333:certificate/x',
      }),
    ).toThrow(/us-east-1/);
    expect(() => settingsFor({ ...PROD_CONTEXT, mailFrom: 'me@elsewhere.example' })).toThrow(/mail domain/);
    expect(() => settingsFor({ ...PROD_CONTEXT, authDomainPrefix: 'my-cognito-login' })).toThrow(
      /authDomainPrefix/,
    );
  });
});

// --- acknowledgements ---------------------------------------------------------------------

interface Acknowledgement {
  label: string;
  reason: string;
}

/** Every acknowledgement in the stack: `<rule id> <where>`, routes by route key, functions by entry. */
const acknowledgements = (stack: InscriptionsStack): Acknowledgement[] => {
  const byConstruct = new Map<string, string>(
    [...stack.functions.values()].map((fn) => [fn.node.path, fn.entry]),
  );
  const found: Acknowledgement[] = [];
  for (const construct of stack.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        const rule = id.replace(/^annotation::/i, '');
        const route = construct.node.defaultChild;
        const where =
          route instanceof CfnRoute
            ? route.routeKey
            : (byConstruct.get(construct.node.path) ??
              construct.node.path.replace(`${stack.node.path}/`, ''));
        found.push({ label: `${rule} ${where}`, reason });
      }
    }
  }
  return found;
};

const expectedAcknowledgements = (stack: InscriptionsStack, stage: 'dev' | 'prod'): string[] => {
  const deploymentRole = stack.node
    .findAll()
    .find((c) => c.node.path.includes('Custom::CDKBucketDeployment') && c.node.id === 'ServiceRole');
  const deploymentRolePath = deploymentRole?.node.path.replace(`${stack.node.path}/`, '') ?? 'missing';
  const deploymentPath = deploymentRolePath.replace(/\/ServiceRole$/, '');
  const bucketArn = nagRef(stack.web.bucket.node.defaultChild as CfnElement, 'Arn');
  const group = nagRef(stack.notifications.reminders.group);
  return [
    // None of our functions: they run on Lambda's latest Node.js runtime.
    ...routes
      .filter((route) => route.auth === 'public')
      .map((route) => `AwsSolutions-APIG4 ${route.method} ${route.path}`),
    `${wildcardResourceFinding('*')} Notifications/Notify/Role`,
    `${wildcardResourceFinding(`arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/${group}/*`)} Notifications/Notify/Role`,
    'AwsSolutions-SQS3 Notifications/StreamFailures',
    'AwsSolutions-SMG4 ManageTokenKey',
    'AwsSolutions-SMG4 OriginVerify',
    'AwsSolutions-COG2 Auth/UserPool',
    'AwsSolutions-COG8 Auth/UserPool',
    'AwsSolutions-S1 Web/Pages',
    'AwsSolutions-CFR1 Web/Distribution',
    // A kept stage has a WAF web ACL by default (lib/waf.ts); dev has none.
    ...(stage === 'dev' ? ['AwsSolutions-CFR2 Web/Distribution'] : []),
    'AwsSolutions-CFR3 Web/Distribution',
    ...(stage === 'dev' ? ['AwsSolutions-CFR4 Web/Distribution'] : []),
    `${BASIC_EXECUTION_ROLE_FINDING} AWS679f53fac002430cb0da5b7982bd2287`,
    `${BASIC_EXECUTION_ROLE_FINDING} ${deploymentRolePath}`,
    ...['s3:GetBucket*', 's3:GetObject*', 's3:List*', 's3:Abort*', 's3:DeleteObject*'].map(
      (action) => `${wildcardActionFinding(action)} ${deploymentRolePath}`,
    ),
    `${wildcardResourceFinding(assetBucketPattern(stack))} ${deploymentRolePath}`,
    `${wildcardResourceFinding(`${bucketArn}/*`)} ${deploymentRolePath}`,
    `${wildcardResourceFinding('*')} ${deploymentRolePath}`,
    `AwsSolutions-L1 ${deploymentPath}`,
  ];
};

const findFiles = (dir: string, name: string): string[] =>
  readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return findFiles(path, name);
    return entry === name ? [path] : [];
  });
