import { RegionInfo } from 'aws-cdk-lib/region-info';
import type { Construct } from 'constructs';

/**
 * A stage's settings, from CDK context. Each key is read from `-c key=value` first, then from
 * the stage's entry in the `stages` map of cdk.json, so an organiser keeps their settings in
 * cdk.json and overrides one on the command line. Nothing here has a built-in value that
 * names a real domain, account or region: placeholders live in cdk.json's `dev` entry.
 */

/** An organiser: one Cognito group (same id) and one organiser record in the table. */
export interface OrganiserSettings {
  /** Group name and organiser id; the admin API scopes every call by it. */
  readonly id: string;
  readonly name: string;
  /**
   * Where replies to the emails go, and the ORGANIZER of the public calendar files. Never the
   * invitations' ORGANIZER: calendar answers go to the system (`replyDomain`, docs/calendar.md).
   */
  readonly replyTo: string;
}

export interface ThrottleSettings {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

/**
 * The CloudFront web ACL's per-IP limits (lib/waf.ts), in requests per 5 minutes: WAF's
 * evaluation window, and what its console and metrics speak in.
 */
export interface WafSettings {
  /** `POST /api/events/{eventId}/registrations` from one IP address. */
  readonly registrationLimit: number;
  /** Any `/api/*` request from one IP address (registrations included). */
  readonly apiLimit: number;
}

export interface StageSettings {
  readonly stage: string;
  /** Prod: keep the table (plus deletion protection), bucket, user pool, secret and logs on stack deletion. */
  readonly retain: boolean;
  /** Set only when the stage pins them; otherwise the stack is environment-agnostic. */
  readonly account?: string;
  readonly region?: string;
  /** The SES domain identity mail is sent from. */
  readonly mailDomain: string;
  /** The sender address, in `mailDomain`. */
  readonly mailFrom: string;
  readonly organisers: readonly OrganiserSettings[];
  /** Alarm notifications go to this address (a confirmation link is sent first). */
  readonly alarmEmail?: string;
  /** Hosted UI prefix (`<prefix>.auth.<region>.amazoncognito.com`); default: stack name + account. */
  readonly authDomainPrefix?: string;
  /** A custom domain for the site, with its ACM certificate (which CloudFront needs in us-east-1). */
  readonly siteDomain?: { readonly name: string; readonly certificateArn: string };
  /**
   * The API's own name, `api.<siteDomain>`, with a certificate in the stack's region: CloudFront
   * reaches the API there, and the default `execute-api` endpoint is switched off. Set with the
   * site domain, and only then.
   */
  readonly apiDomain?: { readonly name: string; readonly certificateArn: string };
  /**
   * Run on an existing table instead of creating one: a table restored from point-in-time
   * recovery, with its stream on (docs/deploy.md, "Restoring the table").
   */
  readonly restoredTable?: { readonly name: string; readonly streamArn: string };
  /** API stage-wide throttling. */
  readonly throttle: ThrottleSettings;
  /** Tighter throttling on `POST /api/events/{eventId}/registrations`, the one anonymous write. */
  readonly registrationThrottle: ThrottleSettings;
  /**
   * A WAF web ACL with per-IP rate limits on the distribution, in a stack of its own in
   * us-east-1 (lib/waf.ts). Absent: no web ACL. Default: on for a kept stage, off otherwise.
   */
  readonly waf?: WafSettings;
  /**
   * The domain calendar answers come back to (`rsvp+…@<replyDomain>`, SES email receiving,
   * lib/inbound.ts). Absent: no receiving, and invitations ask for no answer.
   */
  readonly replyDomain?: string;
}

/** Sized so a popular event's opening minute fits, well under the account's 10,000 rps default. */
const DEFAULT_THROTTLE: ThrottleSettings = { rateLimit: 1000, burstLimit: 2000 };
/** About 30,000 registrations a minute: see docs/deploy.md before a bigger rush. */
const DEFAULT_REGISTRATION_THROTTLE: ThrottleSettings = { rateLimit: 500, burstLimit: 1000 };

/**
 * The app refuses a client's 31st registration in 10 minutes itself (REGISTRATIONS_PER_CLIENT),
 * so an office registering a dozen colleagues never meets the WAF; the WAF only stops a script
 * that keeps knocking after the app said no (each refusal still costs a function run and a
 * write). 3,000 API requests in 5 minutes is 10 a second from one address all along: a venue's
 * Wi-Fi with hundreds of attendees opening their pages, or an admin tab refreshing every 20 s,
 * stays far below it.
 */
const DEFAULT_WAF: WafSettings = { registrationLimit: 100, apiLimit: 3000 };
/** WAF's bounds for a rate-based rule's limit. */
const WAF_LIMIT_MIN = 10;
const WAF_LIMIT_MAX = 2_000_000_000;

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;
/** A DynamoDB stream's ARN; the table's name is its fifth path segment. */
const STREAM_ARN =
  /^arn:aws[\w-]*:dynamodb:[a-z0-9-]+:\d{12}:table\/([A-Za-z0-9_.-]{3,255})\/stream\/[^/\s]+$/;
const REGIONAL_CERTIFICATE_ARN = /^arn:aws[\w-]*:acm:([a-z0-9-]+):\d{12}:certificate\/[A-Za-z0-9-]+$/;
const EMAIL = /^[^@\s<>,;"]+@[^@\s<>,;"]+$/;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
/** Cognito: lower case, digits, hyphens; no reserved words. */
const AUTH_PREFIX = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Context from `-c` is always a string: JSON values (objects, lists, numbers) arrive encoded. */
const decoded = (value: unknown): unknown => {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  if (!/^[[{]/.test(trimmed)) return value;
  try {
    return JSON.parse(trimmed);
  } catch {
    throw new Error(`Context value is not valid JSON: ${trimmed}`);
  }
};

const throttleFrom = (value: unknown, fallback: ThrottleSettings, key: string): ThrottleSettings => {
  if (value === undefined) return fallback;
  const { rateLimit, burstLimit } = value as Partial<ThrottleSettings>;
  if (!Number.isFinite(rateLimit) || !Number.isFinite(burstLimit) || !rateLimit || !burstLimit) {
    throw new Error(`"${key}" must be {"rateLimit": <requests/s>, "burstLimit": <requests>}`);
  }
  return { rateLimit: Number(rateLimit), burstLimit: Number(burstLimit) };
};

const WAF_SHAPE =
  '"waf" must be false, true (the defaults) or {"registrationLimit": <n>, "apiLimit": <n>}: requests per 5 minutes from one IP address';

const wafFrom = (value: unknown, retain: boolean): WafSettings | undefined => {
  // From `-c waf=false` the value is a string; from cdk.json a boolean.
  if (value === undefined) return retain ? DEFAULT_WAF : undefined;
  if (value === false || value === 'false') return undefined;
  if (value === true || value === 'true') return DEFAULT_WAF;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(WAF_SHAPE);
  const unknown = Object.keys(value).filter((key) => !Object.hasOwn(DEFAULT_WAF, key));
  if (unknown.length > 0) throw new Error(`${WAF_SHAPE}; unknown: ${unknown.join(', ')}`);
  const waf = { ...DEFAULT_WAF, ...(value as Partial<WafSettings>) };
  for (const [key, limit] of Object.entries(waf)) {
    if (!Number.isInteger(limit) || limit < WAF_LIMIT_MIN || limit > WAF_LIMIT_MAX) {
      throw new Error(
        `"waf.${key}" must be a whole number from ${WAF_LIMIT_MIN} to ${WAF_LIMIT_MAX} (WAF's bounds)`,
      );
    }
  }
  // Registrations are API requests too: a lower API limit would make the registration one moot.
  if (waf.apiLimit < waf.registrationLimit) {
    throw new Error(
      '"waf.apiLimit" must be at least "waf.registrationLimit" (registrations count as API requests)',
    );
  }
  return waf;
};

const organisersFrom = (value: unknown): OrganiserSettings[] => {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new Error('"organisers" must be a list of {id, name, replyTo}');
  const seen = new Set<string>();
  return value.map((entry: Partial<OrganiserSettings>) => {
    const { id, name, replyTo } = entry ?? {};
    if (typeof id !== 'string' || !ID.test(id)) {
      throw new Error(`Organiser id "${id}" must be 1-64 letters, digits, "-" or "_"`);
    }
    if (seen.has(id)) throw new Error(`Organiser "${id}" is listed twice`);
    seen.add(id);
    if (typeof name !== 'string' || name.trim() === '') throw new Error(`Organiser "${id}" needs a name`);
    if (typeof replyTo !== 'string' || !EMAIL.test(replyTo)) {
      throw new Error(`Organiser "${id}" needs a replyTo email address`);
    }
    return { id, name: name.trim(), replyTo };
  });
};

/**
 * The stage's settings from context. An unknown stage, a missing mail domain or a stage with
 * no organiser is refused at synth time rather than deployed half-working.
 */
export const stageSettingsFromContext = (scope: Construct): StageSettings => {
  const context = (key: string): unknown => decoded(scope.node.tryGetContext(key));
  const stage = String(context('stage') ?? 'dev');
  const stages = (context('stages') ?? {}) as Record<string, Record<string, unknown>>;
  const entry = stages[stage];
  if (!entry) {
    throw new Error(
      `Unknown stage "${stage}"; known stages (cdk.json context "stages"): ${Object.keys(stages).join(', ')}`,
    );
  }
  const setting = (key: string): unknown => context(key) ?? decoded(entry[key]);
  const text = (key: string): string | undefined => {
    const value = setting(key);
    return value === undefined || value === '' ? undefined : String(value);
  };

  const removalPolicy = text('removalPolicy') ?? 'retain';
  if (removalPolicy !== 'retain' && removalPolicy !== 'destroy') {
    throw new Error(`Stage "${stage}": removalPolicy must be "retain" or "destroy"`);
  }

  const mailDomain = text('domain')?.toLowerCase();
  if (!mailDomain || !DOMAIN.test(mailDomain)) {
    throw new Error(`Stage "${stage}" needs the mail domain: -c domain=<your domain, e.g. example.org>`);
  }
  const mailFrom = text('mailFrom') ?? `inscriptions@${mailDomain}`;
  if (!EMAIL.test(mailFrom) || !mailFrom.toLowerCase().endsWith(`@${mailDomain}`)) {
    throw new Error(`mailFrom "${mailFrom}" must be an address in the mail domain ${mailDomain}`);
  }

  const organisers = organisersFrom(setting('organisers'));
  if (organisers.length === 0) {
    throw new Error(
      `Stage "${stage}" needs at least one organiser: -c 'organisers=[{"id","name","replyTo"}]'`,
    );
  }

  const alarmEmail = text('alarmEmail');
  if (alarmEmail !== undefined && !EMAIL.test(alarmEmail)) throw new Error('alarmEmail must be an address');

  const authDomainPrefix = text('authDomainPrefix');
  if (
    authDomainPrefix !== undefined &&
    (!AUTH_PREFIX.test(authDomainPrefix) || /aws|amazon|cognito/.test(authDomainPrefix))
  ) {
    throw new Error('authDomainPrefix: lower case, digits and hyphens, without "aws", "amazon" or "cognito"');
  }

  const siteDomainName = text('siteDomain')?.toLowerCase();
  const certificateArn = text('siteCertificateArn');
  if ((siteDomainName === undefined) !== (certificateArn === undefined)) {
    throw new Error('siteDomain and siteCertificateArn go together (the certificate must be in us-east-1)');
  }
  if (
    certificateArn !== undefined &&
    !/^arn:aws[\w-]*:acm:us-east-1:\d{12}:certificate\//.test(certificateArn)
  ) {
    throw new Error(
      'siteCertificateArn must be an ACM certificate in us-east-1 (CloudFront only uses those)',
    );
  }

  const account = text('account');
  const region = text('region');

  const apiCertificateArn = text('apiCertificateArn');
  if ((siteDomainName === undefined) !== (apiCertificateArn === undefined)) {
    throw new Error(
      `siteDomain needs apiCertificateArn too: a certificate for api.<siteDomain> in the stack's region, so that CloudFront reaches the API on its own name and the default execute-api endpoint can be switched off (docs/deploy.md)`,
    );
  }
  const apiCertificateRegion = apiCertificateArn && REGIONAL_CERTIFICATE_ARN.exec(apiCertificateArn)?.[1];
  if (apiCertificateArn !== undefined && !apiCertificateRegion) {
    throw new Error('apiCertificateArn must be an ACM certificate ARN');
  }
  if (region && apiCertificateRegion && apiCertificateRegion !== region) {
    throw new Error(
      `apiCertificateArn must be in the stack's region (${region}), not ${apiCertificateRegion}`,
    );
  }

  const waf = wafFrom(setting('waf'), removalPolicy === 'retain');
  // CloudFront's web ACLs exist only in us-east-1 of the commercial partition (lib/waf.ts).
  const partition = region && RegionInfo.get(region).partition;
  if (waf && partition && partition !== 'aws') {
    throw new Error(
      `Stage "${stage}": a CloudFront web ACL lives in us-east-1 of the aws partition, which a stack in ${region} (${partition}) cannot use; set "waf": false`,
    );
  }

  const replyDomain = text('replyDomain')?.toLowerCase();
  if (replyDomain !== undefined && !DOMAIN.test(replyDomain)) {
    throw new Error(`replyDomain "${replyDomain}" must be a domain name, e.g. replies.example.org`);
  }

  const restoredTableName = text('restoredTableName');
  const restoredTableStreamArn = text('restoredTableStreamArn');
  if ((restoredTableName === undefined) !== (restoredTableStreamArn === undefined)) {
    throw new Error(
      'restoredTableName and restoredTableStreamArn go together: turn the restored table’s stream on first (docs/deploy.md)',
    );
  }
  if (restoredTableName !== undefined && !TABLE_NAME.test(restoredTableName)) {
    throw new Error(`restoredTableName "${restoredTableName}" is not a DynamoDB table name`);
  }
  if (
    restoredTableStreamArn !== undefined &&
    STREAM_ARN.exec(restoredTableStreamArn)?.[1] !== restoredTableName
  ) {
    throw new Error(`restoredTableStreamArn must be the stream of the table ${restoredTableName}`);
  }

  return {
    stage,
    retain: removalPolicy === 'retain',
    ...(account ? { account } : {}),
    ...(region ? { region } : {}),
    mailDomain,
    mailFrom,
    organisers,
    ...(alarmEmail ? { alarmEmail } : {}),
    ...(authDomainPrefix ? { authDomainPrefix } : {}),
    ...(siteDomainName && certificateArn ? { siteDomain: { name: siteDomainName, certificateArn } } : {}),
    ...(siteDomainName && apiCertificateArn
      ? { apiDomain: { name: `api.${siteDomainName}`, certificateArn: apiCertificateArn } }
      : {}),
    ...(restoredTableName && restoredTableStreamArn
      ? { restoredTable: { name: restoredTableName, streamArn: restoredTableStreamArn } }
      : {}),
    throttle: throttleFrom(setting('throttle'), DEFAULT_THROTTLE, 'throttle'),
    registrationThrottle: throttleFrom(
      setting('registrationThrottle'),
      DEFAULT_REGISTRATION_THROTTLE,
      'registrationThrottle',
    ),
    ...(waf ? { waf } : {}),
    ...(replyDomain ? { replyDomain } : {}),
  };
};
