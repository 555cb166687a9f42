import { fileURLToPath } from 'node:url';
import { CfnOutput, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AccessLogField, AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { type RouteDefinition, routes } from '../functions/routes.js';
import { ApiFunction } from './api-function.js';
import { DataTable } from './data-table.js';

/** The project root, where routes.ts entry paths start (independent of the current directory). */
export const projectRoot = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');

export interface ApiStackProps extends StackProps {
  /** Deployment stage, e.g. `dev` or `prod` (a key of the `stages` context in cdk.json). */
  readonly stage: string;
  /** Keep data on stack deletion: table RETAIN + deletion protection, log groups RETAIN. */
  readonly retainData: boolean;
  /** JWT issuer (e.g. the Cognito user pool URL) the admin routes trust. */
  readonly jwtIssuer: string;
  /** Accepted `aud` / `client_id` values (e.g. the Cognito app client id). */
  readonly jwtAudience: readonly string[];
  /**
   * Origin of the public pages, used in manage and calendar links.
   * @default the HTTP API endpoint, until pages and API share a CloudFront domain (later issue)
   */
  readonly publicBaseUrl?: string;
  /** Stage-wide throttling; sized so a hot event's opening minute is not cut off. */
  readonly throttle?: apigw.ThrottleSettings;
  /** Route table to deploy. @default the one in functions/routes.ts */
  readonly routes?: readonly RouteDefinition[];
}

const DEFAULT_THROTTLE: apigw.ThrottleSettings = { rateLimit: 1000, burstLimit: 2000 };

/** Placeholders that let a dev stack synthesise before the Cognito pool exists (later issue). */
const DEV_JWT = { issuer: 'https://issuer.invalid/dev', audience: ['dev-placeholder-audience'] };

interface StageSettings {
  readonly removalPolicy?: 'retain' | 'destroy';
}

/**
 * Stack props from CDK context (`-c stage=prod`, cdk.json `context`): the stage, its removal
 * policy from the `stages` map, and the JWT issuer/audience. Only `dev` may fall back to
 * placeholder JWT settings; any other stage must be given real ones.
 */
export const apiStackPropsFromContext = (scope: Construct): ApiStackProps => {
  const context = (key: string): unknown => scope.node.tryGetContext(key);
  const stage = String(context('stage') ?? 'dev');
  const stages = (context('stages') ?? {}) as Record<string, StageSettings>;
  const settings = stages[stage];
  if (!settings) {
    throw new Error(
      `Unknown stage "${stage}"; known stages (cdk.json context "stages"): ${Object.keys(stages).join(', ')}`,
    );
  }

  const issuer = context('jwtIssuer');
  const audience = context('jwtAudience');
  if ((issuer === undefined || audience === undefined) && stage !== 'dev') {
    throw new Error(`Stage "${stage}" needs -c jwtIssuer=<issuer URL> and -c jwtAudience=<client id>`);
  }
  const publicBaseUrl = context('publicBaseUrl');

  return {
    stage,
    retainData: (settings.removalPolicy ?? 'retain') === 'retain',
    jwtIssuer: issuer === undefined ? DEV_JWT.issuer : String(issuer),
    jwtAudience: audience === undefined ? DEV_JWT.audience : toList(audience),
    ...(publicBaseUrl === undefined ? {} : { publicBaseUrl: String(publicBaseUrl) }),
  };
};

/** Context from the command line is a string ("a,b"); from cdk.json it may be an array. */
const toList = (value: unknown): string[] =>
  (Array.isArray(value) ? value.map(String) : String(value).split(','))
    .map((item) => item.trim())
    .filter((item) => item.length > 0);

/** `functions/api/admin/listEvents.ts` -> `ApiAdminListEvents`: stable, readable construct ids. */
export const functionIdFor = (entry: string): string =>
  entry
    .replace(/^functions\//, '')
    .replace(/\.[cm]?[jt]s$/, '')
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part.length > 0)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');

/**
 * The table, one function per handler entry of the route table, and the HTTP API in front.
 * Later issues add Cognito, the stream-driven notify function, SES, Scheduler and
 * CloudFront; the table, the functions and the API are public members for them to use.
 */
export class ApiStack extends Stack {
  readonly data: DataTable;
  readonly api: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  /** API functions by entry path (routes.ts `entry`). */
  readonly functions = new Map<string, ApiFunction>();

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const removalPolicy = props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const routeTable = props.routes ?? routes;

    this.data = new DataTable(this, 'Data', { retain: props.retainData });

    // The default stage is made by hand below, to give it throttling and access logs.
    this.api = new apigw.HttpApi(this, 'HttpApi', {
      apiName: `inscriptions-${props.stage}`,
      description: `Event registration API (${props.stage})`,
      createDefaultStage: false,
    });

    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy,
    });
    this.stage = new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle ?? DEFAULT_THROTTLE,
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(accessLogs),
        // JSON, one line per request. No source IP or user agent: not needed to operate the API.
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

    const adminAuthorizer = new HttpJwtAuthorizer('AdminJwt', props.jwtIssuer, {
      jwtAudience: [...props.jwtAudience],
    });

    const publicBaseUrl = props.publicBaseUrl ?? this.api.apiEndpoint;
    const integrations = new Map<string, { integration: HttpLambdaIntegration; access: string }>();

    for (const route of routeTable) {
      let integration = integrations.get(route.entry)?.integration;
      if (!integration) {
        const fn = new ApiFunction(this, functionIdFor(route.entry), {
          entry: `${projectRoot}/${route.entry}`,
          projectRoot,
          environment: { PUBLIC_BASE_URL: publicBaseUrl },
          logRemovalPolicy: removalPolicy,
        });
        fn.bindTable(this.data, { accessMode: route.access });
        Validations.of(fn).acknowledge({
          id: 'AwsSolutions-L1',
          reason:
            'Node.js 22 is pinned on purpose: it is the version the handlers are built and tested with.',
        });
        this.functions.set(route.entry, fn);
        integration = new HttpLambdaIntegration(`${functionIdFor(route.entry)}Integration`, fn.function);
        integrations.set(route.entry, { integration, access: route.access });
      } else if (integrations.get(route.entry)?.access !== route.access) {
        throw new Error(`Routes sharing ${route.entry} must ask for the same table access`);
      }

      const [httpRoute] = this.api.addRoutes({
        path: route.path,
        methods: [apigw.HttpMethod[route.method]],
        integration,
        ...(route.auth === 'admin' ? { authorizer: adminAuthorizer } : {}),
      });
      if (route.auth === 'public' && httpRoute) {
        Validations.of(httpRoute).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: 'public registration API; admin routes use the JWT authorizer',
        });
      }
    }

    new CfnOutput(this, 'ApiUrl', { value: this.stage.url, description: 'Base URL of the HTTP API' });
    new CfnOutput(this, 'TableName', { value: this.data.table.tableName, description: 'The single table' });
  }
}
