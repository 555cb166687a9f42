import type { SendOutcome, StuckClaim } from './ledger.js';

/**
 * What sending needs from the record of sent messages: the exactly-once protocol, and the
 * claims left behind by a worker that died (or a send whose outcome was never recorded), for
 * the sweep to send again. The DynamoDB adapter is ledger.ts.
 */
export interface MailLedgerPort {
  /** Claim (or, with `claimId`, use a claim taken over), send, record. */
  once(
    eventId: string,
    dedupeKey: string,
    options: { now: Date; expiresAt: number; intent?: unknown; claimId?: string },
    send: () => Promise<{ id: string }>,
  ): Promise<SendOutcome>;
  /** Claims still `sending` whose last attempt is older than `olderThan`, every event's. */
  stuckClaims(olderThan: Date): Promise<StuckClaim[]>;
  /** A stuck claim for one more send: the new claim id, or undefined if it moved meanwhile. */
  takeOver(claim: StuckClaim, now: Date): Promise<string | undefined>;
  /** A stuck claim whose message no longer fits: recorded as dropped. */
  drop(eventId: string, dedupeKey: string, claimId: string): Promise<void>;
}
