import { randomUUID } from 'node:crypto';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateQuery,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { eventKey } from '../platform/keys.js';
import { log } from '../platform/log.js';
import { isConditionFailure, retrying } from '../platform/retry.js';
import { tableSchema } from '../platform/table.js';
import type { MailLedgerPort } from './ports.js';

/**
 * The record of what was sent, one item per state change: `EVENT#{eventId}` / `MAIL#{dedupeKey}`.
 * It is claimed conditionally BEFORE the send, so two deliveries of the same change (a stream
 * retry, a duplicated queue message, two workers racing) can never both send:
 *
 * - claim ok -> send -> mark `sent` (with the provider's message id);
 * - claim found -> skip: it was sent, or is being sent right now, or a worker died after
 *   claiming;
 * - send refused (throttled, invalid) -> the claim is deleted (the provider took nothing) and
 *   the error goes up, so the caller's retry claims again and sends;
 * - no answer (timeout, reset connection), a crash between claim and mark, or a mark that
 *   failed -> the claim stays `sending`. It keeps the message's intent (ids and kinds, no
 *   personal data) and sits in a small sparse index (gsi1 `MAIL#SENDING`), so the stuck-claim
 *   sweep (resend-stuck.ts) takes it over after a few minutes and sends it again: never lost,
 *   sent twice only when the first send went and its mark did not.
 *
 * Items carry no personal data (ids and kinds only) and expire by TTL after the event.
 */

export const MAIL_PREFIX = 'MAIL#';

/** Kept this long after the event ends: beyond any stream, queue or dead-letter replay. */
const KEEP_AFTER_EVENT_DAYS = 30;

export interface LedgerEntry {
  dedupeKey: string;
  /** `dropped`: a stuck claim whose message no longer fits (the person cancelled meanwhile). */
  status: 'sending' | 'sent' | 'dropped';
  claimedAt: string;
  sentAt?: string;
  mailId?: string;
  /** Times the stuck-claim sweep sent it again. */
  resends?: number;
}

/** A claim still `sending`, as the sweep finds it. */
export interface StuckClaim {
  eventId: string;
  dedupeKey: string;
  claimId: string;
  claimedAt: string;
  /** When it was last claimed or taken over. */
  attemptedAt: string;
  resends: number;
  /** What to send (a `MessageIntent`); absent on claims made before intents were kept. */
  intent?: unknown;
}

/** The sparse index partition of claims in flight: small, since a claim leaves it once marked. */
const SENDING_PARTITION = 'MAIL#SENDING';
const sendingIndexKey = (attemptedAt: string, eventId: string, dedupeKey: string) => ({
  gsi1pk: SENDING_PARTITION,
  gsi1sk: `${attemptedAt}#${eventId}#${dedupeKey}`,
});

export type SendOutcome = { status: 'sent'; mailId: string } | { status: 'skipped' };

export const mailKey = (eventId: string, dedupeKey: string) => ({
  pk: eventKey(eventId).pk,
  sk: `${MAIL_PREFIX}${dedupeKey}`,
});

/** TTL (epoch seconds): some days after the event, counted from now if the event is already past. */
export const ledgerExpiry = (eventEndsAt: string, now: Date): number =>
  Math.ceil(Math.max(Date.parse(eventEndsAt), now.getTime()) / 1000) + KEEP_AFTER_EVENT_DAYS * 86_400;

export class MailLedger implements MailLedgerPort {
  private readonly db: DynamoDBDocumentClient;

