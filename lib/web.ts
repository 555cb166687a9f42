import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';

export interface WebProps {
  readonly retain: boolean;
  /** Where CloudFront reaches the API for `/api/*` and `/calendar/*`: its own name, or `<id>.execute-api.<region>.amazonaws.com`. */
  readonly apiDomain: string;
  /**
   * Sent to the API as `x-origin-verify` on every request (a dynamic reference to a secret): the
   * API believes the viewer's address CloudFront sets only from requests that carry it.
   */
  readonly originVerify: string;
  /** The Cognito hosted login (`https://…amazoncognito.com`): the admin page posts to its token endpoint. */
  readonly authDomainUrl: string;
  /** Serve the site on this name with this us-east-1 certificate instead of the CloudFront domain. */
  readonly siteDomain?: { readonly name: string; readonly certificateArn: string };
  readonly logRemovalPolicy: RemovalPolicy;
  /** A CloudFront web ACL (us-east-1) in front of the whole site; none when the stage has no WAF. */
  readonly webAclArn?: string;
}

export interface DeploySiteOptions {
  /** The built pages (web/dist); undefined when bundling is skipped, and a placeholder page stands in. */
  readonly builtPages?: string;
  /** `/config.json`, read by the pages at run time (API URL, Cognito ids). */
  readonly runtimeConfig: Record<string, unknown>;
}

/** The pages' Content-Security-Policy; `frame-ancestors` is the part the embed mode changes. */
export const contentSecurityPolicy = (authDomainUrl: string, frameAncestors: string): string =>
  [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    // The admin page trades its login code for tokens at Cognito's token endpoint.
    `connect-src 'self' ${authDomainUrl}`,
    `frame-ancestors ${frameAncestors}`,
    "base-uri 'none'",
    "form-action 'self'",
  ].join('; ');

/**
 * Pretty page addresses to the built files, as the local server maps them (local/server.ts):
 * `/manage` and `/admin` are their pages; `/` is the default root. `/events/{id}` is not a
 * file: the API renders it (the `/events/*` behaviour).
 */
export const PAGE_ROUTES_FUNCTION = `function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri === '/manage') request.uri = '/manage.html';
  else if (uri === '/admin') request.uri = '/admin.html';
  return request;
}`;

/**
 * Tells the API who the viewer is: `x-viewer-address` is set to the viewer's IP address,
 * replacing any header of that name the viewer sent. (CloudFront's own CloudFront-Viewer-Address
 * is not forwarded by the API's origin request policy, which forwards viewer headers only.)
 */
export const VIEWER_ADDRESS_FUNCTION = `function handler(event) {
  var request = event.request;
  request.headers['x-viewer-address'] = { value: event.viewer.ip };
  return request;
}`;

/**
 * The event page in embed mode (`/events/{id}?embed=1`, what embed.js frames on other sites)
 * may be framed by any site: its CSP's `frame-ancestors 'self'` becomes `*`. Only a function
 * can look at the query string. CloudFront adds a response headers policy's headers before a
 * viewer-response function runs (AWS's announcement of response headers policies says the
 * function sees them), so this rewrites that one header and nothing else; were the CSP
 * missing, nothing is loosened.
 */
export const EMBED_FRAMING_FUNCTION = `function handler(event) {
  var request = event.request;
  var response = event.response;
  var embed = request.querystring.embed;
  var eventPage = request.uri === '/event.html' || /^\\/events\\/[^\\/]+$/.test(request.uri);
  var csp = response.headers['content-security-policy'];
  if (eventPage && embed && embed.value === '1' && csp) {
    csp.value = csp.value.replace("frame-ancestors 'self'", 'frame-ancestors *');
  }
  return response;
}`;

/**
 * The site: a private bucket that only this distribution can read (origin access control),
 * CloudFront in front with the pages as the default behaviour, `/api/*` (never cached, every
 * viewer header but Host forwarded, so `Authorization` reaches the API; `/r/*`, tracking links, alike), and `/calendar/*` and
 * the event pages `/events/*` (cached as the API's Cache-Control says) and the personal join
 * links `/j/*` (never cached) to the HTTP API, and the security headers. Event pages come from a function so that their HTML head names the event:
 * link previews (LinkedIn, Slack, WhatsApp) run no script (functions/events/page-head.ts).
 */
