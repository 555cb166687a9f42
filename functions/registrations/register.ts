import type { EventRecord, SeatQuotas } from '../events/model.js';
import { AppError } from '../platform/errors.js';
import { personalDataExpiresAt } from '../platform/privacy.js';
import { backoff, isRetryable } from '../platform/retry.js';
import { emailKey, newId, newManageToken } from '../platform/tokens.js';
import { failedConditions, Transaction } from '../platform/transaction.js';
import {
  type Answers,
  canPromote,
  decideRegistration,
  isLive,
  newRegistration,
  type RegistrationRecord,
  type SeatDecision,
} from './model.js';
import { requestManageLink } from './personal-data.js';
import { MAX_ROUNDS, type RegistrationContext, type ViewNotes } from './ports.js';
import { releaseExpiredHolds } from './release.js';
import type { RegistrationInput } from './schemas.js';
import { fillFreeSeats } from './waitlist.js';

export type RegisterOutcome =
  /**
   * `answerToken` is none for a seat pending confirmation: only the email may carry its link.
   * A waitlist place comes with a provisional position: arrivals of the same instant still on
   * their way may hold earlier tickets, and no read can count them yet, so the exact place is
   * the manage page's and the email's (waitlist.ts, waitlistPosition).
   *
   * A seat may have come free on another quota as the place was taken (quotas are separate
   * items, so the waitlist condition cannot see them all). Whoever frees a seat looks for
   * waiters after freeing it, and the table stream looks for free seats after each waitlist
   * place is written (stream/notify.ts): one of the two always sees the other.
   */
  | {
      kind: 'created';
      registration: RegistrationRecord;
      answerToken?: string;
      waitlistPosition?: number;
      waitlistPositionProvisional?: true;
    }
  | { kind: 'already_registered'; registration: RegistrationRecord };

/**
 * How often a container looks for lapsed holds before waitlisting someone: the look reads every
 * registration of the event, so in a rush it must not happen on each request (the tick or the
 * next look releases the rest; holds last hours, so a minute more changes little).
 */
const HOLD_SWEEP_INTERVAL_MS = 60_000;
/** Quotas found full from a possibly stale view before reading the quotas again. */
const MAX_MISSES = 2;

/** The view with one quota seen full: the next attempt picks another. */
const withoutRoom = (seats: SeatQuotas, shard: number): SeatQuotas => ({
  ...seats,
  shards: seats.shards.map((s) => (s.shard === shard ? { ...s, held: s.capacity ?? s.held } : s)),
});

/**
 * A new registration: a seat, or a place on the waitlist, in one transaction that takes it on
 * one seat quota under the event's rules and stores the registration under "no live one for
 * this email". `seen` is the quotas as the caller last saw them (possibly a second old): it
 * picks the first attempt without another read. The conditions re-check everything, so a
 * stale view costs one failed attempt and a fresh read, never a wrong seat.
 */
