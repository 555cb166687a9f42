/**
 * Child-process script for test/calendar-tz.test.ts: prints, as JSON, every kind of calendar
 * file for events on both sides of the 2026 Paris daylight-saving changes, as built in a
 * process whose own zone is whatever `TZ` says.
 */
import { organiserFeed, personalInvite, publicEventFile } from '../../functions/calendar/ical.js';
import { type EventRecord, newEventRecord, publish } from '../../functions/events/model.js';
import { eventCreateInput } from '../../functions/events/schemas.js';
import type { RegistrationRecord } from '../../functions/registrations/model.js';

const DST_EVENTS = {
  // Clocks go forward at 02:00 on Sunday 29 March 2026 (CET +01:00 -> CEST +02:00).
  'before-spring': ['2026-03-27T19:00:00+01:00', '2026-03-27T21:00:00+01:00'],
  'across-spring': ['2026-03-29T01:30:00+01:00', '2026-03-29T03:30:00+02:00'],
  'after-spring': ['2026-03-30T19:00:00+02:00', '2026-03-30T21:00:00+02:00'],
  // Clocks go back at 03:00 on Sunday 25 October 2026; 02:00-03:00 happens twice.
  'before-autumn': ['2026-10-23T19:00:00+02:00', '2026-10-23T21:00:00+02:00'],
  'across-autumn': ['2026-10-25T02:30:00+02:00', '2026-10-25T02:30:00+01:00'],
  'after-autumn': ['2026-10-26T19:00:00+01:00', '2026-10-26T21:00:00+01:00'],
} as const;

const at = new Date('2026-01-05T09:00:00.000Z');
const organiser = { id: 'dst', name: 'DST Organiser', replyTo: 'contact@dst.example' };

const events: EventRecord[] = Object.entries(DST_EVENTS).map(([id, [startsAt, endsAt]]) =>
  publish(
    newEventRecord(
      eventCreateInput.parse({
        title: id,
        format: 'online',
        joinUrl: 'https://meet.example/dst',
        startsAt,
        endsAt,
        timeZone: 'Europe/Paris',
        agenda: [{ startsAt, title: 'Start' }],
      }),
      { id, organiserId: organiser.id, organiserName: organiser.name },
      at,
    ),
    at,
  ),
);

const registration = (eventId: string): RegistrationRecord => ({
  id: `reg-${eventId}`,
  eventId,
  shard: 0,
  emailKey: 'key',
  name: 'Ada Lovelace',
  email: 'ada@example.com',
  answers: {},
  locale: 'fr',
  status: 'confirmed',
  tokenHashes: [],
  tokenSealed: '',
  consentAt: at.toISOString(),
  createdAt: at.toISOString(),
  updatedAt: at.toISOString(),
});

const files = {
  invites: Object.fromEntries(
    events.map((event) => [
      event.id,
      personalInvite(event, organiser, registration(event.id), 'https://example.test/manage#token=t', at, {
        address: 'rsvp+0a1b.0123456789abcdef@replies.example',
        read: true,
      }),
    ]),
  ),
  publicFiles: Object.fromEntries(
    events.map((event) => [event.id, publicEventFile(event, organiser, 'https://example.test', at)]),
  ),
  feed: organiserFeed(organiser, events, at, 'https://example.test'),
};

process.stdout.write(
  JSON.stringify({
    processZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    januaryOffsetMinutes: at.getTimezoneOffset(),
    stored: Object.fromEntries(events.map((event) => [event.id, [event.startsAt, event.endsAt]])),
    files,
  }),
);
