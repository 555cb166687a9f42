import type { LedgerEntry, SendOutcome } from './ledger.js';

/**
 * What sending needs from the record of sent messages: the exactly-once protocol, and the
 * claims left behind by a worker that died. The DynamoDB adapter is ledger.ts.
 */
export interface MailLedgerPort {
  /** Claim, send, record: at most once per dedupe key. */
  once(
    eventId: string,
    dedupeKey: string,
    options: { now: Date; expiresAt: number },
    send: () => Promise<{ id: string }>,
  ): Promise<SendOutcome>;
  /** Claims still `sending` since before `olderThan`: reported, never resent automatically. */
  stuckClaims(eventId: string, olderThan: Date): Promise<LedgerEntry[]>;
}