export const register = async (
  context: RegistrationContext,
  event: EventRecord,
  input: RegistrationInput & { answers: Answers },
  now: Date,
  seen?: SeatQuotas,
): Promise<RegisterOutcome> => {
  const { table, quotas, settings } = context;
  /** The quotas as last read (`seats` may be a copy with quotas found full taken out). */
  let view = seen;
  let seats = seen && withQuotasFoundFull(context, seen);
  let misses = 0;
  let busy = 0;
  /** A cancelled registration of this address, found in the way: kept, and replaced. */
  let replacing: RegistrationRecord | undefined;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const fresh = seats === undefined;
    if (fresh) misses = 0;
    seats ??= await quotas.getSeatQuotas(event.id);
    if (fresh) view = seats;
    let decision: SeatDecision;
    try {
      decision = decideRegistration(seats, now.toISOString());
    } catch (refusal) {
      if (fresh) throw refusal;
      seats = undefined; // refuse only on what the table says now
      continue;
    }
    if (decision.kind === 'waitlist' && seats && (await makeRoom(context, event.id, seats, now))) {
      seats = undefined;
      continue;
    }
    const answerToken =
      decision.kind === 'seat' && decision.status === 'pending_confirmation' ? undefined : newManageToken();
    const registration = newRegistration(input, {
      id: newId('reg'),
      event,
      decision,
      token: newManageToken(),
      answerToken,
      tokenKey: settings.tokenKey,
      holdMinutes: settings.holdMinutes,
      now,
      replacing,
      // From a view up to a second old: an erasure within that second may be missed.
      erasedBefore: seats?.erased,
    });
    const expiresAt = personalDataExpiresAt(event.endsAt);
    const transaction = new Transaction()
      .add('seat', table.writes.seatTaken(event.id, decision, now))
      .add('registration', table.writes.newRegistration(registration, expiresAt, replacing));
    if (replacing) transaction.add('archived', table.writes.archived(replacing, expiresAt));
    try {
      // Without the stores' conflict retries: a quota busy with another transaction is a reason
      // to try another quota (decided afresh after a pause) rather than queue on that one.
      await table.writeOnce(transaction);
      if (decision.kind === 'seat') return { kind: 'created', registration, answerToken };
      return {
        kind: 'created',
        registration,
        answerToken,
        waitlistPosition: provisionalPosition(context, view),
        waitlistPositionProvisional: true,
      };
    } catch (error) {
      if (isRetryable(error)) {
        await (settings.pause ?? backoff)(++busy);
        continue;
      }
      const failed = failedConditions(error);
      if (failed.has('registration') || failed.has('archived')) {
        const existing = await table.get({ eventId: event.id, emailKey: emailKey(input.email) });
        if (existing && isLive(existing)) {
          return {
            kind: 'already_registered',
            registration: await requestManageLink(context, existing, now),
          };
        }
        // Cancelled before: registering again keeps that one (its link, its history) beside the new.
        replacing = existing;
        continue;
      } else if (!failed.has('seat')) throw error;
      // That quota is full (or the quotas moved): noted on the view, so that this container's
      // next requests on it skip that quota; try another quota with room, then read again.
      if (decision.kind === 'seat' && view) notesOn(context, view).full.add(decision.shard);
      const retryOnView = decision.kind === 'seat' && seats && ++misses <= MAX_MISSES;
      seats = retryOnView && seats ? withoutRoom(seats, decision.shard) : undefined;
    }
  }
  // Every round lost a race (a rush on few quotas): the person may simply try again.
  throw new AppError(
    'busy',
    'Too many people are registering for this event at this instant; please try again in a few seconds',
  );
};

/**
 * A new waitlist place's provisional position: how many waited in the view it was decided on
 * (up to a second old), plus the places this container took on that view since, this one
 * included. Exact for arrivals one at a time; in a rush, others' places of that second are missing.
 */
const provisionalPosition = (context: RegistrationContext, view: SeatQuotas | undefined) => {
  if (!view) return 1;
  const notes = notesOn(context, view);
  notes.placesTaken++;
  return view.waitlisted + notes.placesTaken;
};

const notesOn = ({ viewNotes }: RegistrationContext, view: SeatQuotas): ViewNotes => {
  let notes = viewNotes.get(view);
  if (!notes) {
    notes = { placesTaken: 0, full: new Set() };
    viewNotes.set(view, notes);
  }
  return notes;
};

/**
 * The view without the quotas this container already found full on it: in a rush, once a
 * quota fills, the requests deciding on the same (up to a second old) view would each try it
 * again, a transaction lost each.
 */
const withQuotasFoundFull = (context: RegistrationContext, view: SeatQuotas): SeatQuotas =>
  [...notesOn(context, view).full].reduce(withoutRoom, view);

/** Before someone joins the waitlist: lapsed holds and waiting seats are settled first. */
const makeRoom = async (context: RegistrationContext, eventId: string, seats: SeatQuotas, now: Date) => {
  let changed = false;
  if (seats.pending > 0 && holdSweepDue(context, eventId, now)) {
    changed = (await releaseExpiredHolds(context, eventId, now)) > 0;
  }
  if (canPromote(seats)) changed = (await fillFreeSeats(context, eventId, now)) > 0 || changed;
  return changed;
};

/** Whether this container last looked for the event's lapsed holds long enough ago (and notes it). */
const holdSweepDue = ({ holdSweeps }: RegistrationContext, eventId: string, now: Date): boolean => {
  const last = holdSweeps.get(eventId);
  if (last !== undefined && now.getTime() - last < HOLD_SWEEP_INTERVAL_MS) return false;
  if (holdSweeps.size > 1000) holdSweeps.clear(); // bounded: a container serves few events
  holdSweeps.set(eventId, now.getTime());
  return true;
};
