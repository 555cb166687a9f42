import { createHash } from 'node:crypto';
import { type MailSettings, mailSettings } from '../mail/mailer.js';
import type { ReminderSchedulerConfig } from '../notify/reminder-scheduler.js';
import { REGISTRATIONS_PER_CLIENT } from '../platform/rate-limiter.js';

/**
 * Typed configuration from the environment, read once per cold start.
 * A missing required value fails loudly at first use rather than half-working.
 */

const required = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`Missing environment variable ${name}`);
  return value;
};

const number = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`${name} must be a positive number, got "${raw}"`);
  return value;
};

export interface Config {
  tableName: string;
  /** Origin the pages are served from; manage and calendar links are built on it. */
  publicBaseUrl: string;
  /** How long an unconfirmed (double opt-in) registration holds its seat. */
  pendingHoldMinutes: number;
  /** Registrations one client may make in ten minutes (REGISTRATIONS_PER_CLIENT). */
  registrationsPerClient: number;
  /** The domain calendar answers are received on (SES receiving), when the stage has one. */
  replyDomain?: string;
  /**
   * 32-byte key sealing manage tokens so the mailer can put them in links. Resolved on first
   * read, not by `config()`: in AWS only the functions that seal or unseal tokens are given
   * the key, and the read-only ones must still get their table name and base URL.
   */
  readonly manageTokenKey: Buffer;
}

let cached: Config | undefined;

export const config = (): Config => {
  if (!cached) {
    let key: Buffer | undefined;
    cached = {
      tableName: required('TABLE_NAME'),
      publicBaseUrl: (process.env.PUBLIC_BASE_URL ?? 'http://127.0.0.1:3000').replace(/\/$/, ''),
      pendingHoldMinutes: number('PENDING_HOLD_MINUTES', 120),
      registrationsPerClient: number('REGISTRATIONS_PER_CLIENT', REGISTRATIONS_PER_CLIENT.limit),
      ...(process.env.REPLY_DOMAIN ? { replyDomain: process.env.REPLY_DOMAIN } : {}),
      get manageTokenKey() {
        key ??= resolveManageTokenKey();
        return key;
      },
    };
  }
  return cached;
};

const manageTokenKey = (base64: string): Buffer => {
  const key = Buffer.from(base64, 'base64');
  if (key.length !== 32) throw new Error('MANAGE_TOKEN_KEY must be 32 bytes, base64-encoded');
  return key;
};

/**
 * Where the key comes from: `MANAGE_TOKEN_KEY` (base64, the local runtime and tests), else
 * the key `loadSecrets()` derived from the Secrets Manager secret named by
 * `MANAGE_TOKEN_KEY_SECRET_ARN` (AWS: the key never sits in the function's configuration).
 */
const resolveManageTokenKey = (): Buffer => {
  const base64 = process.env.MANAGE_TOKEN_KEY;
  if (base64) return manageTokenKey(base64);
  if (secretTokenKey) return secretTokenKey;
  if (process.env.MANAGE_TOKEN_KEY_SECRET_ARN) {
    throw new Error('The manage token key is not loaded: await loadSecrets() before using it');
  }
  throw new Error('Missing environment variable MANAGE_TOKEN_KEY');
};

/** Reads a secret's string value (Secrets Manager in AWS; tests pass their own). */
export type SecretReader = (secretArn: string) => Promise<string>;

/**
 * The secret is random text CloudFormation generates (Secrets Manager cannot generate raw
 * bytes); its SHA-256 is exactly the 32 bytes AES-256-GCM wants, whatever its length.
 */
export const manageTokenKeyFromSecret = (secret: string): Buffer =>
  createHash('sha256').update(secret, 'utf8').digest();

let secretTokenKey: Buffer | undefined;
let loading: Promise<void> | undefined;

/**
 * Fetches the manage token key once per container when the function was given the secret's
 * ARN and no key; a no-op otherwise (the local runtime, the tests, functions without the key).
 * A failed fetch is not cached, so the next call tries again.
 */
export const loadSecrets = (read: SecretReader): Promise<void> => {
  const secretArn = process.env.MANAGE_TOKEN_KEY_SECRET_ARN;
  if (process.env.MANAGE_TOKEN_KEY || !secretArn || secretTokenKey) return Promise.resolve();
  loading ??= read(secretArn).then(
    (secret) => {
      secretTokenKey = manageTokenKeyFromSecret(secret);
    },
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
};

/**
 * Mail settings, apart from `config()` so API handlers never need them. In AWS `MAIL_FROM`
 * must be set (an SES-verified identity); the local runtime and tests fall back to a
 * placeholder the outbox accepts. Validation is the mail module's own (`mailSettings`).
 */
export const LOCAL_MAIL_FROM = 'inscriptions@localhost';
/** The local runtime receives calendar answers on the outbox's domain (POST /local/inbound). */
export const LOCAL_REPLY_DOMAIN = 'localhost';

const inLambda = (): boolean => Boolean(process.env.AWS_LAMBDA_FUNCTION_NAME);

export const mailConfig = (): MailSettings =>
  mailSettings(
    inLambda() ? process.env : { ...process.env, MAIL_FROM: process.env.MAIL_FROM || LOCAL_MAIL_FROM },
  );

/** Only the table, for functions that need nothing else (no token key in their environment). */
export const tableName = (): string => required('TABLE_NAME');

/**
 * What CloudFront sends in `x-origin-verify` on its way to the API (lib/web.ts), from a secret
 * set at deploy time. Unset locally: there is no CloudFront, and the connection's address counts.
 */
export const originVerify = (): string | undefined => process.env.ORIGIN_VERIFY || undefined;

/** The queue event fan-outs go through (the stream and remind functions send, the fanout function reads). */
export const fanoutQueueConfig = (): { queueUrl: string } => ({ queueUrl: required('QUEUE_URL') });

export const reminderSchedulerConfig = (): ReminderSchedulerConfig => ({
  scheduleGroup: required('SCHEDULE_GROUP'),
  remindFunctionArn: required('REMIND_FUNCTION_ARN'),
  schedulerRoleArn: required('SCHEDULER_ROLE_ARN'),
});

/** Tests and the local runtime change the environment between runs. */
export const resetConfig = (): void => {
  cached = undefined;
  secretTokenKey = undefined;
  loading = undefined;
};
