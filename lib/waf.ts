import { CfnOutput, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import type { WafSettings } from './stage.js';

/** The only region where CloudFront's web ACLs (scope CLOUDFRONT) can be created. */
export const WAF_REGION = 'us-east-1';

/** The output the site's stack reads the web ACL's ARN from. */
export const WEB_ACL_ARN_OUTPUT = 'WebAclArn';

/** `POST /api/events/{eventId}/registrations`, the one anonymous write (functions/routes.ts). */
export const REGISTRATION_PATH = '^/api/events/[^/]+/registrations/?$';

/** Seconds a refused client is told to wait: the window WAF counts over. */
const WINDOW_SECONDS = 300;

/** What a refused request gets: the API's own 429 shape (functions/http/handler.ts). */
export const TOO_MANY_REQUESTS_BODY = JSON.stringify({
  error: { code: 'rate_limited', message: 'Too many requests from this address; please try again later' },
});

export interface WebAclStackProps extends StackProps {
  readonly stage: string;
  readonly limits: WafSettings;
}

/**
 * The site's web ACL: per-IP rate limits in front of CloudFront, the outer wall against a
 * flood (the API's own per-client limits answer ordinary overuse first, and more precisely).
 * A stack of its own because CloudFront takes only web ACLs made in us-east-1, while the site's
 * stack lives wherever the organiser deploys it; that stack reads the ARN with
 * `Fn::GetStackOutput`, which reads across regions without any custom resource.
 *
 * No managed rule groups: the API takes JSON from its own pages only, and the common rule set
 * ($1 a month more per group, and it could misjudge names and free-text answers) would guard
 * against attacks this stack has no surface for (no SQL, no server-side templates, no uploads).
 */
export class WebAclStack extends Stack {
  readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: WebAclStackProps) {
    super(scope, id, props);
    const { limits } = props;

    const visibility = (metricName: string, sampled: boolean): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      metricName,
      sampledRequestsEnabled: sampled,
    });
    // Decoded first, so a percent-encoded spelling of the path (`registration%73`) is counted
    // too, whatever the API would make of it.
    const decodedPath = {
      fieldToMatch: { uriPath: {} },
      textTransformations: [{ priority: 0, type: 'URL_DECODE' }],
    };
    const block: wafv2.CfnWebACL.RuleActionProperty = {
      block: {
        customResponse: {
          responseCode: 429,
          customResponseBodyKey: 'too-many-requests',
          responseHeaders: [{ name: 'retry-after', value: String(WINDOW_SECONDS) }],
        },
      },
    };
    const rateRule = (
      name: string,
      priority: number,
      limit: number,
      scopeDownStatement: wafv2.CfnWebACL.StatementProperty,
    ): wafv2.CfnWebACL.RuleProperty => ({
      name,
      priority,
      action: block,
      statement: {
        rateBasedStatement: {
          aggregateKeyType: 'IP',
          evaluationWindowSec: WINDOW_SECONDS,
          limit,
          scopeDownStatement,
        },
      },
      // Samples of the refused requests only (WAF keeps them 3 hours): who was blocked, and why.
      visibilityConfig: visibility(name, true),
    });

    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'CLOUDFRONT',
      // WAF allows letters, digits, spaces and a few signs here: no parentheses.
      description: `Per-IP rate limits for the event registration site, stage ${props.stage}`,
      defaultAction: { allow: {} },
      // No samples of allowed requests: they would be every attendee's address.
      visibilityConfig: visibility(`inscriptions-${props.stage}`, false),
      customResponseBodies: {
        'too-many-requests': { contentType: 'APPLICATION_JSON', content: TOO_MANY_REQUESTS_BODY },
      },
      rules: [
        rateRule('registrations-per-ip', 0, limits.registrationLimit, {
          andStatement: {
            statements: [
              {
                byteMatchStatement: {
                  searchString: 'POST',
                  positionalConstraint: 'EXACTLY',
                  fieldToMatch: { method: {} },
                  textTransformations: [{ priority: 0, type: 'NONE' }],
                },
              },
              { regexMatchStatement: { regexString: REGISTRATION_PATH, ...decodedPath } },
            ],
          },
        }),
        // `/calendar/*` is left out: calendar apps poll from a few shared addresses (Google's),
        // and CloudFront answers most of it from its cache.
        rateRule('api-per-ip', 1, limits.apiLimit, {
          byteMatchStatement: { searchString: '/api/', positionalConstraint: 'STARTS_WITH', ...decodedPath },
        }),
      ],
    });

    new CfnOutput(this, WEB_ACL_ARN_OUTPUT, {
      value: this.webAcl.attrArn,
      description: 'The web ACL the site’s CloudFront distribution uses',
    });
  }

  /**
   * The ARN for a stack in any region: read from this stack's output at deploy time. Written
   * out rather than left to CDK, whose cross-region references need both stacks to name their
   * region, while the site's stack stays environment-agnostic.
   */
  get webAclArn(): string {
    return Fn.getStackOutput(this.stackName, WEB_ACL_ARN_OUTPUT, WAF_REGION);
  }
}
