import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { EventRepository } from '../events/ports.js';
import { requestFor } from '../platform/node-request.js';
import { sealToken, unsealToken } from '../platform/tokens.js';
import type { Registrations } from '../registrations/registrations.js';
import { type AddressPolicy, pinnedLookup, type Resolver, resolveDeliveryAddress } from './address.js';
import {
  type DeliveryJob,
  delivered,
  retryDelaySeconds,
  signedHeaders,
  TEST_EVENT_TYPE,
  type WebhookSubscription,
} from './model.js';
import type { WebhookStore } from './store.js';

/**
 * One attempt of one delivery: build the body from what is stored now (an erased registration
 * is sent without its personal data), sign it, POST it to the checked address, and write the
 * outcome in the log. Says whether to try again, and when; the queues (SQS, the local one) do
 * the waiting.
 */

/** Per attempt: a receiver slower than this counts as down. */
export const ATTEMPT_TIMEOUT_MS = 5_000;

/** The key webhook secrets are sealed with: derived from the manage token key, never the key itself. */
export const webhookSecretKeyFrom = (manageTokenKey: Buffer): Buffer =>
  createHash('sha256').update('webhook-secrets\0').update(manageTokenKey).digest();

export const sealSecret = (secret: string, key: Buffer): string => sealToken(secret, key);

/** The secrets to sign with now: the current one, and the one it replaced during the grace period. */
export const signingSecrets = (subscription: WebhookSubscription, key: Buffer, now: Date): string[] => [
  unsealToken(subscription.secretSealed, key),
  ...(subscription.previousSecretSealed && (subscription.previousUntil ?? '') > now.toISOString()
    ? [unsealToken(subscription.previousSecretSealed, key)]
    : []),
];

export interface PostResult {
  status?: number;
  error?: string;
}

export interface HttpPostOptions {
  policy: AddressPolicy;
  resolver: Resolver;
  timeoutMs?: number;
}

/**
 * POSTs `body` once: the host resolved and checked, the connection made to that very address,
 * no redirect followed, the answer's body left unread, all within the timeout.
 */
export const postOnce = async (
  url: string,
  headers: Record<string, string>,
  body: string,
  options: HttpPostOptions,
): Promise<PostResult> => {
  const resolved = await resolveDeliveryAddress(url, options.policy, options.resolver);
  if ('problem' in resolved) return { error: resolved.problem };
  const target = new URL(url);
  const request = requestFor(target.protocol);
  return new Promise<PostResult>((done) => {
    const req = request(
      target,
      {
        method: 'POST',
        headers: {
          ...headers,
          'content-length': String(Buffer.byteLength(body)),
          'user-agent': 'inscriptions-webhooks',
        },
        lookup: pinnedLookup(resolved.address),
        // No pooled socket: every attempt connects to the address it has just checked.
        agent: false,
      },
      (response: IncomingMessage) => {
        // Only the status matters: the body is neither read into memory nor stored.
        response.resume();
        clearTimeout(timer);
        done({ status: response.statusCode ?? 0 });
        response.destroy();
      },
    );
    const timer = setTimeout(
      () => req.destroy(new Error('timeout')),
      options.timeoutMs ?? ATTEMPT_TIMEOUT_MS,
    );
    req.on('error', (error: Error) => {
      clearTimeout(timer);
      done({ error: error.message === 'timeout' ? 'No answer in time' : 'Could not connect' });
    });
    req.end(body);
  });
};

export interface DeliveryDeps {
  store: Pick<WebhookStore, 'get' | 'recordAttempt'>;
  events: Pick<EventRepository, 'get'>;
  registrations: Pick<Registrations, 'getById'>;
  /** The key subscriptions' secrets are sealed with (webhookSecretKeyFrom). */
  secretKey: () => Buffer;
  post: (url: string, headers: Record<string, string>, body: string) => Promise<PostResult>;
  baseUrl: string;
  clock: () => Date;
}

/** The payload's `data`: ids and the registration's or event's state as it is now. */
export const payloadData = async (job: DeliveryJob, deps: DeliveryDeps): Promise<Record<string, unknown>> => {
  if (job.type === TEST_EVENT_TYPE) return { test: true };
  if (job.registrationId) {
    const registration = await deps.registrations.getById(job.registrationId);
    if (!registration) return { eventId: job.eventId, registration: { id: job.registrationId } };
    const { id, status, name, email, company, jobTitle, locale, createdAt, confirmedAt, cancelledAt } =
      registration;
    return {
      eventId: registration.eventId,
      registration: {
        id,
        status,
        name,
        email,
        ...(company ? { company } : {}),
        ...(jobTitle ? { jobTitle } : {}),
        locale,
        createdAt,
        ...(confirmedAt ? { confirmedAt } : {}),
        ...(cancelledAt ? { cancelledAt } : {}),
        ...(registration.checkedInAt ? { checkedInAt: registration.checkedInAt } : {}),
      },
    };
  }
  const found = job.eventId ? await deps.events.get(job.eventId) : undefined;
  if (!found) return { eventId: job.eventId };
  const { id, title, status, startsAt, endsAt, timeZone, format, updatedAt } = found.event;
  return {
    eventId: id,
    event: {
      id,
      title,
      status,
      startsAt,
      endsAt,
      timeZone,
      format,
      updatedAt,
      url: `${deps.baseUrl}/events/${id}`,
    },
  };
};

export type AttemptOutcome = { done: true } | { retryInSeconds: number };

/**
 * Attempt number `attempt` (1 for the first) of a delivery. `retry: false` makes it the only
 * one (the organiser's test event): a failure is final, and the log says one attempt.
 */
export const attemptDelivery = async (
  job: DeliveryJob,
  attempt: number,
  deps: DeliveryDeps,
  { retry = true }: { retry?: boolean } = {},
): Promise<AttemptOutcome> => {
  const subscription = await deps.store.get(job.organiserId, job.webhookId);
  // Deleted meanwhile: nothing to deliver to, and its log goes with it.
  if (!subscription) return { done: true };
  const now = deps.clock();
  const body = JSON.stringify({
    type: job.type,
    timestamp: job.occurredAt,
    data: await payloadData(job, deps),
  });
  const headers = signedHeaders(
    signingSecrets(subscription, deps.secretKey(), now),
    job.messageId,
    Math.floor(now.getTime() / 1000),
    body,
  );
  const result = await deps.post(subscription.url, headers, body);
  const base = {
    attempts: attempt,
    lastAttemptAt: now.toISOString(),
    ...(result.status !== undefined ? { responseCode: result.status } : {}),
    ...(result.error ? { error: result.error } : {}),
  };
  if (result.status !== undefined && delivered(result.status)) {
    await deps.store.recordAttempt(job, { ...base, status: 'delivered' });
    return { done: true };
  }
  const delay = retry ? retryDelaySeconds(attempt) : undefined;
  if (delay === undefined) {
    // Never silently lost: the log says it failed for good.
    await deps.store.recordAttempt(job, { ...base, status: 'failed' });
    return { done: true };
  }
  const nextAttemptAt = new Date(now.getTime() + delay * 1000).toISOString();
  await deps.store.recordAttempt(job, { ...base, status: 'pending', nextAttemptAt });
  return { retryInSeconds: delay };
};