  constructor(
    db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {
    this.db = retrying(db);
  }

  /**
   * The claim's id when this caller now owns the send; undefined when someone claimed it
   * before. Each claim carries its own random id, so a claim whose answer was lost (the write
   * applied, the client sent it again and found it there) is recognised as this caller's, not
   * skipped for ever.
   */
  async claim(
    eventId: string,
    dedupeKey: string,
    now: Date,
    expiresAt: number,
    intent?: unknown,
  ): Promise<string | undefined> {
    const claimId = randomUUID();
    const at = now.toISOString();
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...mailKey(eventId, dedupeKey),
            ...sendingIndexKey(at, eventId, dedupeKey),
            eventId,
            dedupeKey,
            claimId,
            status: 'sending',
            claimedAt: at,
            expiresAt,
            ...(intent === undefined ? {} : { intent }),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return claimId;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const { Item } = await this.db.send(
        new GetCommand({ TableName: this.tableName, Key: mailKey(eventId, dedupeKey), ConsistentRead: true }),
      );
      return Item?.claimId === claimId && Item.status === 'sending' ? claimId : undefined;
    }
  }

  /**
   * Takes a stuck claim over for one more send: only if it is still the claim the sweep saw
   * (not marked meanwhile, not taken by another sweep). Its place in the index moves to now,
   * so the next sweep leaves it alone for a while. The new claim id, or undefined.
   */
  async takeOver(claim: StuckClaim, now: Date): Promise<string | undefined> {
    const claimId = randomUUID();
    const at = now.toISOString();
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: mailKey(claim.eventId, claim.dedupeKey),
          UpdateExpression: 'SET claimId = :new, attemptedAt = :at, gsi1sk = :sk ADD resends :one',
          ConditionExpression: 'claimId = :old AND #status = :sending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':new': claimId,
            ':old': claim.claimId,
            ':at': at,
            ':sk': sendingIndexKey(at, claim.eventId, claim.dedupeKey).gsi1sk,
            ':one': 1,
            ':sending': 'sending',
          },
        }),
      );
      return claimId;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  /** A stuck claim whose message no longer fits: kept as `dropped`, out of the sweep's index. */
  async drop(eventId: string, dedupeKey: string, claimId: string): Promise<void> {
    await this.db
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: mailKey(eventId, dedupeKey),
          UpdateExpression: 'SET #status = :dropped REMOVE gsi1pk, gsi1sk',
          ConditionExpression: 'claimId = :claimId AND #status = :sending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':dropped': 'dropped', ':claimId': claimId, ':sending': 'sending' },
        }),
      )
      .catch((error: unknown) => {
        if (!isConditionFailure(error)) throw error;
      });
  }

  async markSent(eventId: string, dedupeKey: string, mailId: string, now: Date): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: mailKey(eventId, dedupeKey),
        UpdateExpression: 'SET #status = :sent, mailId = :mailId, sentAt = :now REMOVE gsi1pk, gsi1sk',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':sent': 'sent', ':mailId': mailId, ':now': now.toISOString() },
      }),
    );
  }

  /** Gives a claim back after a failed send, so that a retry may send. */
  async release(eventId: string, dedupeKey: string): Promise<void> {
    await this.db
      .send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: mailKey(eventId, dedupeKey),
          // Never drop a claim that already says `sent`.
          ConditionExpression: '#status = :sending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':sending': 'sending' },
        }),
      )
      .catch((error: unknown) => {
        if (!isConditionFailure(error)) throw error;
      });
  }

  /**
   * Claim, send, record: once per dedupe key, or again by the stuck-claim sweep when the first
   * send's outcome was never recorded. A refused send gives a fresh claim back and is rethrown
   * (the caller's retry sends); a taken-over claim (`claimId`) is kept instead, for the next
   * sweep, since no other retry will come. An error recording `sent` is swallowed: the message
   * went, and the sweep resending it is the price of never losing one.
   */
  async once(
    eventId: string,
    dedupeKey: string,
    options: { now: Date; expiresAt: number; intent?: unknown; claimId?: string },
    send: () => Promise<{ id: string }>,
  ): Promise<SendOutcome> {
    const claimId =
      options.claimId ??
      (await this.claim(eventId, dedupeKey, options.now, options.expiresAt, options.intent));
    if (!claimId) return { status: 'skipped' };
    let mailId: string;
    try {
      ({ id: mailId } = await send());
    } catch (error) {
      if (outcomeUnknown(error)) {
        // The request left and no answer came back: it may have been delivered. The claim
        // stays; the sweep sends it again later.
        log.warn('mail outcome unknown; left to the stuck-claim sweep', {
          eventId,
          dedupeKey,
          error: errorName(error),
        });
      } else if (!options.claimId) await this.release(eventId, dedupeKey);
      throw error;
    }
    try {
      await this.markSent(eventId, dedupeKey, mailId, new Date());
    } catch (error) {
      // The claim stays `sending`: the sweep will send it again (a duplicate, never a loss).
      log.warn('mail sent but not recorded as sent', { eventId, dedupeKey, mailId, error });
    }
    return { status: 'sent', mailId };
  }

  async get(eventId: string, dedupeKey: string): Promise<LedgerEntry | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: mailKey(eventId, dedupeKey), ConsistentRead: true }),
    );
    return Item ? toEntry(Item) : undefined;
  }

  /** Every ledger entry of an event (tests, operators). */
  async entries(eventId: string): Promise<LedgerEntry[]> {
    const entries: LedgerEntry[] = [];
    for await (const page of paginateQuery(
      { client: this.db },
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': eventKey(eventId).pk, ':prefix': MAIL_PREFIX },
        ConsistentRead: true,
      },
    )) {
      entries.push(...(page.Items ?? []).map(toEntry));
    }
    return entries;
  }

  /**
   * Claims still `sending` whose last attempt is older than `olderThan`, across every event:
   * from the sparse index, which holds only claims in flight. Eventually consistent: a claim
   * marked a moment ago may still show; `takeOver` re-checks it.
   */
  async stuckClaims(olderThan: Date): Promise<StuckClaim[]> {
    const claims: StuckClaim[] = [];
    for await (const page of paginateQuery(
      { client: this.db },
      {
        TableName: this.tableName,
        IndexName: tableSchema.indexes.byParent.name,
        KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk < :cutoff',
        ExpressionAttributeValues: { ':pk': SENDING_PARTITION, ':cutoff': olderThan.toISOString() },
      },
    )) {
      claims.push(...(page.Items ?? []).filter((item) => item.status === 'sending').map(toStuckClaim));
    }
    return claims;
  }
}

