import { log } from '../platform/log.js';
import type { MessageIntent } from './decide.js';
import { scrubbed } from './scrub.js';
import { type SendDeps, sendOne } from './send.js';

/**
 * The stuck-claim sweep: a message claimed and never recorded as sent (its worker was killed,
 * SES's answer was lost, the mark failed) is sent again, so no owed email is silently lost.
 * At least once, then: a second copy goes only when the first did go and its mark did not, and
 * it carries the same Message-ID and the event's UID and SEQUENCE, so a calendar shows one entry.
 * Run every few minutes (AWS: scheduled/resend.ts; locally: the runtime's tick).
 */

/** A claim this old without a mark is taken for dead: far longer than a send and its mark take. */
export const STUCK_AFTER_MINUTES = 5;
/** Sends again at most this many times (an hour of sweeps); past that, the alarm asks a person. */
export const MAX_RESENDS = 12;

export interface ResendSummary {
  stuck: number;
  resent: number;
  dropped: number;
  failed: number;
  /** Past MAX_RESENDS, or from before intents were kept: left for an operator (EmailsOwed). */
  abandoned: number;
}

const isIntent = (value: unknown): value is MessageIntent =>
  typeof (value as MessageIntent | undefined)?.kind === 'string' &&
  typeof (value as MessageIntent).registrationId === 'string';

export const resendStuckClaims = async (deps: SendDeps): Promise<ResendSummary> => {
  const now = deps.clock();
  const stuck = await deps.ledger.stuckClaims(new Date(now.getTime() - STUCK_AFTER_MINUTES * 60_000));
  const summary: ResendSummary = { stuck: stuck.length, resent: 0, dropped: 0, failed: 0, abandoned: 0 };
  for (const claim of stuck) {
    if (!isIntent(claim.intent) || claim.resends >= MAX_RESENDS) {
      summary.abandoned++;
      continue;
    }
    const claimId = await deps.ledger.takeOver(claim, now);
    if (!claimId) continue; // marked, or taken by another sweep, since the index was read
    try {
      const result = await sendOne(claim.intent, deps, { claimId });
      summary[result.status === 'sent' ? 'resent' : 'dropped']++;
    } catch (error) {
      // The claim stays, taken over: the next sweep tries again.
      summary.failed++;
      log.warn('stuck mail not resent this time', {
        eventId: claim.eventId,
        dedupeKey: claim.dedupeKey,
        error: scrubbed(error),
      });
    }
  }
  if (summary.stuck > 0) log.info('stuck mail claims', { ...summary });
  return summary;
};
