import type { EventRecord, Organiser } from '../events/model.js';
import { SHORT_DAY } from '../platform/dates.js';
import type { Language } from '../platform/fields.js';
import { addresseeName, type RegistrationRecord, registrantJoinUrl } from '../registrations/model.js';
import { contentLines, quoted, text as textValue, utcTime } from './content-lines.js';
import { calendarZone, isAmbiguousLocalTime, localTime, offsetAt, vtimezone } from './zones.js';

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

  const fields = eventFields(event, organiser, text);
  const entry: Entry = {
    ...fields,
    // The organiser's name, our address: Accept and Decline come back to us (docs/calendar.md).
    organizer: { name: organiser.name, email: replyTo.address },
    // Above every invitation or cancellation this address got for an earlier registration.
    sequence: event.sequence + (registration.sequenceOffset ?? 0),
    stamp: now,
    // What this copy says changes with the registration too (a promotion adds the join URL).
    lastModified: inviteLastChange(event, registration),
    // RFC 5546 3.2.5: STATUS:CANCELLED cancels the whole event; a CANCEL that uninvites this
    // one attendee (their registration cancelled, the event still on) carries no STATUS.
    status: event.status === 'cancelled' ? 'CANCELLED' : cancelled ? null : 'CONFIRMED',
    location: joinUrl && event.format === 'online' ? joinUrl : fields.location,
    // The link a calendar shows to open: the personal join link, which works from 30 minutes before.
    ...(joinUrl ? { url: joinUrl } : {}),
    description: [
      ...notes,
      ...eventText(event, text),
      ...(joinUrl ? [`${text.join}${text.colon} ${joinUrl}`] : []),
      `${text.manage}${text.colon} ${registrationUrl}`,
    ].join('\n\n'),
    attendee: attendee(registration, cancelled || !replyTo.read),
  };
  return calendarFile(cancelled ? 'CANCEL' : 'REQUEST', [entry]);
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
): string => calendarFile('PUBLISH', [publicEntry(event, organiser, baseUrl, now)]);

/** An organiser's feed for calendar subscriptions: no attendee data, ever. */
export const organiserFeed = (
  organiser: Organiser,
  events: readonly EventRecord[],
  now: Date,
  baseUrl: string,
): string =>
  calendarFile(
    'PUBLISH',
    feedEvents(events, now).map((event) => publicEntry(event, organiser, baseUrl, now)),
    organiser.name,
  );

const publicEntry = (event: EventRecord, organiser: Organiser, baseUrl: string, now: Date): Entry => {
  const text = TEXT[event.language];
  const page = `${baseUrl}/events/${encodeURIComponent(event.id)}`;
  return {
    ...eventFields(event, organiser, text),
    stamp: now,
    status: event.status === 'cancelled' ? 'CANCELLED' : 'CONFIRMED',
    url: page,
    description: [
      ...(event.status === 'cancelled' ? [text.eventCancelled] : []),
      ...eventText(event, text),
      ...(event.format !== 'in_person' && event.status !== 'cancelled' ? [text.joinLater] : []),
      `${text.page}${text.colon} ${page}`,
    ].join('\n\n'),
  };
};

/** One VEVENT's values, before they are written. */
interface Entry {
  uid: string;
  sequence: number;
  stamp: Date;
  /** Instants (ms). */
  start: number;
  end: number;
  /** The zone whose local times DTSTART and DTEND say (its VTIMEZONE in the file); null: UTC times. */
  zone: string | null;
  summary: string;
  /** Empty: no LOCATION. */
  location: string;
  description: string;
  organizer: { name: string; email: string };
  /** The one ATTENDEE line of a personal invitation. */
  attendee?: string;
  url?: string;
  /** Null: no STATUS (personalInvite says when). */
  status: 'CONFIRMED' | 'CANCELLED' | null;
  /** ISO instants. */
  created: string;
  lastModified: string;
}

