/**
 * The WAF web ACL on the distribution (lib/waf.ts), proved on the synthesised templates: on
 * by default for a kept stage, off for dev, switchable with `-c waf=…`; in a stack of its own in
 * us-east-1 whose ARN the site's stack reads across regions; per-IP rate rules on the
 * registration path and on the API; a bad setting stops the synthesis with a clear message.
 */
import { readFileSync } from 'node:fs';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { routes } from '../functions/routes.js';
import { projectRoot } from '../lib/app-function.js';
import { InscriptionsStack, REGISTRATION_ENTRY } from '../lib/inscriptions-stack.js';
import { stageSettingsFromContext } from '../lib/stage.js';
import { WAF_REGION, WEB_ACL_ARN_OUTPUT } from '../lib/waf.js';

const cdkJsonContext = JSON.parse(readFileSync(`${projectRoot}/cdk.json`, 'utf8')).context as Record<
  string,
  unknown
>;
const PROD = {
  stage: 'prod',
  domain: 'example.net',
  organisers: JSON.stringify([
    { id: 'media-aces', name: 'Media Aces', replyTo: 'contact@media-aces.example' },
  ]),
  siteDomain: 'events.example.net',
  siteCertificateArn: 'arn:aws:acm:us-east-1:111122223333:certificate/00000000-0000-0000-0000-000000000000',
  apiCertificateArn: 'arn:aws:acm:eu-west-3:111122223333:certificate/11111111-1111-1111-1111-111111111111',
};

/** Like bin/app.ts (bundling skipped), cdk-nag registered: the synthesis fails on any finding. */
const synth = (context: Record<string, unknown>) => {
  const app = new App({ context: { ...cdkJsonContext, ...context, 'aws:cdk:bundling-stacks': [] } });
  const stack = new InscriptionsStack(app, 'WafTest', { settings: stageSettingsFromContext(app) });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const assembly = app.synth();
  return { app, stack, assembly, template: Template.fromStack(stack) };
};
const settingsFor = (context: Record<string, unknown>) =>
  stageSettingsFromContext(new App({ context: { ...cdkJsonContext, ...PROD, ...context } }));

// biome-ignore lint/suspicious/noExplicitAny: synthesized CloudFormation JSON
type Json = any;
const only = (template: Template, type: string): Json => {
  const found = Object.values(template.findResources(type));
  expect(found).toHaveLength(1);
  return found[0];
};
const distributionConfig = (template: Template): Json =>
  only(template, 'AWS::CloudFront::Distribution').Properties.DistributionConfig;
const ruleNamed = (webAcl: Json, name: string): Json => {
  const rule = webAcl.Properties.Rules.find((r: Json) => r.Name === name);
  expect(rule, name).toBeDefined();
  return rule;
};
const webAclOf = (stack: InscriptionsStack): Json => {
  expect(stack.webAcl).toBeDefined();
  return only(Template.fromStack(stack.webAcl as Stack), 'AWS::WAFv2::WebACL');
};
/** Every route's path with its parameters filled in, as a request would carry it. */
const requestPaths = routes.map((route) => ({
  ...route,
  requestPath: route.path.replace(/\{[^}]+\}/g, 'abc123'),
}));