const errorName = (error: unknown): string => (error as { name?: string } | null)?.name ?? 'Error';

const UNKNOWN_OUTCOME =
  /^(TimeoutError|RequestTimeout|RequestTimeoutException|AbortError|ETIMEDOUT|ECONNRESET|EPIPE|ESOCKETTIMEDOUT)$/;

/**
 * Whether a failed send may still have been delivered: no answer came back (timeout, reset
 * connection). An error the provider answered with (throttled, rejected, unavailable) means
 * it did not take the message, and an error before the request left means nothing went.
 */
export const outcomeUnknown = (error: unknown): boolean => {
  const failure = error as { name?: string; code?: string; $metadata?: { httpStatusCode?: number } } | null;
  if (failure?.$metadata?.httpStatusCode) return false;
  return UNKNOWN_OUTCOME.test(failure?.name ?? '') || UNKNOWN_OUTCOME.test(failure?.code ?? '');
};

const toEntry = (item: Record<string, unknown>): LedgerEntry => ({
  dedupeKey: String(item.dedupeKey),
  status: item.status === 'sent' || item.status === 'dropped' ? item.status : 'sending',
  claimedAt: String(item.claimedAt),
  ...(item.sentAt ? { sentAt: String(item.sentAt) } : {}),
  ...(item.mailId ? { mailId: String(item.mailId) } : {}),
  ...(item.resends ? { resends: Number(item.resends) } : {}),
});

const toStuckClaim = (item: Record<string, unknown>): StuckClaim => ({
  eventId: String(item.eventId),
  dedupeKey: String(item.dedupeKey),
  claimId: String(item.claimId),
  claimedAt: String(item.claimedAt),
  attemptedAt: String(item.attemptedAt ?? item.claimedAt),
  resends: Number(item.resends ?? 0),
  ...(item.intent === undefined ? {} : { intent: item.intent }),
});