/** What every copy of an event shares: identity, times, place, organiser. */
const eventFields = (event: EventRecord, organiser: Organiser, text: Text) => {
  const [start, end] = [Date.parse(event.startsAt), Date.parse(event.endsAt)];
  const zone = calendarZone(event.timeZone);
  return {
    uid: calendarUid(event),
    sequence: event.sequence,
    start,
    end,
    // Local times with the zone's VTIMEZONE when they say exactly when; else plain UTC times.
    zone: zone && !isAmbiguousLocalTime(start, zone) && !isAmbiguousLocalTime(end, zone) ? zone : null,
    summary: event.status === 'cancelled' ? `${text.cancelledPrefix}${event.title}` : event.title,
    location: placeOf(event, text),
    organizer: { name: organiser.name, email: organiser.replyTo },
    created: event.createdAt,
    lastModified: event.updatedAt,
  } satisfies Partial<Entry>;
};

const attendee = (registration: RegistrationRecord, noAnswer: boolean): string =>
  [
    'ATTENDEE;ROLE=REQ-PARTICIPANT',
    // A cancellation asks for no answer, nor does an invitation whose answers no one reads.
    ...(noAnswer ? [] : [';PARTSTAT=NEEDS-ACTION;RSVP=TRUE']),
    // The calendar entry shows it: only once the mailbox is proven, like in the emails.
    ...(addresseeName(registration) ? [`;CN=${quoted(registration.name)}`] : []),
    `:MAILTO:${textValue(registration.email)}`,
  ].join('');

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

const PRODID = '-//Inscriptions//Calendar//EN';
/** FEED_REFRESH_SECONDS as an iCalendar duration. */
const FEED_REFRESH = `PT${FEED_REFRESH_SECONDS / 3600}H`;

/** A date-time in the entry's zone (`DTSTART;TZID=Europe/Paris:20260512T090000`), or in UTC. */
const dateTime = (name: string, ms: number, zone: string | null): string =>
  zone ? `${name};TZID=${zone}:${localTime(ms, offsetAt(zone, ms))}` : `${name}:${utcTime(ms)}`;

const vevent = (entry: Entry): string[] => [
  'BEGIN:VEVENT',
  `UID:${entry.uid}`,
  `SEQUENCE:${entry.sequence}`,
  `DTSTAMP:${utcTime(entry.stamp.getTime())}`,
  dateTime('DTSTART', entry.start, entry.zone),
  dateTime('DTEND', entry.end, entry.zone),
  `SUMMARY:${textValue(entry.summary)}`,
  ...(entry.location ? [`LOCATION:${textValue(entry.location)}`] : []),
  `DESCRIPTION:${textValue(entry.description)}`,
  // CN quoted, with ^, " and line breaks encoded as RFC 6868 says.
  `ORGANIZER;CN=${quoted(entry.organizer.name)}:mailto:${textValue(entry.organizer.email)}`,
  ...(entry.attendee ? [entry.attendee] : []),
  ...(entry.url ? [`URL;VALUE=URI:${textValue(entry.url)}`] : []),
  ...(entry.status ? [`STATUS:${entry.status}`] : []),
  `CREATED:${utcTime(Date.parse(entry.created))}`,
  `LAST-MODIFIED:${utcTime(Date.parse(entry.lastModified))}`,
  'END:VEVENT',
];

/**
 * The whole file, with one VTIMEZONE per zone its entries use. Each covers the UTC years of all
 * its entries, from the year before the first start (so every local time follows an
 * observance's onset) to the year of the last end. A feed has a name and asks for a refresh
 * interval.
 */
const calendarFile = (method: 'REQUEST' | 'CANCEL' | 'PUBLISH', entries: Entry[], feedName?: string) => {
  const year = (ms: number) => new Date(ms).getUTCFullYear();
  const firstYear = Math.min(...entries.map((entry) => year(entry.start))) - 1;
  const lastYear = Math.max(...entries.map((entry) => year(entry.end)));
  const zones = new Set(entries.flatMap((entry) => (entry.zone ? [entry.zone] : [])));
  return contentLines([
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    `PRODID:${PRODID}`,
    `METHOD:${method}`,
    ...(feedName ? [`NAME:${textValue(feedName)}`, `X-WR-CALNAME:${textValue(feedName)}`] : []),
    ...[...zones].flatMap((zone) => vtimezone(zone, firstYear, lastYear)),
    ...(feedName
      ? [`REFRESH-INTERVAL;VALUE=DURATION:${FEED_REFRESH}`, `X-PUBLISHED-TTL:${FEED_REFRESH}`]
      : []),
    ...entries.flatMap(vevent),
    'END:VCALENDAR',
  ]);
};

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
