import { AppError } from '../platform/errors.js';
import { failedConditions, Transaction } from '../platform/transaction.js';
import type { RegistrationRecord } from './model.js';
import { MAX_ROUNDS, type RegistrationContext } from './ports.js';
import { plus, seatCounts } from './seat-counts.js';
import { fillFreeSeats, seatFromWaitlist } from './waitlist.js';

/** Releasing a seat or a place: cancellation (by the person, the organiser, or a lapsed hold) and confirmation. */

type CancelledBy = NonNullable<RegistrationRecord['cancelledBy']>;

/**
 * A cancellation that must only happen while the registration still fits a rule (the
 * reconfirmation deadline's, a calendar answer's being the latest): the rule as read (`holds`)
 * and as the database re-checks it, with what is written alongside (`set`).
 */
export interface CancelGuard {
  holds: (registration: RegistrationRecord) => boolean;
  condition: string;
  values: Record<string, string | number>;
  set?: Record<string, string | number>;
}

/**
 * Cancels a registration; a freed seat goes to the head of the waitlist. Cancelling
 * twice is harmless: the second finds it cancelled and frees nothing.
 */
export const cancel = async (
  context: RegistrationContext,
  registration: RegistrationRecord,
  by: CancelledBy,
  now: Date,
  guard?: CancelGuard,
): Promise<RegistrationRecord> => {
  const cancelled = await markCancelled(context, registration, by, now, guard);
  // Also when it was already cancelled: an earlier attempt may have died before promoting.
  await fillFreeSeats(context, registration.eventId, now);
  return cancelled;
};

/**
 * A held seat freed while people wait goes to the next in line in the same transaction:
 * with the seats spread over quotas, a free seat would otherwise be visible to newcomers
 * on its quota for a moment before the waitlist got it.
 */
const markCancelled = async (
  context: RegistrationContext,
  registration: RegistrationRecord,
  by: CancelledBy,
  now: Date,
  guard?: CancelGuard,
): Promise<RegistrationRecord> => {
  const { table } = context;
  let latest: RegistrationRecord | undefined = registration;
  let passOn = true;
  for (let round = 0; round < MAX_ROUNDS && latest; round++) {
    const current: RegistrationRecord = latest;
    if (current.status === 'cancelled' || (guard && !guard.holds(current))) return current;
    const counts = seatCounts(current);
    const shard = current.shard;
    const release = {
      held: -counts.held,
      pending: -counts.pending,
      waitlisted: -counts.waitlisted,
      checkedIn: -counts.checkedIn,
      cancelled: 1,
    };
    const next = counts.held && passOn ? await nextInLineFor(context, current) : undefined;
    const handOver =
      next && seatFromWaitlist(context, next.registration, shard, next.requireConfirmation, now);
    const transaction = new Transaction()
      .add(
        'cancelled',
        table.writes.statusChange(
          current,
          current.status,
          'cancelled',
          now,
          { cancelledAt: now.toISOString(), cancelledBy: by, ...guard?.set },
          guard,
        ),
      )
      .add(
        'seat',
        handOver
          ? table.writes.seatQuota(
              registration.eventId,
              shard,
              plus(release, handOver.onQuota),
              '#status = :published',
              { ':published': 'published' },
            )
          : table.writes.seatQuota(registration.eventId, shard, release),
      );
    if (handOver) transaction.add('nextInLine', handOver.change).add('elsewhere', ...handOver.elsewhere);
    try {
      await table.write(transaction);
      return (await table.get(registration)) ?? current;
    } catch (error) {
      const failed = failedConditions(error);
      if (failed.has('cancelled')) {
        latest = await table.get(registration); // changed meanwhile: look again
      } else if (failed.has('seat')) {
        passOn = false; // the event is no longer open: the seat is simply freed
      } else if (!failed.has('nextInLine')) throw error;
      // else the next in line moved meanwhile (promoted, cancelled): the one after gets the seat
    }
  }
  throw new AppError('not_found', 'Registration not found');
};

/** Who gets a seat given back now: the head of the waitlist, if the event is open. */
const nextInLineFor = async ({ quotas, table }: RegistrationContext, registration: RegistrationRecord) => {
  const seats = await quotas.getSeatQuotas(registration.eventId);
  if (seats?.status !== 'published' || seats.waitlisted === 0) return undefined;
  const [head] = await table.waitlistHead(registration.eventId, 1);
  return head && { registration: head, requireConfirmation: seats.requireConfirmation };
};

/** Double opt-in: the emailed link turns a held seat into a confirmed one. */
export const confirm = async (
  context: RegistrationContext,
  registration: RegistrationRecord,
  now: Date,
): Promise<RegistrationRecord> => {
  const { table } = context;
  if (registration.status === 'cancelled') {
    throw new AppError('invalid_state', 'This registration has been cancelled');
  }
  if (registration.status !== 'pending_confirmation') return registration;
  if ((registration.holdExpiresAt ?? '') <= now.toISOString()) {
    await cancel(context, registration, 'expired', now);
    throw new AppError('confirmation_expired', 'The time to confirm has passed; please register again');
  }
  const transaction = new Transaction()
    .add(
      'confirmed',
      table.writes.statusChange(registration, 'pending_confirmation', 'confirmed', now, {
        confirmedAt: now.toISOString(),
        // Only an emailed link reaches a confirmation (the API refuses the form's token).
        mailboxProvenAt: now.toISOString(),
      }),
    )
    .add('seat', table.writes.seatQuota(registration.eventId, registration.shard, { pending: -1 }));
  try {
    await table.write(transaction);
  } catch (error) {
    if (!failedConditions(error).has('confirmed')) throw error;
    const latest = await table.get(registration);
    if (!latest) throw new AppError('not_found', 'Registration not found');
    return latest.status === 'pending_confirmation' ? confirm(context, latest, now) : latest;
  }
  return (await table.get(registration)) ?? registration;
};

/** Releases the seats of unconfirmed registrations whose hold has lapsed. */
export const releaseExpiredHolds = async (
  context: RegistrationContext,
  eventId: string,
  now: Date,
): Promise<number> => {
  const lapsed = await context.table.lapsedHolds(eventId, now);
  for (const registration of lapsed) await cancel(context, registration, 'expired', now);
  return lapsed.length;
};
