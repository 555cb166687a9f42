/**
 * Which changes to an event its registrants hear about, compared by value: the table and the
 * stream give maps back in any key order, and the editor sends the whole form on every save,
 * so comparing JSON text would take a save that changes nothing for a change and email
 * everyone. Browser-safe (no imports): the admin editor warns by the same rule.
 */

/**
 * The programme is not one of them, though the invitation's DESCRIPTION lists it: a new talk
 * title or a shifted slot is detail, not worth an email to everyone and a new SEQUENCE. The
 * event page, the public .ics and the feeds show it as soon as they are read again (their
 * LAST-MODIFIED moves). When the event's time moves, its programme moves with it (model.ts),
 * and the invitation sent for the new time carries the moved programme.
 */

/** A change to an event that its registrants are told about (in an `event_changed` message). */
export type EventChange = 'title' | 'time' | 'place' | 'joinUrl';

/** What an invitation shows, as stored or as the editor is about to send it. */
export interface CalendarFields {
  title: string;
  startsAt: string | null;
  endsAt: string | null;
  timeZone: string;
  venue?: { name: string; address?: string; city?: string } | null;
  joinUrl?: string | null;
}

// The schemas trim single-line text: spaces around a value are no change.
const text = (value: string | null | undefined): string => (value ?? '').trim();

// The same instant written with another offset or precision is the same time.
const instant = (value: string | null | undefined): number | null => (value ? Date.parse(value) : null);

const venueText = (venue: CalendarFields['venue']): string | null =>
  venue ? [venue.name, venue.address, venue.city].map(text).join('\n') : null;

/** What changed in the fields an invitation shows; none: nothing to tell anyone. */
export const calendarChanges = (before: CalendarFields, after: CalendarFields): EventChange[] => {
  const changes: EventChange[] = [];
  if (text(before.title) !== text(after.title)) changes.push('title');
  if (
    instant(before.startsAt) !== instant(after.startsAt) ||
    instant(before.endsAt) !== instant(after.endsAt) ||
    before.timeZone !== after.timeZone
  )
    changes.push('time');
  if (venueText(before.venue) !== venueText(after.venue)) changes.push('place');
  // Registrants hold a personal link (/j/{code}) that always leads to the current join URL, so
  // editing the URL tells nobody anything; only its coming or going (online added, dropped) does.
  if (Boolean(text(before.joinUrl)) !== Boolean(text(after.joinUrl))) changes.push('joinUrl');
  return changes;
};
