import { Aws, Duration, Fn, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import type { OrganiserSettings } from './stage.js';

/** The stack name as a hosted UI prefix can start: lower case, none of the words Cognito refuses. */
const hostedUiStem = (stackName: string): string =>
  stackName
    .toLowerCase()
    .replace(/aws|amazon|cognito/g, '')
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40) || 'inscriptions';

export interface AuthProps {
  readonly retain: boolean;
  /** One group per organiser: the group name is the organiser id the admin API scopes by. */
  readonly organisers: readonly OrganiserSettings[];
  /** Hosted UI prefix; default `<stack name>-<account id>`, unique per account and region. */
  readonly domainPrefix?: string;
}

/**
 * Who may use the admin page: a Cognito user pool where only an administrator creates users,
 * one group per organiser (the `cognito:groups` claim scopes every admin call), the hosted
 * login page, and the admin page's app client (authorization code + PKCE, no secret).
 */
export class Auth extends Construct {
  readonly userPool: cognito.UserPool;
  readonly domain: cognito.UserPoolDomain;
  readonly groups = new Map<string, cognito.CfnUserPoolGroup>();
  private client?: cognito.UserPoolClient;

  constructor(scope: Construct, id: string, props: AuthProps) {
    super(scope, id);

    this.userPool = new cognito.UserPool(this, 'UserPool', {
      // Organisers' staff are invited by an administrator; nobody signs up on their own.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      mfa: cognito.Mfa.OPTIONAL,
      // An authenticator app, not SMS: no SNS role, no per-message cost, no SIM swapping.
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      // Lite covers the hosted login, groups and TOTP; a few organisers stay inside its free tier.
      featurePlan: cognito.FeaturePlan.LITE,
      deletionProtection: props.retain,
      removalPolicy: props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG2',
      reason:
        'MFA is optional (TOTP offered to every user): organisers enrol their own devices; requiring it would lock out door staff checking people in.',
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG8',
      reason:
        'Threat protection needs the Cognito Plus plan (billed per user, no free tier); a handful of admin-created users with strong passwords and optional MFA do not warrant it.',
    });

    for (const organiser of props.organisers) {
      this.groups.set(
        organiser.id,
        new cognito.CfnUserPoolGroup(this, `Group-${organiser.id}`, {
          userPoolId: this.userPool.userPoolId,
          groupName: organiser.id,
          description: `Admins of ${organiser.name}`.slice(0, 2048),
        }),
      );
    }

    this.domain = this.userPool.addDomain('Domain', {
      cognitoDomain: {
        // Hosted UI prefixes are global per region: the account id keeps two organisers' apart.
        domainPrefix:
          props.domainPrefix ?? Fn.join('-', [hostedUiStem(Stack.of(this).stackName), Aws.ACCOUNT_ID]),
      },
    });
  }

  /** `https://<prefix>.auth.<region>.amazoncognito.com`: the hosted login the admin page sends people to. */
  get domainUrl(): string {
    return this.domain.baseUrl();
  }

  /** The issuer Cognito puts in its tokens, which the JWT authorizer checks. */
  get issuer(): string {
    return this.userPool.userPoolProviderUrl;
  }

  /**
   * The admin page's client: a public client (no secret can stay secret in a web page) using
   * the authorization code flow, which the page protects with PKCE (S256); it comes back to
   * `<site>/admin`. Tokens are short-lived: the page keeps the access token in memory only.
   */
  addAdminClient(siteUrl: string): cognito.UserPoolClient {
    if (this.client) throw new Error('The admin client exists already');
    const adminPage = `${siteUrl}/admin`;
    this.client = this.userPool.addClient('AdminClient', {
      generateSecret: false,
      authFlows: {},
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL],
        callbackUrls: [adminPage],
        logoutUrls: [adminPage],
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
    });
    return this.client;
  }
}
