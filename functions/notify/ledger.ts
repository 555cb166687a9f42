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
import type { MailLedgerPort } from './ports.js';

/**
 * The record of what was sent, one item per state change: `EVENT#{eventId}` / `MAIL#{dedupeKey}`.
 * It is claimed conditionally BEFORE the send, so two deliveries of the same change (a stream
 * retry, a duplicated queue message, two workers racing) can never both send:
 *
 * - claim ok -> send -> mark `sent` (with the provider's message id);
 * - claim found -> skip: it was sent, or is being sent right now, or a worker died after
 *   claiming. That last case is the price of "never twice": a crash between the send and the
 *   acknowledgement must not resend, so a crash between the claim and the send is not resent
 *   either. Such claims stay `sending`; `stuckClaims` finds them for an operator to look at.
 * - send fails -> the claim is deleted (the provider refused it, so it did not go) and the
 *   error goes up, so the retry claims again and sends. When no answer came back at all
 *   (timeout, reset connection) the message may have gone: the claim is kept, as for a crash.
 *
 * Items carry no personal data (ids and kinds only) and expire by TTL after the event.
 */

export const MAIL_PREFIX = 'MAIL#';

/** Kept this long after the event ends: beyond any stream, queue or dead-letter replay. */
const KEEP_AFTER_EVENT_DAYS = 30;

export interface LedgerEntry {
  dedupeKey: string;
  status: 'sending' | 'sent';
  claimedAt: string;
  sentAt?: string;
  mailId?: string;
}

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
   * True when this caller now owns the send; false when someone claimed it before. Each claim
   * carries its own random id, so a claim whose answer was lost (the write applied, the client
   * sent it again and found it there) is recognised as this caller's, not skipped for ever.
   */
  async claim(eventId: string, dedupeKey: string, now: Date, expiresAt: number): Promise<boolean> {
    const claimId = randomUUID();
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...mailKey(eventId, dedupeKey),
            dedupeKey,
            claimId,
            status: 'sending',
            claimedAt: now.toISOString(),
            expiresAt,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const { Item } = await this.db.send(
        new GetCommand({ TableName: this.tableName, Key: mailKey(eventId, dedupeKey), ConsistentRead: true }),
      );
      return Item?.claimId === claimId && Item.status === 'sending';
    }
  }

  async markSent(eventId: string, dedupeKey: string, mailId: string, now: Date): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: mailKey(eventId, dedupeKey),
        UpdateExpression: 'SET #status = :sent, mailId = :mailId, sentAt = :now',
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
   * Claim, send, record: at most once per dedupe key. A send error releases the claim and is
   * rethrown (the caller's retry sends); an error recording `sent` is swallowed into the
   * outcome's favour, since the message did go and the claim alone already blocks a resend.
   */
  async once(
    eventId: string,
    dedupeKey: string,
    options: { now: Date; expiresAt: number },
    send: () => Promise<{ id: string }>,
  ): Promise<SendOutcome> {
    if (!(await this.claim(eventId, dedupeKey, options.now, options.expiresAt))) return { status: 'skipped' };
    let mailId: string;
    try {
      ({ id: mailId } = await send());
    } catch (error) {
      if (outcomeUnknown(error)) {
        // The request left and no answer came back: it may have been delivered. Resending
        // could send twice, so the claim stays (`stuckClaims` reports it) and the retry skips.
        log.warn('mail outcome unknown; not resent', { eventId, dedupeKey, error: errorName(error) });
      } else await this.release(eventId, dedupeKey);
      throw error;
    }
    try {
      await this.markSent(eventId, dedupeKey, mailId, new Date());
    } catch (error) {
      // The claim stays `sending`: stuckClaims reports it; it is never resent either way.
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
   * Claims still `sending` since before `olderThan`: a worker died between claiming and
   * recording the send. Whether the message went cannot be known from here (the provider's
   * logs can tell); they are reported, never resent automatically.
   */
  async stuckClaims(eventId: string, olderThan: Date): Promise<LedgerEntry[]> {
    const cutoff = olderThan.toISOString();
    return (await this.entries(eventId)).filter(
      (entry) => entry.status === 'sending' && entry.claimedAt < cutoff,
    );
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
  status: item.status === 'sent' ? 'sent' : 'sending',
  claimedAt: String(item.claimedAt),
  ...(item.sentAt ? { sentAt: String(item.sentAt) } : {}),
  ...(item.mailId ? { mailId: String(item.mailId) } : {}),
});

/** Module-level helper named in the design notes: the stuck claims of one event. */
export const stuckClaims = (ledger: MailLedger, eventId: string, olderThan: Date): Promise<LedgerEntry[]> =>
  ledger.stuckClaims(eventId, olderThan);
