import { calendarUid } from '../calendar/ical.js';
import type { EventRecord } from '../events/model.js';
import { normaliseEmail } from '../platform/tokens.js';
import { offersFor } from '../registrations/lifecycle.js';
import {
  answersLater,
  type RegistrationRecord,
  type Rsvp,
  type RsvpAnswer,
  rsvpOrder,
} from '../registrations/model.js';
import type { CalendarAnswer } from './parse.js';

/**
 * What a calendar answer sent to a registration's reply address may do: the rules in one place.
 * Only an iTIP REPLY to this registration's invitation (its event's UID), from its attendee,
 * while the registration is live and the event still to come, with an answer we know.
 */

export type IgnoredReason =
  | 'malformed'
  | 'not_ours'
  | 'not_a_reply'
  | 'unknown_registration'
  | 'other_invitation'
  | 'attendee_mismatch'
  | 'unsupported_answer'
  | 'cancelled'
  | 'event_over'
  | 'stale';

export type InboundOutcome =
  | { outcome: Rsvp; registrationId: string; changed: boolean }
  | { outcome: 'ignored'; reason: IgnoredReason };

export const ignored = (reason: IgnoredReason): InboundOutcome => ({ outcome: 'ignored', reason });

const ANSWERS: Record<string, Rsvp> = {
  ACCEPTED: 'accepted',
  DECLINED: 'declined',
  TENTATIVE: 'tentative',
};

export const decideAnswer = (
  answers: readonly CalendarAnswer[],
  registration: RegistrationRecord,
  event: EventRecord,
  now: Date,
): RsvpAnswer | IgnoredReason => {
  const replies = answers.filter((answer) => answer.method === 'REPLY');
  if (replies.length === 0) return 'not_a_reply';
  const ours = replies.filter((answer) => answer.uid === calendarUid(event));
  if (ours.length === 0) return 'other_invitation';
  const email = normaliseEmail(registration.email);
  const found = ours.flatMap((answer) =>
    answer.attendees
      .filter((attendee) => normaliseEmail(attendee.address) === email)
      .map((attendee) => ({ answer, rsvp: ANSWERS[attendee.partstat] })),
  );
  if (found.length === 0) return 'attendee_mismatch';
  // A stamp from the future would outrank every real answer after it: it counts as now.
  const orderOf = ({ answer }: (typeof found)[number]) =>
    rsvpOrder(answer.sequence, [answer.stamp ?? now.toISOString(), now.toISOString()].sort()[0] ?? '');
  // Several VEVENTs (a series and its exceptions): the latest answer says it.
  const latest = found.sort((a, b) => (orderOf(a) < orderOf(b) ? 1 : -1))[0];
  if (!latest?.rsvp) return 'unsupported_answer';
  if (registration.status === 'cancelled') return 'cancelled';
  if (!offersFor(registration, event, now).cancel) return 'event_over';
  const order = orderOf(latest);
  if (!answersLater(registration, order)) return 'stale';
  return { rsvp: latest.rsvp, at: now.toISOString(), order };
};
