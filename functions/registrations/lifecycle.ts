import type { EventRecord } from '../events/model.js';
import type { RegistrationRecord } from './model.js';

/**
 * What a registrant may see and be offered, from their registration's state and the event's:
 * the one place the API views, the invitation file, the emails and (through the view) the
 * pages ask. docs/lifecycle.md has it as a table; test/lifecycle.test.ts walks the table.
 */

/**
 * Where a cancelled registration goes when the same address registers again: a key of its own
 * (so its manage link, history and counts stay), beside the live one under the plain emailKey.
 */
export const archivedEmailKey = (emailKey: string, registrationId: string): string =>
  `${emailKey}#${registrationId}`;

/** Whether this registration was replaced by a newer one of its address (and so kept aside). */
export const isReplaced = (registration: Pick<RegistrationRecord, 'emailKey'>): boolean =>
  registration.emailKey.includes('#');

/** Where the event stands for its registrants. A draft never reaches them. */
export type EventPhase = 'upcoming' | 'past' | 'cancelled';

/**
 * `now` left out: as for a message about to be sent, which goes out at the change it reports,
 * before the event is over.
 */
export const eventPhase = (event: Pick<EventRecord, 'status' | 'endsAt'>, now?: Date): EventPhase => {
  if (event.status === 'cancelled') return 'cancelled';
  return now && now.toISOString() >= event.endsAt ? 'past' : 'upcoming';
};

export interface Offers {
  /** A confirmed seat at an event that still takes place (or took place). */
  seat: boolean;
  /** The join URL: a seat, held (also) online, not over yet. */
  joinUrl: string | null;
  /** Add-to-calendar links (Google, Outlook, the .ics file): a seat at an event still to come. */
  calendar: boolean;
  /** What the personal invitation file says, or null: nothing to put in a calendar (`409 no_seat`). */
  invite: 'REQUEST' | 'CANCEL' | null;
  /** The double opt-in confirmation. */
  confirm: boolean;
  /** Giving the place up: anything still live, before the event ends. */
  cancel: boolean;
  /** Registering again: cancelled, the event still to come, and not already replaced by a new one. */
  registerAgain: boolean;
}

export const offersFor = (
  registration: Pick<RegistrationRecord, 'status'> & Partial<Pick<RegistrationRecord, 'emailKey'>>,
  event: Pick<EventRecord, 'status' | 'endsAt' | 'format' | 'joinUrl'>,
  now?: Date,
): Offers => {
  const phase = eventPhase(event, now);
  const live = registration.status !== 'cancelled';
  const seat = registration.status === 'confirmed' && phase !== 'cancelled';
  const online = event.format !== 'in_person' && event.joinUrl ? event.joinUrl : null;
  return {
    seat,
    joinUrl: seat && phase === 'upcoming' ? online : null,
    calendar: seat && phase === 'upcoming',
    // A CANCEL takes out what a REQUEST may have put in; a waitlisted or unconfirmed person has
    // nothing in their calendar and gets nothing to put there.
    invite: !live || phase === 'cancelled' ? 'CANCEL' : seat ? 'REQUEST' : null,
    confirm: registration.status === 'pending_confirmation' && phase === 'upcoming',
    cancel: live && phase === 'upcoming',
    registerAgain: !live && phase === 'upcoming' && !isReplaced({ emailKey: registration.emailKey ?? '' }),
  };
};