describe('a kept stage (WAF on by default)', () => {
  const prod = synth(PROD);
  const webAclStack = prod.stack.webAcl;
  const webAclTemplate = webAclStack ? Template.fromStack(webAclStack) : undefined;
  const webAcl = webAclTemplate ? only(webAclTemplate, 'AWS::WAFv2::WebACL') : undefined;

  it('puts a CloudFront web ACL in a stack of its own in us-east-1, deployed before the site', () => {
    expect(webAclStack?.region).toBe(WAF_REGION);
    expect(webAcl.Properties.Scope).toBe('CLOUDFRONT');
    expect(webAcl.Properties.DefaultAction).toEqual({ Allow: {} });
    // The site's stack stays environment-agnostic and holds no web ACL itself.
    prod.template.resourceCountIs('AWS::WAFv2::WebACL', 0);
    const site = prod.assembly.getStackByName(prod.stack.stackName);
    expect(site.dependencies.map((artifact) => artifact.id)).toContain(webAclStack?.artifactId);
  });

  it('points the distribution at it: the ARN read from that stack’s output in us-east-1', () => {
    const [logicalId] = Object.keys(webAclTemplate?.findResources('AWS::WAFv2::WebACL') ?? {});
    webAclTemplate?.hasOutput(WEB_ACL_ARN_OUTPUT, { Value: { 'Fn::GetAtt': [logicalId, 'Arn'] } });
    expect(distributionConfig(prod.template).WebACLId).toEqual({
      'Fn::GetStackOutput': {
        StackName: webAclStack?.stackName,
        OutputName: WEB_ACL_ARN_OUTPUT,
        Region: WAF_REGION,
      },
    });
  });

  it('blocks an address over 100 registrations in 5 minutes, on POST to the registration path only', () => {
    const rule = ruleNamed(webAcl, 'registrations-per-ip');
    const { AggregateKeyType, EvaluationWindowSec, Limit, ScopeDownStatement } =
      rule.Statement.RateBasedStatement;
    expect([AggregateKeyType, EvaluationWindowSec, Limit]).toEqual(['IP', 300, 100]);
    const [method, path] = ScopeDownStatement.AndStatement.Statements;
    expect(method.ByteMatchStatement).toMatchObject({
      FieldToMatch: { Method: {} },
      PositionalConstraint: 'EXACTLY',
      SearchString: 'POST',
    });
    expect(path.RegexMatchStatement.FieldToMatch).toEqual({ UriPath: {} });
    expect(path.RegexMatchStatement.TextTransformations).toEqual([{ Priority: 0, Type: 'URL_DECODE' }]);
    // Of every route in the table, the scope-down matches the registration one alone.
    const pattern = new RegExp(path.RegexMatchStatement.RegexString);
    const matched = requestPaths.filter(
      (route) => route.method === method.ByteMatchStatement.SearchString && pattern.test(route.requestPath),
    );
    expect(matched.map((route) => route.entry)).toEqual([REGISTRATION_ENTRY]);
  });

  it('blocks an address over 3,000 API requests in 5 minutes; calendar feeds are not counted', () => {
    const rule = ruleNamed(webAcl, 'api-per-ip');
    const { AggregateKeyType, Limit, ScopeDownStatement } = rule.Statement.RateBasedStatement;
    expect([AggregateKeyType, Limit]).toEqual(['IP', 3000]);
    const match = ScopeDownStatement.ByteMatchStatement;
    expect(match).toMatchObject({ FieldToMatch: { UriPath: {} }, PositionalConstraint: 'STARTS_WITH' });
    const counted = requestPaths.filter((route) => route.requestPath.startsWith(match.SearchString));
    expect(counted.map((route) => route.path)).toEqual(
      routes.filter((route) => route.path.startsWith('/api/')).map((route) => route.path),
    );
    expect(counted.some((route) => route.path.startsWith('/calendar/'))).toBe(false);
  });

  it('answers a blocked request 429 with Retry-After and the API’s own error body', () => {
    const bodies = webAcl.Properties.CustomResponseBodies;
    for (const rule of webAcl.Properties.Rules) {
      const response = rule.Action.Block.CustomResponse;
      expect(response.ResponseCode).toBe(429);
      expect(response.ResponseHeaders).toEqual([{ Name: 'retry-after', Value: '300' }]);
      const body = bodies[response.CustomResponseBodyKey];
      expect(body.ContentType).toBe('APPLICATION_JSON');
      expect(JSON.parse(body.Content).error.code).toBe('rate_limited');
    }
  });

  it('takes its limits from the stage, and keeps no samples of allowed requests', () => {
    const custom = synth({ ...PROD, waf: '{"registrationLimit": 50, "apiLimit": 5000}' });
    const acl = webAclOf(custom.stack);
    expect(
      acl.Properties.Rules.map((rule: Json) => [rule.Name, rule.Statement.RateBasedStatement.Limit]),
    ).toEqual([
      ['registrations-per-ip', 50],
      ['api-per-ip', 5000],
    ]);
    expect(acl.Properties.VisibilityConfig.SampledRequestsEnabled).toBe(false);
  });
});

describe('switched off', () => {
  it.each([
    ['dev, by default', { stage: 'dev' }],
    ['a kept stage with -c waf=false', { ...PROD, waf: 'false' }],
  ])('%s: no web ACL stack, no web ACL, no WebACLId', (_, context) => {
    const { app, stack, template } = synth(context);
    expect(stack.webAcl).toBeUndefined();
    expect(app.node.findAll().filter((construct) => construct instanceof Stack)).toEqual([stack]);
    template.resourceCountIs('AWS::WAFv2::WebACL', 0);
    expect(distributionConfig(template).WebACLId).toBeUndefined();
  });

  it('and on for dev with -c waf=true', () => {
    const { stack, template } = synth({ stage: 'dev', waf: 'true' });
    expect(stack.webAcl).toBeDefined();
    expect(distributionConfig(template).WebACLId).toHaveProperty('Fn::GetStackOutput');
  });
});

describe('a setting that cannot work stops the synthesis', () => {
  it('reads false, true and limits; the defaults are 100 and 3,000', () => {
    expect(settingsFor({}).waf).toEqual({ registrationLimit: 100, apiLimit: 3000 });
    expect(settingsFor({ waf: false }).waf).toBeUndefined();
    expect(stageSettingsFromContext(new App({ context: cdkJsonContext })).waf).toBeUndefined();
    expect(settingsFor({ waf: '{"apiLimit": 4000}' }).waf).toEqual({
      registrationLimit: 100,
      apiLimit: 4000,
    });
  });

  it.each([
    ['a word', 'yes', /"waf" must be false, true .* requests per 5 minutes from one IP address/],
    ['a list', '[100]', /"waf" must be false, true/],
    ['a misspelt key', '{"rateLimit": 100}', /unknown: rateLimit/],
    ['an inherited name', '{"constructor": 100}', /unknown: constructor/],
    [
      'a limit under WAF’s 10',
      '{"registrationLimit": 5}',
      /"waf.registrationLimit" must be a whole number from 10/,
    ],
    ['a fraction', '{"apiLimit": 2500.5}', /"waf.apiLimit" must be a whole number/],
    ['a limit as text', '{"apiLimit": "2500"}', /"waf.apiLimit" must be a whole number/],
    ['an API limit under the registration one', '{"registrationLimit": 200, "apiLimit": 100}', /at least/],
  ])('refuses %s', (_, waf, message) => {
    expect(() => settingsFor({ waf })).toThrow(message);
  });

  it('refuses a stage pinned outside the aws partition, where no CloudFront web ACL can reach it', () => {
    const pinned = (region: string, waf?: string) =>
      settingsFor({
        region,
        apiCertificateArn: PROD.apiCertificateArn.replace('eu-west-3', region),
        ...(waf ? { waf } : {}),
      });
    expect(() => pinned('cn-north-1')).toThrow(
      /us-east-1 of the aws partition.*cn-north-1 \(aws-cn\).*"waf": false/,
    );
    expect(pinned('cn-north-1', 'false').waf).toBeUndefined();
    expect(pinned('eu-west-3').waf).toBeDefined();
  });
});