export class Web extends Construct {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly responseHeaders: cloudfront.ResponseHeadersPolicy;
  readonly calendarCache: cloudfront.CachePolicy;
  readonly eventPageCache: cloudfront.CachePolicy;
  /** `https://<site domain>`: the pages, the API (`/api`) and the links in every email. */
  readonly siteUrl: string;
  private deployment?: s3deploy.BucketDeployment;

  constructor(scope: Construct, id: string, props: WebProps) {
    super(scope, id);

    this.bucket = new s3.Bucket(this, 'Pages', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      // Dev stacks go away whole; the pages are rebuilt from the repository anyway.
      autoDeleteObjects: !props.retain,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Only CloudFront reads this bucket, and the pages in it are public and rebuilt from the repository; access logs would add cost and nothing to audit.',
    });

    this.responseHeaders = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Pages and API: CSP, HSTS, nosniff, no referrer',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: contentSecurityPolicy(props.authDomainUrl, "'self'"),
          override: true,
        },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(365 * 2),
          includeSubdomains: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
    });

    // Calendar files say how long they keep (`public, max-age=300`; personal ones `no-store`):
    // nothing is cached without the origin's say-so, and never longer than a day.
    this.calendarCache = new cloudfront.CachePolicy(this, 'CalendarCache', {
      comment: 'Calendar files: cached as long as the origin Cache-Control allows',
      defaultTtl: Duration.seconds(0),
      minTtl: Duration.seconds(0),
      maxTtl: Duration.days(1),
      queryStringBehavior: cloudfront.CacheQueryStringBehavior.all(),
      headerBehavior: cloudfront.CacheHeaderBehavior.none(),
      cookieBehavior: cloudfront.CacheCookieBehavior.none(),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });

    // Event pages keep the minute their function says. Only `preview` changes the answer (its
    // status), so only it is in the key and reaches the API: any other query string (`embed`,
    // which the viewer-response function reads from the viewer's request, or noise) is served
    // from the same copy, and cannot make each request a new call to the API.
    this.eventPageCache = new cloudfront.CachePolicy(this, 'EventPageCache', {
      comment: 'Event pages: cached as long as the origin Cache-Control allows, per preview flag',
      defaultTtl: Duration.seconds(0),
      minTtl: Duration.seconds(0),
      maxTtl: Duration.days(1),
      queryStringBehavior: cloudfront.CacheQueryStringBehavior.allowList('preview'),
      headerBehavior: cloudfront.CacheHeaderBehavior.none(),
      cookieBehavior: cloudfront.CacheCookieBehavior.none(),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });

    const pageRoutes = new cloudfront.Function(this, 'PageRoutes', {
      comment: 'Pretty page addresses to the built HTML files',
      code: cloudfront.FunctionCode.fromInline(PAGE_ROUTES_FUNCTION),
      runtime: cloudfront.FunctionRuntime.JS_2_0,
    });
    const embedFraming = new cloudfront.Function(this, 'EmbedFraming', {
      comment: 'The event page in embed mode may be framed by other sites',
      code: cloudfront.FunctionCode.fromInline(EMBED_FRAMING_FUNCTION),
      runtime: cloudfront.FunctionRuntime.JS_2_0,
    });

    const viewerAddress = new cloudfront.Function(this, 'ViewerAddress', {
      comment: 'The viewer IP address for the API, in x-viewer-address',
      code: cloudfront.FunctionCode.fromInline(VIEWER_ADDRESS_FUNCTION),
      runtime: cloudfront.FunctionRuntime.JS_2_0,
    });
    const api = new origins.HttpOrigin(props.apiDomain, {
      protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
      customHeaders: { 'x-origin-verify': props.originVerify },
    });
    const apiBehaviour: cloudfront.BehaviorOptions = {
      origin: api,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      // With caching disabled this forwards Authorization too. Host is left out: API Gateway
      // answers only to its own name.
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: this.responseHeaders,
      functionAssociations: [
        { function: viewerAddress, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST },
      ],
    };

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `Event registration site (${Stack.of(this).stackName})`,
      defaultRootObject: 'index.html',
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      // North America and Europe: where organisers and their attendees are; the cheapest class.
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      ...(props.webAclArn ? { webAclId: props.webAclArn } : {}),
      ...(props.siteDomain
        ? {
            minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
            domainNames: [props.siteDomain.name],
            certificate: acm.Certificate.fromCertificateArn(
              this,
              'Certificate',
              props.siteDomain.certificateArn,
            ),
          }
        : {}),
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.responseHeaders,
        functionAssociations: [
          { function: pageRoutes, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST },
          { function: embedFraming, eventType: cloudfront.FunctionEventType.VIEWER_RESPONSE },
        ],
      },
      additionalBehaviors: {
        '/api/*': apiBehaviour,
        '/calendar/*': {
          ...apiBehaviour,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
          cachePolicy: this.calendarCache,
          // Feeds are public: no viewer header is needed, and none may split the cache.
          originRequestPolicy: undefined,
        },
        // Personal join links: a redirect or a page per registrant, never cached (the API says
        // no-store too), with the site's headers; no viewer header is needed.
        '/j/*': {
          ...apiBehaviour,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
          originRequestPolicy: undefined,
        },
        // Tracking links (`/r/{code}`): a redirect that counts each visit, so never cached;
        // the viewer's User-Agent reaches the API, which leaves self-declared bots uncounted.
        '/r/*': { ...apiBehaviour, allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD },
        // The event page, rendered by the API. The site's headers (its CSP, as for every page)
        // replace the function's, and embed mode loosens frame-ancestors as on S3's pages.
        '/events/*': {
          ...apiBehaviour,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
          cachePolicy: this.eventPageCache,
          originRequestPolicy: undefined,
          functionAssociations: [
            { function: embedFraming, eventType: cloudfront.FunctionEventType.VIEWER_RESPONSE },
          ],
        },
      },
    });

    const site = Validations.of(this.distribution);
    site.acknowledge({
      id: 'AwsSolutions-CFR1',
      reason: 'Events are open to attendees wherever they are; there is no country to block.',
    });
    if (!props.webAclArn) {
      site.acknowledge({
        id: 'AwsSolutions-CFR2',
        reason:
          'This stage has no WAF web ACL (`waf: false`, the default for a stage that is not kept: about $7/month, more than the rest of a small organiser’s bill): the API throttles at the stage and on registration, and limits registrations and manage tokens per client.',
      });
    }
    site.acknowledge({
      id: 'AwsSolutions-CFR3',
      reason:
        'No CloudFront access logs: they would store every attendee’s IP address; CloudFront metrics and the API access log (no IPs) serve operations.',
    });
    if (!props.siteDomain) {
      site.acknowledge({
        id: 'AwsSolutions-CFR4',
        reason:
          'The default *.cloudfront.net certificate cannot set a minimum TLS version; a custom site domain (siteDomain context) gets TLS 1.2 (TLSv1.2_2021).',
      });
    }

    this.siteUrl = `https://${props.siteDomain?.name ?? this.distribution.distributionDomainName}`;
  }

  /**
   * Uploads the pages and `/config.json` (pruning what the build no longer has) and clears
   * CloudFront's copy. The built `config.json` (local mode) is left out: the runtime one wins.
   */
  deploySite(options: DeploySiteOptions, logRemovalPolicy: RemovalPolicy): s3deploy.BucketDeployment {
    if (this.deployment) throw new Error('The site is deployed once per stack');
    const pages = options.builtPages
      ? s3deploy.Source.asset(options.builtPages, { exclude: ['config.json'] })
      : s3deploy.Source.data(
          'index.html',
          '<!doctype html><title>placeholder: the web build was skipped</title>',
        );
    this.deployment = new s3deploy.BucketDeployment(this, 'Deploy', {
      sources: [pages, s3deploy.Source.jsonData('config.json', options.runtimeConfig)],
      destinationBucket: this.bucket,
      distribution: this.distribution,
      distributionPaths: ['/*'],
      prune: true,
      // Page scripts keep their names from build to build: five minutes in browsers, and each
      // deployment clears CloudFront.
      cacheControl: [s3deploy.CacheControl.fromString('public, max-age=300')],
      memoryLimit: 512,
      logGroup: new logs.LogGroup(this, 'DeployLogs', {
        retention: logs.RetentionDays.ONE_MONTH,
        removalPolicy: logRemovalPolicy,
      }),
    });
    return this.deployment;
  }
}
