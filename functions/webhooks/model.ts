import { createHash, createHmac, randomBytes } from 'node:crypto';

/**
 * Webhooks, the domain part: what a subscription and a delivery are, how a delivery is signed
 * (the Standard Webhooks specification, so receivers can use its libraries), and when a failed
 * one is tried again. Pure: the store, the sender and the queues are beside it.
 */

import type { WebhookEventType } from './event-types.js';

export { type WebhookEventType, webhookEventTypes } from './event-types.js';

/** A sent-only test delivery (the admin's button); never a subscription's choice. */
export const TEST_EVENT_TYPE = 'webhook.test';

export interface WebhookSubscription {
  id: string;
  organiserId: string;
  url: string;
  events: WebhookEventType[];
  /** The secret (`whsec_...`), AES-GCM sealed with a key derived from the manage token key. */
  secretSealed: string;
  /** After a rotation, the previous secret, still signed with until `previousUntil`. */
  previousSecretSealed?: string;
  previousUntil?: string;
  createdAt: string;
}

/** What the admin sees of a subscription: never a secret. */
export const publicSubscription = ({ id, url, events, createdAt, previousUntil }: WebhookSubscription) => ({
  id,
  url,
  events,
  createdAt,
  ...(previousUntil ? { previousSecretUntil: previousUntil } : {}),
});

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

/** One line of the delivery log: no payload, no response body, nothing personal. */
export interface DeliveryRecord {
  webhookId: string;
  /** The `webhook-id` header: the same on every attempt. */
  messageId: string;
  type: WebhookEventType | typeof TEST_EVENT_TYPE;
  /** When the change happened (the payload's `timestamp`). */
  occurredAt: string;
  status: DeliveryStatus;
  attempts: number;
  responseCode?: number;
  /** Why the last attempt failed without an answer (timeout, refused address...). */
  error?: string;
  lastAttemptAt?: string;
  nextAttemptAt?: string;
}

/** What a delivery job carries through the queue: ids, no personal data. */
export interface DeliveryJob {
  organiserId: string;
  webhookId: string;
  messageId: string;
  type: DeliveryRecord['type'];
  occurredAt: string;
  eventId?: string;
  registrationId?: string;
}

/** Secrets as the specification writes them: `whsec_` and the base64 of 32 random bytes. */
export const newWebhookSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`;

const secretBytes = (secret: string): Buffer => Buffer.from(secret.replace(/^whsec_/, ''), 'base64');

/** `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` keyed with the secret's decoded bytes. */
export const signature = (
  secret: string,
  messageId: string,
  timestampSeconds: number,
  body: string,
): string =>
  `v1,${createHmac('sha256', secretBytes(secret)).update(`${messageId}.${timestampSeconds}.${body}`).digest('base64')}`;

/** The `webhook-*` headers of one attempt; during a rotation both secrets sign (space-separated). */
export const signedHeaders = (
  secrets: readonly string[],
  messageId: string,
  timestampSeconds: number,
  body: string,
): Record<string, string> => ({
  'content-type': 'application/json',
  'webhook-id': messageId,
  'webhook-timestamp': String(timestampSeconds),
  'webhook-signature': secrets
    .map((secret) => signature(secret, messageId, timestampSeconds, body))
    .join(' '),
});

/**
 * The `webhook-id`: one per change and subscription, so the retries of a delivery, and the
 * same change read twice from the stream, carry the same id (receivers dedupe on it).
 */
export const messageIdOf = (webhookId: string, changeKey: string): string =>
  `msg_${createHash('sha256').update(`${webhookId}#${changeKey}`).digest('base64url').slice(0, 27)}`;

/**
 * Delays before each retry, after a failed attempt (the schedule the specification's authors
 * use): about 27 hours in all, then the delivery is marked failed in the log.
 */
export const RETRY_DELAYS_SECONDS = [5, 300, 1800, 7200, 18_000, 36_000, 36_000] as const;
export const MAX_ATTEMPTS = RETRY_DELAYS_SECONDS.length + 1;

/** Seconds until the next attempt after `attempts` failed ones; undefined: give up. */
export const retryDelaySeconds = (attempts: number): number | undefined => RETRY_DELAYS_SECONDS[attempts - 1];

/** How long a rotated-out secret keeps signing, so receivers can switch without losing deliveries. */
export const ROTATION_GRACE_MS = 24 * 3_600_000;

/** A 2xx answers the delivery; anything else (redirects included: never followed) is a failure. */
export const delivered = (status: number): boolean => status >= 200 && status < 300;
