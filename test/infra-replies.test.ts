/**
 * Calendar answers in AWS (lib/inbound.ts), proved on the synthesised template: with a
 * `replyDomain`, an SES receipt rule for it stores each message in a private, encrypted bucket
 * that forgets it, then invokes the inbound function, whose role reads that bucket and writes
 * the table only; every function that names reply addresses knows the domain. Without one,
 * none of it exists. cdk-nag is registered: the synthesis fails on any finding.
 */
import { readFileSync } from 'node:fs';
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../lib/app-function.js';
import { INBOUND_ENTRY, INBOUND_PREFIX, INBOUND_RETENTION_DAYS } from '../lib/inbound.js';
import { InscriptionsStack } from '../lib/inscriptions-stack.js';
import { stageSettingsFromContext } from '../lib/stage.js';

const cdkJsonContext = JSON.parse(readFileSync(`${projectRoot}/cdk.json`, 'utf8')).context as Record<
  string,
  unknown
>;

const synth = (context: Record<string, unknown>) => {
  const app = new App({ context: { ...cdkJsonContext, ...context, 'aws:cdk:bundling-stacks': [] } });
  const stack = new InscriptionsStack(app, 'RepliesTest', { settings: stageSettingsFromContext(app) });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  app.synth();
  return { stack, template: Template.fromStack(stack) };
};

// biome-ignore lint/suspicious/noExplicitAny: synthesized CloudFormation JSON
type Json = any;
const list = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);
const resourcesOf = (template: Template, type: string): [string, Json][] =>
  Object.entries(template.findResources(type));

describe('a stage with a replyDomain', () => {
  const { stack, template } = synth({ stage: 'dev', replyDomain: 'Replies.Example.org' });
  const inbound = stack.inbound;
  const logicalId = (element: Json) => stack.resolve(element.node.defaultChild.logicalId) as string;

  it('has a receipt rule for the domain: TLS, scanned, stored under the prefix, then the function invoked', () => {
    expect(inbound).toBeDefined();
    const [[, rule]] = resourcesOf(template, 'AWS::SES::ReceiptRule') as [[string, Json]];
    const { Rule } = rule.Properties;
    expect(Rule.Recipients).toEqual(['replies.example.org']);
    expect(Rule.Enabled).toBe(true);
    expect(Rule.ScanEnabled).toBe(true);
    expect(Rule.TlsPolicy).toBe('Require');
    expect(Rule.Actions.map((action: Json) => Object.keys(action)[0])).toEqual(['S3Action', 'LambdaAction']);
    expect(Rule.Actions[0].S3Action).toMatchObject({
      BucketName: { Ref: logicalId(inbound?.bucket) },
      ObjectKeyPrefix: INBOUND_PREFIX,
    });
    expect(Rule.Actions[1].LambdaAction.InvocationType).toBe('Event');
    expect(resourcesOf(template, 'AWS::SES::ReceiptRuleSet')).toHaveLength(1);
    // The reply domain is not the sending one: it gets an identity of its own to be verified.
    expect(
      resourcesOf(template, 'AWS::SES::EmailIdentity').map(
        ([, identity]) => identity.Properties.EmailIdentity,
      ),
    ).toContain('replies.example.org');
  });

  it('keeps messages in a private, encrypted, TLS-only bucket that expires them within days', () => {
    const bucket = template.toJSON().Resources[logicalId(inbound?.bucket)];
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0]).toMatchObject({
      ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' },
    });
    expect(bucket.Properties.LifecycleConfiguration.Rules).toEqual([
      { ExpirationInDays: INBOUND_RETENTION_DAYS, Status: 'Enabled' },
    ]);
    const [[, policy]] = resourcesOf(template, 'AWS::S3::BucketPolicy').filter(
      ([, p]) => p.Properties.Bucket.Ref === logicalId(inbound?.bucket),
    ) as [[string, Json]];
    const statements = policy.Properties.PolicyDocument.Statement as Json[];
    expect(
      statements.some((s) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false'),
    ).toBe(true);
    // SES may only put objects, under the prefix, for this account.
    const ses = statements.filter((s) => s.Principal?.Service === 'ses.amazonaws.com');
    expect(ses.flatMap((s) => list(s.Action))).toEqual(['s3:PutObject']);
    expect(JSON.stringify(ses[0].Resource)).toContain(`/${INBOUND_PREFIX}*`);
    expect(ses[0].Condition.StringEquals['aws:SourceAccount']).toEqual({ Ref: 'AWS::AccountId' });
  });

  it('gives the inbound function that bucket to read, the table to write, the token key: nothing else', () => {
    const fn = inbound?.handler;
    if (!fn) throw new Error('no inbound function');
    expect(fn.entry).toBe(INBOUND_ENTRY);
    expect(stack.functions.get(INBOUND_ENTRY)).toBe(fn);
    const roleId = stack.resolve((fn.role.node.defaultChild as Json).logicalId);
    const statements = resourcesOf(template, 'AWS::IAM::Policy')
      .filter(([, policy]) => policy.Properties.Roles.some((role: Json) => role.Ref === roleId))
      .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement as Json[]);
    const actions = new Set(statements.flatMap((s) => list(s.Action)));
    const s3Actions = [...actions].filter((action) => String(action).startsWith('s3:'));
    expect(s3Actions).toEqual(['s3:GetObject']);
    const read = statements.find((s) => list(s.Action).includes('s3:GetObject'));
    expect(JSON.stringify(read.Resource)).toContain(`/${INBOUND_PREFIX}*`);
    expect(JSON.stringify(read.Resource)).toContain(logicalId(inbound?.bucket));
    expect(actions.has('dynamodb:TransactWriteItems') || actions.has('dynamodb:UpdateItem')).toBe(true);
    expect(
      [...actions].filter((a) => !/^(s3:GetObject|dynamodb:|logs:|secretsmanager:GetSecretValue)/.test(a)),
    ).toEqual([]);
    // SES may invoke it, from this account.
    const [[, permission]] = resourcesOf(template, 'AWS::Lambda::Permission').filter(
      ([, p]) => p.Properties.Principal === 'ses.amazonaws.com',
    ) as [[string, Json]];
    expect(permission.Properties.SourceAccount).toEqual({ Ref: 'AWS::AccountId' });
  });

  it('tells every function that names reply addresses the domain', () => {
    for (const fn of stack.tokenKeyReaders) {
      const variables = stack.resolve((fn.function.node.defaultChild as Json).environment).variables;
      expect(variables.REPLY_DOMAIN, fn.entry).toBe('replies.example.org');
    }
    expect([...stack.tokenKeyReaders].map((fn) => fn.entry)).toEqual(
      expect.arrayContaining(['functions/api/manage/invite.ts', 'functions/stream/notify.ts', INBOUND_ENTRY]),
    );
  });
});

describe('a stage without one', () => {
  it('receives no mail: no rule set, no bucket for it, no inbound function, no REPLY_DOMAIN', () => {
    const { stack, template } = synth({ stage: 'dev' });
    expect(stack.inbound).toBeUndefined();
    expect(resourcesOf(template, 'AWS::SES::ReceiptRuleSet')).toEqual([]);
    expect(resourcesOf(template, 'AWS::SES::ReceiptRule')).toEqual([]);
    expect(stack.functions.has(INBOUND_ENTRY)).toBe(false);
    expect(JSON.stringify(template.toJSON())).not.toContain('REPLY_DOMAIN');
  });

  it('refuses a replyDomain that is not a domain name', () => {
    expect(() => synth({ stage: 'dev', replyDomain: 'not a domain' })).toThrow(/replyDomain/);
  });
});
