import type { EventRecord } from '../events/model.js';
import { reconfirmAskAt, releasable } from '../events/reminders.js';
import { AppError } from '../platform/errors.js';
import { failedConditions, Transaction } from '../platform/transaction.js';
import type { RegistrationRecord } from './model.js';
import type { RegistrationContext } from './ports.js';
import { cancel } from './release.js';

/** "Still coming?" (API.md, "Attendance"): the answer, and the deadline that frees unanswered seats. */

/** "I'm coming": sets `reconfirmedAt` once; again is harmless. Only a confirmed seat of an event to come. */
export const reconfirm = async (
  { table }: RegistrationContext,
  registration: RegistrationRecord,
  event: EventRecord,
  now: Date,
): Promise<RegistrationRecord> => {
  if (registration.status !== 'confirmed') {
    throw new AppError('not_confirmed', 'Only a confirmed seat can be reconfirmed');
  }
  if (registration.reconfirmedAt) return registration;
  if (event.status !== 'published' || event.endsAt <= now.toISOString()) {
    throw new AppError('invalid_state', 'This event is over or cancelled');
  }
  try {
    await table.write(
      new Transaction().add('reconfirmed', table.writes.stampedOnce(registration, 'reconfirmedAt', now)),
    );
  } catch (error) {
    if (!failedConditions(error).has('reconfirmed')) throw error;
    // Answered meanwhile (a second click), or released or cancelled meanwhile: the stored state says.
  }
  const latest = (await table.get(registration)) ?? registration;
  if (latest.id !== registration.id || latest.status !== 'confirmed') {
    throw new AppError('not_confirmed', 'Only a confirmed seat can be reconfirmed');
  }
  return latest;
};

/**
 * At the deadline: a confirmed seat not reconfirmed (nor checked in, nor seated since the ask)
 * is cancelled as `not_reconfirmed`, the first in line seated in the same transaction. The
 * database re-checks the rule, so a click on "I'm coming" at the same moment wins or loses
 * cleanly, and a second run releases nobody twice.
 */
export const releaseNotReconfirmed = (
  context: RegistrationContext,
  registration: RegistrationRecord,
  event: EventRecord,
  now: Date,
): Promise<RegistrationRecord> => {
  const askAt = reconfirmAskAt(event);
  if (!askAt) return Promise.resolve(registration);
  return cancel(context, registration, 'not_reconfirmed', now, {
    holds: (current) => releasable(current, event),
    condition:
      'attribute_not_exists(reconfirmedAt) AND attribute_not_exists(checkedInAt) AND (attribute_not_exists(confirmedAt) OR confirmedAt < :askAt)',
    values: { ':askAt': askAt },
  });
};
