import { type RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogField, AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { RouteDefinition } from '../functions/routes.js';
import type { AppFunction } from './app-function.js';
import type { ThrottleSettings } from './stage.js';

export interface ApiProps {
  readonly stage: string;
  readonly logRemovalPolicy: RemovalPolicy;
  /** Stage-wide throttling. */
  readonly throttle: ThrottleSettings;
  /**
   * The only origin browsers may call the API from, when it is known at synth time (a custom
   * site domain). Without one the pages and the API share the CloudFront domain, which needs
   * no CORS at all, and no cross-origin page may read API responses.
   */
  readonly corsOrigin?: string;
  /**
   * The API's own name and a certificate for it in the stack's region. With it, the default
   * `execute-api` endpoint is switched off: the API answers on this name only (TLS 1.2 minimum).
   */
  readonly ownDomain?: { readonly name: string; readonly certificateArn: string };
}

export interface AddRoutesOptions {
  readonly routes: readonly RouteDefinition[];
  /** Guards every `admin` route. */
  readonly adminAuthorizer: apigw.IHttpRouteAuthorizer;
  /** Builds the function behind a route entry (once per entry, shared by its routes). */
  readonly functionFor: (route: RouteDefinition) => AppFunction;
  /** Per-route throttling by route key (`POST /path`), tighter than the stage's. */
  readonly routeThrottles?: Readonly<Record<string, ThrottleSettings>>;
}

/**
 * The HTTP API: a `$default` stage with throttling and JSON access logs, then one route per
 * route-table entry, each to its function; the admin authorizer on every admin route.
 */
export class Api extends Construct {
  readonly httpApi: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  readonly accessLogs: logs.LogGroup;
  /** Routes by route key, e.g. `GET /api/events`. */
  readonly routes = new Map<string, apigw.HttpRoute>();
  /** The API's own name, when it has one (then the only way in). */
  readonly ownDomain?: apigw.DomainName;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);

    // The default stage is made by hand below, to give it throttling and access logs.
    this.httpApi = new apigw.HttpApi(this, 'HttpApi', {
      description: `Event registration API (${props.stage})`,
      createDefaultStage: false,
      disableExecuteApiEndpoint: props.ownDomain !== undefined,
      ...(props.corsOrigin
        ? {
            corsPreflight: {
              allowOrigins: [props.corsOrigin],
              allowMethods: [
                apigw.CorsHttpMethod.GET,
                apigw.CorsHttpMethod.POST,
                apigw.CorsHttpMethod.PATCH,
                apigw.CorsHttpMethod.DELETE,
              ],
              allowHeaders: ['authorization', 'content-type'],
            },
          }
        : {}),
    });

    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy,
    });
    this.stage = new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle,
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(this.accessLogs),
        // JSON, one line per request. No source IP or user agent: not needed to operate the API,
        // and attendees' IP addresses are personal data.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: AccessLogField.contextRequestId(),
            requestTime: '$context.requestTime',
            routeKey: AccessLogField.contextRouteKey(),
            status: AccessLogField.contextStatus(),
            responseLength: '$context.responseLength',
            responseLatency: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
          }),
        ),
      },
    });

    if (props.ownDomain) {
      this.ownDomain = new apigw.DomainName(this, 'OwnDomain', {
        domainName: props.ownDomain.name,
        certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', props.ownDomain.certificateArn),
        securityPolicy: apigw.SecurityPolicy.TLS_1_2,
      });
      new apigw.ApiMapping(this, 'OwnDomainMapping', {
        api: this.httpApi,
        domainName: this.ownDomain,
        stage: this.stage,
      });
    }
  }

  /**
   * Where CloudFront reaches the API for `/api/*` and `/calendar/*`: its own name when it has
   * one, else `<id>.execute-api.<region>.amazonaws.com`.
   */
  get endpointDomain(): string {
    return (
      this.ownDomain?.name ??
      `${this.httpApi.apiId}.execute-api.${this.httpApi.stack.region}.${this.httpApi.stack.urlSuffix}`
    );
  }

  addRoutes(options: AddRoutesOptions): void {
    const integrations = new Map<string, { integration: HttpLambdaIntegration; access: string }>();

    for (const route of options.routes) {
      let integration = integrations.get(route.entry)?.integration;
      if (!integration) {
        const fn = options.functionFor(route);
        integration = new HttpLambdaIntegration(`${fn.node.id}Integration`, fn.function);
        integrations.set(route.entry, { integration, access: route.access });
      } else if (integrations.get(route.entry)?.access !== route.access) {
        throw new Error(`Routes sharing ${route.entry} must ask for the same table access`);
      }

      const [httpRoute] = this.httpApi.addRoutes({
        path: route.path,
        methods: [apigw.HttpMethod[route.method]],
        integration,
        ...(route.auth === 'admin' ? { authorizer: options.adminAuthorizer } : {}),
      });
      if (!httpRoute) throw new Error(`No route made for ${route.method} ${route.path}`);
      this.routes.set(`${route.method} ${route.path}`, httpRoute);
      if (route.auth === 'public') {
        Validations.of(httpRoute).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            'Public registration API for attendees; admin routes use the admin authorizer (Cognito token or API key).',
        });
      }
    }

    // CfnStage.routeSettings is untyped JSON: CloudFormation's own (PascalCase) names.
    const routeSettings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> = {};
    for (const [routeKey, throttle] of Object.entries(options.routeThrottles ?? {})) {
      const route = this.routes.get(routeKey);
      if (!route) throw new Error(`Route throttling names an unknown route: ${routeKey}`);
      routeSettings[routeKey] = {
        ThrottlingRateLimit: throttle.rateLimit,
        ThrottlingBurstLimit: throttle.burstLimit,
      };
      // CloudFormation refuses route settings for a route key the API does not have yet.
      this.stage.node.addDependency(route);
    }
    if (Object.keys(routeSettings).length > 0) {
      (this.stage.node.defaultChild as apigw.CfnStage).routeSettings = routeSettings;
    }
  }
}
