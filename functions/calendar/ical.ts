import { TZDate } from '@date-fns/tz/date';
import ical, {
  type ICalAttendeeData,
  ICalAttendeeRole,
  ICalAttendeeStatus,
  type ICalCalendar,
  ICalCalendarMethod,
  type ICalEventData,
  ICalEventStatus,
} from 'ical-generator';
import type { EventRecord, Organiser } from '../events/model.js';
import { SHORT_DAY } from '../platform/dates.js';
import type { Language } from '../platform/fields.js';
import { addresseeName, type RegistrationRecord, registrantJoinUrl } from '../registrations/model.js';
import { calendarZone, isAmbiguousLocalTime, offsetAt, vtimezone } from './zones.js';

/**
 * Every iCalendar file we emit: the registrant's own invitation (REQUEST, or CANCEL), one
 * public event (PUBLISH) and an organiser's feed (PUBLISH), for the HTTP handlers and the
 * emails alike, so a calendar sees the same entry whichever way it arrives.
 *
 * Calendar apps match entries by UID and keep the one with the highest SEQUENCE (then the
 * latest DTSTAMP), so: one UID per event for its whole life, SEQUENCE from the event. DTSTAMP
 * is when the file or message is made (`now`), as RFC 5545 3.8.7.2 says for a file with a
 * METHOD; LAST-MODIFIED carries the last stored change. Everything but DTSTAMP is a function of
 * the stored state, so HTTP answers tag the body without it (functions/http/handler.ts).
 */

/** The feed keeps ended events this long, so a subscriber still sees last week's event. */
export const FEED_PAST_DAYS = 30;

/** Bump whenever the feed's rendering changes, so cached copies and ETags move with it. */
export const FEED_FORMAT = 3;
/** Asked of subscribing apps (REFRESH-INTERVAL / X-PUBLISHED-TTL); most poll less often anyway. */
const FEED_REFRESH_SECONDS = 3600;

/**
 * Not the public host: that changes when the pages move behind CloudFront, and a changed UID
 * is a duplicate entry in every calendar. Event ids are random, so this suffix only has to
 * say whose they are.
 */
const UID_DOMAIN = 'inscriptions.calendar';
const PRODID = { company: 'Inscriptions', product: 'Calendar', language: 'EN' } as const;

export const calendarUid = (event: EventRecord): string => `${event.id}@${UID_DOMAIN}`;

/** The events a feed lists: published or cancelled, not ended more than FEED_PAST_DAYS ago. */
export const feedEvents = (events: readonly EventRecord[], now: Date): EventRecord[] => {
  const since = new Date(now.getTime() - FEED_PAST_DAYS * 86_400_000).toISOString();
  return events.filter((event) => event.status !== 'draft' && event.endsAt >= since);
};

/** Either side's last change makes a newer invitation: a promotion changes what it says. */
export const inviteLastChange = (event: EventRecord, registration: RegistrationRecord): string =>
  // ISO instants in UTC sort as text.
  [event.updatedAt, registration.updatedAt].sort().at(-1) ?? event.updatedAt;

/**
 * The registrant's own copy: REQUEST with the organiser and exactly one attendee (them), or
 * CANCEL once the event or their registration is cancelled. The personal join link only once confirmed.
 */
export const personalInvite = (
  event: EventRecord,
  organiser: Organiser,
  registration: RegistrationRecord,
  /** The registration's page without its secret (registrationPageUrl): calendars are shared. */
  registrationUrl: string,
  now: Date,
  replyTo: InviteReplyTo,
  /** The registrant's personal join link (personalJoinUrl): never the event's join URL itself. */
  joinLink?: string,
): string => {
  const text = TEXT[registration.locale];
  const cancelled = event.status === 'cancelled' || registration.status === 'cancelled';
  const joinUrl = registrantJoinUrl(registration, event, joinLink);

  const notes: string[] = [];
  if (event.status === 'cancelled') notes.push(text.eventCancelled);
  else if (registration.status === 'cancelled') notes.push(text.registrationCancelled);
  else if (registration.status === 'waitlisted') notes.push(text.waitlisted);
  else if (registration.status === 'pending_confirmation') notes.push(text.pending);

  const calendar = newCalendar(cancelled ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.REQUEST, [event]);
  calendar.createEvent({
    ...eventFields(event, organiser, text),
    // The organiser's name, our address: Accept and Decline come back to us (docs/calendar.md).
    organizer: { name: organiser.name, email: replyTo.address },
    // Above every invitation or cancellation this address got for an earlier registration.
    sequence: event.sequence + (registration.sequenceOffset ?? 0),
    stamp: now,
    // What this copy says changes with the registration too (a promotion adds the join URL).
    lastModified: new Date(inviteLastChange(event, registration)),
    // RFC 5546 3.2.5: STATUS:CANCELLED cancels the whole event; a CANCEL that uninvites this
    // one attendee (their registration cancelled, the event still on) carries no STATUS.
    status:
      event.status === 'cancelled' ? ICalEventStatus.CANCELLED : cancelled ? null : ICalEventStatus.CONFIRMED,
    ...(joinUrl && event.format === 'online' ? { location: joinUrl } : {}),
    // The link a calendar shows to open: the personal join link, which works from 30 minutes before.
    ...(joinUrl ? { url: joinUrl } : {}),
    description: [
      ...notes,
      ...eventText(event, text),
      ...(joinUrl ? [`${text.join}${text.colon} ${joinUrl}`] : []),
      `${text.manage}${text.colon} ${registrationUrl}`,
    ].join('\n\n'),
    attendees: [attendee(registration, cancelled || !replyTo.read)],
  });
  return render(calendar);
};

