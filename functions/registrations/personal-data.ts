import { AppError } from '../platform/errors.js';
import { personalDataExpiresAt } from '../platform/privacy.js';
import { hashToken, newManageToken, sealToken } from '../platform/tokens.js';
import { failedConditions, Transaction } from '../platform/transaction.js';
import { isReplaced } from './lifecycle.js';
import { MAX_MANAGE_LINKS, manageLinkSentRecently, type RegistrationRecord } from './model.js';
import type { RegistrationContext } from './ports.js';
import { seatCounts } from './seat-counts.js';
import { fillFreeSeats } from './waitlist.js';

/** A person's data: one more manage link for it, when it goes, and its erasure. */

/** A cancelled registration gets no more emails, a new manage link included (409). */
export const assertStillEmailed = (registration: Pick<RegistrationRecord, 'status'>): void => {
  if (registration.status === 'cancelled') {
    throw new AppError('invalid_state', 'A cancelled registration gets no more emails');
  }
};

/**
 * Issues one more manage link for an existing registration and flags it for the mailer
 * (the stream carries the flag and the sealed token). Earlier links keep working.
 */
export const requestManageLink = async (
  { table, settings }: RegistrationContext,
  registration: RegistrationRecord,
  now: Date,
): Promise<RegistrationRecord> => {
  // Sent a moment ago: nothing new, and no email (the answer stays the same for the caller).
  if (manageLinkSentRecently(registration, now)) return registration;
  const token = newManageToken();
  const hashes = [...registration.tokenHashes, hashToken(token)].slice(-MAX_MANAGE_LINKS);
  await table.setManageLinks(registration, hashes, sealToken(token, settings.tokenKey), now);
  return { ...registration, tokenHashes: hashes, linkRequestedAt: now.toISOString() };
};

/**
 * GDPR erasure: the person's data goes; an anonymous tombstone keeps the counts and
 * the day of registration. A seat they held goes to the waitlist. Erasing a live registration
 * erases the cancelled ones of the same address it replaced too (its history); erasing an old
 * one leaves the live one alone.
 */
export const erase = async (
  context: RegistrationContext,
  registration: RegistrationRecord,
  now: Date,
): Promise<void> => {
  await eraseOne(context, registration, now);
  if (isReplaced(registration)) return;
  for (const earlier of await context.table.replacedBy(registration)) await eraseOne(context, earlier, now);
};

const eraseOne = async (context: RegistrationContext, registration: RegistrationRecord, now: Date) => {
  const { table } = context;
  const counts = seatCounts(registration);
  const transaction = new Transaction()
    .add('removal', table.writes.removal(registration))
    .add('tombstone', table.writes.tombstone(registration, now))
    .add(
      'seat',
      table.writes.seatQuota(registration.eventId, registration.shard, {
        held: -counts.held,
        pending: -counts.pending,
        waitlisted: -counts.waitlisted,
        erased: 1,
      }),
    );
  try {
    await table.write(transaction);
  } catch (error) {
    if (failedConditions(error).has('removal')) {
      throw new AppError('invalid_state', 'The registration changed meanwhile; reload and try again');
    }
    throw error;
  }
  if (counts.held) await fillFreeSeats(context, registration.eventId, now);
};

/**
 * Registrations carry their deletion date (`expiresAt`, DynamoDB TTL): PERSONAL_DATA_DAYS
 * after the event ends. When the event moves, so does that date, or a postponed event would
 * lose its attendees before it takes place.
 */
export const restampPersonalDataExpiry = (
  { table }: RegistrationContext,
  eventId: string,
  eventEndsAt: string,
): Promise<number> => table.setPersonalDataExpiry(eventId, personalDataExpiresAt(eventEndsAt));
