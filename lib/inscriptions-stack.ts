import {
  Annotations,
  type CfnElement,
  CfnOutput,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { type RouteDefinition, routes } from '../functions/routes.js';
import { Api } from './api.js';
import { AppFunction, functionIdFor } from './app-function.js';
import { Auth } from './auth.js';
import { DataTable } from './data-table.js';
import { InboundReplies, SES_RECEIVING_REGIONS } from './inbound.js';
import { Mail } from './mail.js';
import { Monitoring } from './monitoring.js';
import {
  assetBucketPattern,
  BASIC_EXECUTION_ROLE_FINDING,
  nagRef,
  wildcardActionFinding,
  wildcardResourceFinding,
} from './nag.js';
import { Notifications } from './notifications.js';
import { Organisers } from './organisers.js';
import type { StageSettings } from './stage.js';
import { WAF_REGION, WebAclStack } from './waf.js';
import { Web } from './web.js';

export interface InscriptionsStackProps extends StackProps {
  readonly settings: StageSettings;
  /** Route table to deploy. @default the one in functions/routes.ts */
  readonly routes?: readonly RouteDefinition[];
  /** The built pages (web/dist). Omitted when bundling is skipped: a placeholder page is deployed. */
  readonly builtPages?: string;
}

/** The one anonymous write: throttled tighter than the rest of the API. */
export const REGISTRATION_ENTRY = 'functions/api/public/register.ts';

/**
 * How CloudFormation generates the manage-token key. Any change to these settings makes
 * CloudFormation generate a NEW value on the next deploy, and every manage link already sent
 * stops working: test/infra-safety.test.ts pins them.
 */
export const TOKEN_KEY_GENERATION = { passwordLength: 64, excludePunctuation: true } as const;

/**
 * One stage of the system: the table, the API and its functions, admin sign-in, mail and its
 * workers, reminders, the site, and the alarms, composed from the constructs beside this file.
 *
 * Wiring order matters only where a value flows: the site's address (the CloudFront domain,
 * or the custom domain) goes into every function's PUBLIC_BASE_URL and the admin client's
 * callback. CloudFront only needs the API's id, not its routes, so functions -> distribution
 * -> API is a chain, not a cycle.
 */
export class InscriptionsStack extends Stack {
  readonly data: DataTable;
  readonly tokenKey: secretsmanager.Secret;
  readonly auth: Auth;
  readonly api: Api;
  readonly web: Web;
  readonly mail: Mail;
  readonly notifications: Notifications;
  readonly organisers: Organisers;
  readonly monitoring: Monitoring;
  /** The stage's web ACL, in a stack of its own in us-east-1; absent when the stage has no WAF. */
  readonly webAcl?: WebAclStack;
  /** Calendar answers through SES receiving; absent when the stage has no `replyDomain`. */
  readonly inbound?: InboundReplies;
  /** Every function by its handler entry (routes.ts `entry`, or the worker's file). */
  readonly functions = new Map<string, AppFunction>();
  /** Functions given the manage token key. */
  readonly tokenKeyReaders = new Set<AppFunction>();

  constructor(scope: Construct, id: string, props: InscriptionsStackProps) {
    // A stage that keeps its data cannot be deleted by a stray `cdk destroy` either.
    super(scope, id, { terminationProtection: props.settings.retain, ...props });
    const { settings } = props;
    const retained = settings.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const routeTable = props.routes ?? routes;

    this.data = new DataTable(this, 'Data', {
      retain: settings.retain,
      ...(settings.restoredTable ? { restored: settings.restoredTable } : {}),
    });

    // Random text from CloudFormation; the functions derive the 32-byte key as its SHA-256
    // (functions/wiring/config.ts). It never appears in a template or a function's settings.
    this.tokenKey = new secretsmanager.Secret(this, 'ManageTokenKey', {
      description: 'Seals manage-link tokens stored for the mailer (its SHA-256 is the AES-256 key)',
      generateSecretString: { ...TOKEN_KEY_GENERATION },
      removalPolicy: retained,
    });
    Validations.of(this.tokenKey).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Not rotated: stored registrations hold tokens sealed with this key, and a new key would break the links their emails still carry.',
    });
    const grantTokenKey = (fn: AppFunction): void => {
      fn.allow(['secretsmanager:GetSecretValue'], [this.tokenKey.secretArn]);
      fn.function.addEnvironment('MANAGE_TOKEN_KEY_SECRET_ARN', this.tokenKey.secretArn);
      this.tokenKeyReaders.add(fn);
    };

    // CloudFront proves to the API that a request came through it (lib/web.ts): a value the
    // template never shows (a dynamic reference, resolved at deploy time).
    const originVerify = new secretsmanager.Secret(this, 'OriginVerify', {
      description:
        'Sent by CloudFront to the API: only requests carrying it have their viewer address believed',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
      removalPolicy: retained,
    });
    Validations.of(originVerify).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Not rotated: CloudFront and the functions receive it at deploy time; a new value takes a deploy, which `cdk deploy` after a manual rotation does.',
    });
    const originVerifyValue = originVerify.secretValue.unsafeUnwrap();

    this.auth = new Auth(this, 'Auth', {
      retain: settings.retain,
      organisers: settings.organisers,
      ...(settings.authDomainPrefix ? { domainPrefix: settings.authDomainPrefix } : {}),
    });

    this.api = new Api(this, 'Api', {
      stage: settings.stage,
      logRemovalPolicy: retained,
      throttle: settings.throttle,
      ...(settings.siteDomain ? { corsOrigin: `https://${settings.siteDomain.name}` } : {}),
      ...(settings.apiDomain ? { ownDomain: settings.apiDomain } : {}),
    });
    if (settings.retain && !settings.apiDomain) {
      Annotations.of(this).addWarning(
        'No siteDomain: the API stays reachable on its execute-api address, and CloudFront’s default certificate accepts TLS versions below 1.2. Give a kept stage a domain (docs/deploy.md).',
      );
    }

    // CloudFront takes web ACLs from us-east-1 only, wherever this stack is: a companion stack
    // there holds it, deployed first (`cdk deploy --all`, or this stack with its dependencies).
    if (settings.waf) {
      this.webAcl = new WebAclStack(scope, `${id}-WebAcl`, {
        env: { ...(settings.account ? { account: settings.account } : {}), region: WAF_REGION },
        description: `Event registration: the site's WAF web ACL (${settings.stage})`,
        stage: settings.stage,
        limits: settings.waf,
      });
      this.addStackDependency(this.webAcl, 'the distribution uses its web ACL');
    }

    this.web = new Web(this, 'Web', {
      retain: settings.retain,
      apiDomain: this.api.endpointDomain,
      originVerify: originVerifyValue,
      authDomainUrl: this.auth.domainUrl,
      ...(settings.siteDomain ? { siteDomain: settings.siteDomain } : {}),
      ...(this.webAcl ? { webAclArn: this.webAcl.webAclArn } : {}),
      logRemovalPolicy: retained,
    });
    const siteUrl = this.web.siteUrl;

    const adminClient = this.auth.addAdminClient(siteUrl);
    // Admin routes: a Cognito access token of the admin page's client, or an organiser's API key
    // (functions/apikeys/authorizer.ts). Answers are kept 30 s by Authorization header, so most
    // calls cost no invocation; a revoked key still works for those 30 s at most.
    const adminCheck = new AppFunction(this, 'AdminAuthorizer', {
      entry: 'functions/apikeys/authorizer.ts',
      description: 'Admin routes: a Cognito access token of the admin page, or an API key',
      environment: {
        PUBLIC_BASE_URL: siteUrl,
        COGNITO_ISSUER: this.auth.issuer,
        ADMIN_CLIENT_ID: adminClient.userPoolClientId,
      },
      logRemovalPolicy: retained,
    });
    // It reads keys and notes when each was last used (one UpdateItem a minute at most): no other write.
    adminCheck.bindTable(this.data, { accessMode: 'RO' });
    adminCheck.allow(['dynamodb:UpdateItem'], [this.data.table.tableArn]);
    this.functions.set(adminCheck.entry, adminCheck);
    const adminAuthorizer = new HttpLambdaAuthorizer('AdminAuth', adminCheck.function, {
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      identitySource: ['$request.header.Authorization'],
      resultsCacheTtl: Duration.seconds(30),
    });

    const registrationRoute = routeTable.find((route) => route.entry === REGISTRATION_ENTRY);
    this.api.addRoutes({
      routes: routeTable,
      adminAuthorizer,
      functionFor: (route) => {
        const fn = new AppFunction(this, functionIdFor(route.entry), {
          entry: route.entry,
          environment: { PUBLIC_BASE_URL: siteUrl, ORIGIN_VERIFY: originVerifyValue },
          logRemovalPolicy: retained,
          ...(route.files ? { files: route.files } : {}),
        });
        fn.bindTable(this.data, { accessMode: route.access });
        // Only the functions that issue manage tokens get the key that seals them (and the one
        // that signs registration challenges, with a key derived from it).
        if (
          route.sealsTokens ||
          route.signsChallenges ||
          route.signsReplyAddresses ||
          route.readsAttendanceCodes
        )
          grantTokenKey(fn);
        this.functions.set(route.entry, fn);
        return fn;
      },
      ...(registrationRoute
        ? {
            routeThrottles: {
              [`${registrationRoute.method} ${registrationRoute.path}`]: settings.registrationThrottle,
            },
          }
        : {}),
    });

    this.mail = new Mail(this, 'Mail', { domain: settings.mailDomain });
    this.notifications = new Notifications(this, 'Notifications', {
      data: this.data,
      mail: this.mail,
      mailFrom: settings.mailFrom,
      publicBaseUrl: siteUrl,
      grantTokenKey,
      logRemovalPolicy: retained,
    });
    for (const fn of [
      this.notifications.notify,
      this.notifications.fanout,
      this.notifications.reminders.remind,
      this.notifications.resend,
      this.notifications.webhooks.worker,
    ]) {
      this.functions.set(fn.entry, fn);
    }

    // Calendar answers, where the stage receives mail: every function that names reply
    // addresses (the ones holding the token key) names this domain.
    if (settings.replyDomain) {
      this.inbound = new InboundReplies(this, 'Inbound', {
        domain: settings.replyDomain,
        verifiedBySending: settings.replyDomain === settings.mailDomain,
        data: this.data,
        publicBaseUrl: siteUrl,
        grantTokenKey,
        retain: settings.retain,
        logRemovalPolicy: retained,
      });
      this.functions.set(this.inbound.handler.entry, this.inbound.handler);
      for (const fn of this.tokenKeyReaders) fn.function.addEnvironment('REPLY_DOMAIN', settings.replyDomain);
      if (settings.region && !SES_RECEIVING_REGIONS.includes(settings.region)) {
        Annotations.of(this).addWarning(
          `replyDomain: SES email receiving may not be offered in ${settings.region} (docs/deploy.md, "Calendar replies")`,
        );
      }
    }

    // Hourly: seat counters recomputed from the registrations, drift logged and repaired.
    const reconcile = new AppFunction(this, 'Reconcile', {
      entry: 'functions/scheduled/reconcile.ts',
      description: 'Hourly reconciliation of seat counters with the registrations',
      environment: { PUBLIC_BASE_URL: siteUrl },
      logRemovalPolicy: retained,
      timeout: Duration.minutes(5),
    });
    reconcile.bindTable(this.data, { accessMode: 'RW' });
    // It walks every event's seats: one Scan of the table, the only function that needs it.
    reconcile.allow(['dynamodb:Scan'], [this.data.table.tableArn]);
    new events.Rule(this, 'ReconcileHourly', {
      schedule: events.Schedule.rate(Duration.hours(1)),
      targets: [new eventTargets.LambdaFunction(reconcile.function, { retryAttempts: 0 })],
    });
    this.functions.set(reconcile.entry, reconcile);

    this.organisers = new Organisers(this, 'Organisers', {
      table: this.data.table,
      organisers: settings.organisers,
      logRemovalPolicy: retained,
    });

    const deployment = this.web.deploySite(
      {
        ...(props.builtPages ? { builtPages: props.builtPages } : {}),
        // What web/src/admin/auth.ts reads: Cognito's hosted login for the admin page.
        runtimeConfig: {
          auth: 'cognito',
          apiUrl: `${siteUrl}/api`,
          cognito: {
            domain: this.auth.domainUrl,
            clientId: adminClient.userPoolClientId,
            issuer: this.auth.issuer,
            redirectUri: `${siteUrl}/admin`,
          },
        },
      },
      retained,
    );

    this.monitoring = new Monitoring(this, 'Monitoring', {
      functions: [...this.functions.values()],
      workers: [
        this.notifications.notify,
        this.notifications.fanout,
        this.notifications.reminders.remind,
        this.notifications.resend,
        this.notifications.webhooks.worker,
        reconcile,
      ],
      reconcile,
      table: this.data.table,
      apiAccessLogs: this.api.accessLogs,
      streamConsumer: this.notifications.notify,
      deadLetterQueues: {
        StreamFailures: this.notifications.streamFailures,
        FanoutDeadLetters: this.notifications.deadLetterQueue,
        WebhookDeadLetters: this.notifications.webhooks.deadLetterQueue,
      },
      api: this.api.httpApi,
      mail: this.mail,
      ...(settings.alarmEmail ? { alarmEmail: settings.alarmEmail } : {}),
    });

    this.acknowledgeSiteDeployment(deployment.handlerRole);
    Organisers.acknowledgeProvider(this);

    const output = (outputId: string, value: string, description: string) =>
      new CfnOutput(this, outputId, { value, description });
    output('SiteUrl', siteUrl, 'The site: event pages, /admin, the API under /api');
    output(
      'ApiUrl',
      `https://${this.api.endpointDomain}`,
      'The HTTP API itself (the site proxies it under /api)',
    );
    if (this.api.ownDomain) {
      output(
        'ApiDnsRecord',
        `${this.api.ownDomain.name} CNAME ${this.api.ownDomain.regionalDomainName}`,
        'Publish in the site domain’s DNS: CloudFront reaches the API there',
      );
    }
    output('TableName', this.data.table.tableName, 'The single table');
    output('UserPoolId', this.auth.userPool.userPoolId, 'Admin users: create them here (docs/deploy.md)');
    output('AdminClientId', adminClient.userPoolClientId, 'The admin page’s Cognito app client');
    output('HostedLoginUrl', this.auth.domainUrl, 'Cognito hosted login');
    output('MailFrom', settings.mailFrom, 'Sender address (SES identity: the domain)');
    output('AlarmTopicArn', this.monitoring.topic.topicArn, 'Subscribe here to get alarms');
    output('FanoutDeadLetterQueueUrl', this.notifications.deadLetterQueue.queueUrl, 'Failed fan-out jobs');
    output('StreamFailureQueueUrl', this.notifications.streamFailures.queueUrl, 'Failed stream batches');
    this.mail.identity.dkimRecords.forEach((record, index) => {
      output(
        `DkimRecord${index + 1}`,
        `${record.name} CNAME ${record.value}`,
        'Publish in the mail domain’s DNS so SES can verify it',
      );
    });
  }

  /**
   * Findings on the function CDK itself adds for BucketDeployment: its role is CDK's, built
   * to CDK's own grants. Each wildcard is acknowledged by name.
   */
  private acknowledgeSiteDeployment(deploymentRole: Construct): void {
    const deploy = Validations.of(deploymentRole);
    deploy.acknowledge({
      id: BASIC_EXECUTION_ROLE_FINDING,
      reason: 'CDK’s BucketDeployment function writes its logs through AWSLambdaBasicExecutionRole.',
    });
    const objectActions =
      'CDK’s BucketDeployment copies the site: object-level S3 actions on the CDK asset bucket and the site bucket only.';
    for (const action of ['s3:GetBucket*', 's3:GetObject*', 's3:List*', 's3:Abort*', 's3:DeleteObject*']) {
      deploy.acknowledge({ id: wildcardActionFinding(action), reason: objectActions });
    }
    deploy.acknowledge({ id: wildcardResourceFinding(assetBucketPattern(this)), reason: objectActions });
    deploy.acknowledge({
      id: wildcardResourceFinding(`${nagRef(this.web.bucket.node.defaultChild as CfnElement, 'Arn')}/*`),
      reason: objectActions,
    });
    deploy.acknowledge({
      id: wildcardResourceFinding('*'),
      reason: 'CloudFront invalidation actions (after each deployment) take no resource-level permission.',
    });
    // The function itself is a singleton at the stack's root, beside its role's construct.
    const handler = this.node.children.find((child) =>
      child.node.id.startsWith('Custom::CDKBucketDeployment'),
    );
    if (handler) {
      Validations.of(handler).acknowledge({
        id: 'AwsSolutions-L1',
        reason: 'CDK pins the BucketDeployment function’s runtime (it ships the AWS CLI as a layer for it).',
      });
    }
  }
}