/**
 * Where a personal invitation's answers go, never the organiser's mailbox (they would get one
 * email per click and nothing would change): the registration's own reply address when this
 * deployment receives mail (`read`), else our sending address, and then no answer is asked.
 */
export interface InviteReplyTo {
  address: string;
  read: boolean;
}

/** One event for anyone to import: no attendee, no join URL. */
export const publicEventFile = (
  event: EventRecord,
  organiser: Organiser,
  baseUrl: string,
  now: Date,
): string => {
  const calendar = newCalendar(ICalCalendarMethod.PUBLISH, [event]);
  calendar.createEvent(publicEntry(event, organiser, baseUrl, now));
  return render(calendar);
};

/** An organiser's feed for calendar subscriptions: no attendee data, ever. */
export const organiserFeed = (
  organiser: Organiser,
  events: readonly EventRecord[],
  now: Date,
  baseUrl: string,
): string => {
  const listed = feedEvents(events, now);
  const calendar = newCalendar(ICalCalendarMethod.PUBLISH, listed);
  calendar.name(textValue(organiser.name)).ttl(FEED_REFRESH_SECONDS);
  for (const event of listed) calendar.createEvent(publicEntry(event, organiser, baseUrl, now));
  return render(calendar);
};

const publicEntry = (event: EventRecord, organiser: Organiser, baseUrl: string, now: Date): ICalEventData => {
  const text = TEXT[event.language];
  const page = `${baseUrl}/events/${encodeURIComponent(event.id)}`;
  return {
    ...eventFields(event, organiser, text),
    stamp: now,
    status: event.status === 'cancelled' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    url: page,
    description: [
      ...(event.status === 'cancelled' ? [text.eventCancelled] : []),
      ...eventText(event, text),
      ...(event.format !== 'in_person' && event.status !== 'cancelled' ? [text.joinLater] : []),
      `${text.page}${text.colon} ${page}`,
    ].join('\n\n'),
  };
};

/** What every copy of an event shares: identity, times, place, organiser. */
const eventFields = (event: EventRecord, organiser: Organiser, text: Text) => {
  const [start, end] = [Date.parse(event.startsAt), Date.parse(event.endsAt)];
  const zone = calendarZone(event.timeZone);
  // Local times with the zone's VTIMEZONE when they say exactly when; else plain UTC times.
  const local = zone && !isAmbiguousLocalTime(start, zone) && !isAmbiguousLocalTime(end, zone) ? zone : null;
  // A TZDate gives ical-generator the wall clock in the zone from zones.ts's own offsets; a plain
  // Date would be read in the server's zone.
  const at = (ms: number) => (local ? new TZDate(ms, local) : new Date(ms));
  return {
    id: calendarUid(event),
    sequence: event.sequence,
    start: at(start),
    end: at(end),
    timezone: local,
    summary: event.status === 'cancelled' ? `${text.cancelledPrefix}${event.title}` : event.title,
    location: placeOf(event, text),
    // ical-generator quotes CN and encodes ^, " and newlines in it as RFC 6868 says.
    organizer: { name: organiser.name, email: organiser.replyTo },
    created: new Date(event.createdAt),
    lastModified: new Date(event.updatedAt),
  } satisfies Partial<ICalEventData>;
};

const attendee = (registration: RegistrationRecord, noAnswer: boolean): ICalAttendeeData => ({
  // The calendar entry shows it: only once the mailbox is proven, like in the emails.
  ...(addresseeName(registration) ? { name: registration.name } : {}),
  email: registration.email,
  role: ICalAttendeeRole.REQ,
  // A cancellation asks for no answer, nor does an invitation whose answers no one reads.
  ...(noAnswer ? {} : { status: ICalAttendeeStatus.NEEDSACTION, rsvp: true }),
});

