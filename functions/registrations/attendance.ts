import { AppError } from '../platform/errors.js';
import { failedConditions, Transaction } from '../platform/transaction.js';
import type { RegistrationRecord } from './model.js';
import type { RegistrationContext } from './ports.js';

/** Attendance on the day: check-in and its undo, counted on the seat quota. */

export const checkIn = async (
  context: RegistrationContext,
  registration: RegistrationRecord,
  now: Date,
): Promise<RegistrationRecord> => {
  if (registration.checkedInAt) return registration;
  if (registration.status !== 'confirmed') {
    throw new AppError('invalid_state', 'Only a confirmed registration can be checked in');
  }
  return setCheckIn(context, registration, now.toISOString(), now);
};

/**
 * A check-in by scanned code: unlike the list's tap, a second scan is an error the scanner
 * shows ("already checked in at 9:42"), and a code without a seat behind it says why.
 */
export const checkInByCode = async (
  context: RegistrationContext,
  registration: RegistrationRecord,
  now: Date,
): Promise<RegistrationRecord> => {
  if (registration.checkedInAt) {
    throw new AppError('already_checked_in', 'This registration is already checked in', {
      name: registration.name,
      checkedInAt: registration.checkedInAt,
    });
  }
  if (registration.status !== 'confirmed') {
    throw new AppError('no_seat', 'This registration holds no seat', { status: registration.status });
  }
  return checkIn(context, registration, now);
};

export const undoCheckIn = async (
  context: RegistrationContext,
  registration: RegistrationRecord,
  now: Date,
): Promise<RegistrationRecord> => {
  if (!registration.checkedInAt) return registration;
  return setCheckIn(context, registration, undefined, now);
};

const setCheckIn = async (
  { table }: RegistrationContext,
  registration: RegistrationRecord,
  at: string | undefined,
  now: Date,
) => {
  const transaction = new Transaction()
    .add('attendance', table.writes.checkIn(registration, at, now))
    .add(
      'seat',
      table.writes.seatQuota(registration.eventId, registration.shard, { checkedIn: at ? 1 : -1 }),
    );
  try {
    await table.write(transaction);
  } catch (error) {
    if (!failedConditions(error).has('attendance')) throw error;
    // Someone else checked in or undid it at the same moment: the stored state is the answer.
  }
  return (await table.get(registration)) ?? registration;
};

/**
 * The personal join link's first use: `joinedAt` set once. True when this call set it; a second
 * hit, or one at the same moment, finds it set (or the seat gone) and changes nothing.
 */
export const recordJoin = async (
  { table }: RegistrationContext,
  registration: RegistrationRecord,
  now: Date,
): Promise<boolean> => {
  if (registration.joinedAt || registration.status !== 'confirmed') return false;
  try {
    await table.write(
      new Transaction().add('joined', table.writes.stampedOnce(registration, 'joinedAt', now)),
    );
    return true;
  } catch (error) {
    if (!failedConditions(error).has('joined')) throw error;
    return false;
  }
};
