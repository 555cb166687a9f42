import { failedConditions, Transaction } from '../platform/transaction.js';
import { RSVP_IS_LATER } from './dynamodb/writes.js';
import { answersLater, type RegistrationRecord, type RsvpAnswer } from './model.js';
import type { RegistrationContext } from './ports.js';
import { cancel } from './release.js';

/**
 * A calendar's answer to the invitation (functions/inbound/): "Decline" gives the seat up as the
 * person's own cancellation does (the next in line moves up in the same transaction, and they get
 * the usual cancellation email, so they learn the seat is freed); "Accept" and "Maybe" are kept.
 * Each answer acts once, and only over an earlier one: `changed` says whether this one did.
 */
export const answerInvitation = async (
  context: RegistrationContext,
  registration: RegistrationRecord,
  answer: RsvpAnswer,
  now: Date,
): Promise<{ registration: RegistrationRecord; changed: boolean }> => {
  const { table } = context;
  if (answer.rsvp === 'declined') {
    // Only if no later answer is kept ("coming after all" may arrive first: mail is not in order).
    const after = await cancel(context, registration, 'attendee', now, {
      holds: (current) => answersLater(current, answer.order),
      condition: RSVP_IS_LATER,
      values: { ':rsvpOrder': answer.order },
      set: { rsvp: answer.rsvp, rsvpAt: answer.at, rsvpOrder: answer.order },
    });
    return { registration: after, changed: after.rsvpOrder === answer.order && after.rsvp === 'declined' };
  }
  try {
    await table.write(new Transaction().add('rsvp', table.writes.rsvp(registration, answer, now)));
  } catch (error) {
    if (!failedConditions(error).has('rsvp')) throw error;
    // Cancelled meanwhile, or a later answer (or this one, delivered twice) is already kept.
    return { registration: (await table.get(registration)) ?? registration, changed: false };
  }
  return { registration: (await table.get(registration)) ?? registration, changed: true };
};