const eventText = (event: EventRecord, text: Text): string[] => {
  const parts = [event.summary, event.description].filter((part) => part.trim() !== '');
  if (event.agenda.length > 0) {
    // `YYYY-MM-DDTHH:MM` on the event's wall clock.
    const wallClock = (instant: string) => {
      const ms = Date.parse(instant);
      return new Date(ms + offsetAt(event.timeZone, ms) * 60_000).toISOString().slice(0, 16);
    };
    // Over several days, each line says its day ("mar. 12 mai 09:00–10:00 …"): times alone
    // would put day 2 on day 1. The end's day is its last minute's, so 00:00 opens no day.
    const lastMinute = new Date(Date.parse(event.endsAt) - 60_000).toISOString();
    const multiDay = wallClock(event.startsAt).slice(0, 10) !== wallClock(lastMinute).slice(0, 10);
    const day = new Intl.DateTimeFormat(text.locale, { ...SHORT_DAY, timeZone: 'UTC' });
    const lines = event.agenda.map((item) => {
      const [start, end] = [wallClock(item.startsAt), item.endsAt ? wallClock(item.endsAt) : undefined];
      const time = end ? `${start.slice(11)}–${end.slice(11)}` : start.slice(11);
      const date = multiDay ? `${day.format(new Date(`${start.slice(0, 10)}T12:00:00Z`))} ` : '';
      const speakers = item.speakers.length > 0 ? ` (${item.speakers.join(', ')})` : '';
      return `${date}${time} ${item.title}${speakers}`;
    });
    parts.push([`${text.programme} (${event.timeZone})${text.colon}`, ...lines].join('\n'));
  }
  return parts;
};

const placeOf = (event: EventRecord, text: Text): string => {
  if (event.venue)
    return [event.venue.name, event.venue.address, event.venue.city].filter(Boolean).join(', ');
  return event.format === 'in_person' ? '' : text.online;
};

/**
 * Each zone's VTIMEZONE covers the UTC years of the calendar's events, from the year before the
 * first start (so every local time follows an observance's onset) to the year of the last end.
 */
const newCalendar = (method: ICalCalendarMethod, events: readonly EventRecord[]): ICalCalendar => {
  const year = (instant: string) => Number(instant.slice(0, 4));
  const firstYear = Math.min(...events.map((event) => year(event.startsAt))) - 1;
  const lastYear = Math.max(...events.map((event) => year(event.endsAt)));
  return ical({ prodId: PRODID, method }).timezone({
    name: null,
    generator: (tzid) => vtimezone(tzid, firstYear, lastYear),
  });
};

/**
 * A TEXT value (RFC 5545 3.3.11): backslash, semicolon and comma escaped, line breaks as `\n`.
 * For the calendar's name (NAME, X-WR-CALNAME), which ical-generator writes as given: a line
 * break there would end the line and break the file.
 */
const textValue = (value: string): string =>
  value.replace(/[\\;,]/g, (match) => `\\${match}`).replace(/\r\n|\r|\n/g, '\\n');

/** RFC 5545 ends every content line with CRLF, the last one too. */
const render = (calendar: ICalCalendar): string => `${calendar.toString()}\r\n`;

type Text = (typeof TEXT)[Language];

const TEXT = {
  fr: {
    locale: 'fr-FR',
    colon: ' :',
    cancelledPrefix: 'Annulé : ',
    eventCancelled: 'Cet événement est annulé.',
    registrationCancelled: 'Votre inscription est annulée.',
    waitlisted: "Vous êtes sur liste d'attente : nous vous écrirons si une place se libère.",
    pending: 'Confirmez votre inscription depuis le courriel reçu pour garder votre place.',
    online: 'En ligne',
    joinLater: 'Le lien de connexion est envoyé aux inscrits.',
    join: 'Rejoindre en ligne',
    manage: 'Votre inscription (le lien pour la gérer vous est envoyé par e-mail)',
    page: "Page de l'événement",
    programme: 'Programme',
  },
  en: {
    locale: 'en-GB',
    colon: ':',
    cancelledPrefix: 'Cancelled: ',
    eventCancelled: 'This event has been cancelled.',
    registrationCancelled: 'Your registration has been cancelled.',
    waitlisted: 'You are on the waiting list: we will write to you if a seat frees up.',
    pending: 'Confirm your registration from the email you received to keep your seat.',
    online: 'Online',
    joinLater: 'The joining link is sent to registered attendees.',
    join: 'Join online',
    manage: 'Your registration (the link to manage it is sent to you by email)',
    page: 'Event page',
    programme: 'Programme',
  },
} as const;
