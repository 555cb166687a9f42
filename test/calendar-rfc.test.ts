/**
 * RFC points of the calendar files themselves, on the generating functions (no HTTP, no
 * table): each read back by ical.js and by ts-ics. The HTTP side (media type, HEAD, DTSTAMP of
 * a download) is in calendar.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { organiserFeed, personalInvite, publicEventFile } from '../functions/calendar/ical.js';
import { type EventRecord, newEventRecord, type Organiser, publish } from '../functions/events/model.js';
import { eventCreateInput } from '../functions/events/schemas.js';
import type { RegistrationRecord } from '../functions/registrations/model.js';
import { readings } from './support/ical.js';

const created = new Date('2026-01-05T09:00:00.000Z');
const organiser: Organiser = { id: 'rfc', name: 'RFC Organiser', replyTo: 'contact@rfc.example' };
const MANAGE = 'https://example.test/manage#token=t';
/** The registration's reply address (functions/inbound/reply-address.ts): ORGANIZER of its invitation. */
const REPLY_TO = { address: 'rsvp+0a1b.0123456789abcdef@replies.example', read: true };
/** When the files are made: months after the event's last change. */
const NOW = new Date('2026-03-01T12:34:56.000Z');

const event = (fields: Record<string, unknown> = {}): EventRecord =>
  publish(
    newEventRecord(
      eventCreateInput.parse({
        title: 'RFC',
        format: 'online',
        joinUrl: 'https://meet.example/rfc',
        startsAt: '2026-06-10T17:00:00.000Z',
        endsAt: '2026-06-10T19:00:00.000Z',
        timeZone: 'Europe/Paris',
        ...fields,
      }),
      { id: 'evt-rfc', organiserId: organiser.id, organiserName: organiser.name },
      created,
    ),
    created,
  );

const registration = (fields: Partial<RegistrationRecord> = {}): RegistrationRecord => ({
  id: 'reg-rfc',
  eventId: 'evt-rfc',
  shard: 0,
  emailKey: 'key',
  name: 'Ada Lovelace',
  email: 'ada@example.com',
  answers: {},
  locale: 'en',
  status: 'confirmed',
  tokenHashes: [],
  tokenSealed: '',
  consentAt: created.toISOString(),
  // The name goes into the invitation only once the mailbox is proven.
  mailboxProvenAt: created.toISOString(),
  createdAt: created.toISOString(),
  updatedAt: created.toISOString(),
  ...fields,
});

describe('parameter values (RFC 6868)', () => {
  // A caret, double quotes, a newline, and the sequences RFC 6868 itself uses.
  const awkward = 'Les "Amis" ^ du\nCafé ^n ^\'';

  it('carry ^, " and newlines in names as ^^, ^\' and ^n, and both parsers give the name back', () => {
    const files = [
      personalInvite(
        event(),
        { ...organiser, name: awkward },
        registration({ name: awkward }),
        MANAGE,
        NOW,
        REPLY_TO,
      ),
      publicEventFile(event(), { ...organiser, name: awkward }, 'https://example.test', NOW),
    ];
    for (const ics of files) {
      // Quoted once, encoded inside (lines unfolded first): nothing broke out of the quotes.
      expect(ics.replace(/\r\n[ \t]/g, '')).toContain(`CN="Les ^'Amis^' ^^ du^nCafé ^^n ^^'"`);
      for (const [parser, reading] of readings(ics)) {
        const [vevent] = reading.events;
        // The organiser's name on both; the personal invitation's answers go to its reply address.
        const email = ics.includes('METHOD:PUBLISH') ? organiser.replyTo : REPLY_TO.address;
        expect(vevent?.organizer, parser).toEqual({ name: awkward, email });
        for (const attendee of vevent?.attendees ?? [])
          expect(attendee, parser).toEqual({ name: awkward, email: 'ada@example.com' });
      }
    }
  });
});

describe('text values (RFC 5545 3.3.11)', () => {
  it("write the feed's name on one line, its commas, semicolons and line breaks escaped", () => {
    const name = 'Café, Bar; Club\\\nSecond line';
    const ics = organiserFeed({ ...organiser, name }, [event()], NOW, 'https://example.test');
    expect(ics.split('\r\n').filter((line) => /^(NAME|X-WR-CALNAME):/.test(line))).toEqual([
      'NAME:Café\\, Bar\\; Club\\\\\\nSecond line',
      'X-WR-CALNAME:Café\\, Bar\\; Club\\\\\\nSecond line',
    ]);
    // Neither parser unescapes these (NAME is RFC 7986's, X-WR-CALNAME Apple's): both read the file.
    for (const [parser, reading] of readings(ics)) expect(reading.events, parser).toHaveLength(1);
  });
});

describe('DTSTAMP (RFC 5545 3.8.7.2)', () => {
  it('is when the file is made; LAST-MODIFIED keeps the last stored change', () => {
    const changed = { ...event(), updatedAt: '2026-02-01T08:00:00.000Z' };
    const promoted = registration({ updatedAt: '2026-02-10T10:00:00.000Z' });
    const files: [string, string, string][] = [
      // The invitation changes with the registration too: its later change.
      ['invite', personalInvite(changed, organiser, promoted, MANAGE, NOW, REPLY_TO), promoted.updatedAt],
      ['public file', publicEventFile(changed, organiser, 'https://example.test', NOW), changed.updatedAt],
      ['feed', organiserFeed(organiser, [changed], NOW, 'https://example.test'), changed.updatedAt],
    ];
    for (const [label, ics, lastChange] of files) {
      for (const [parser, reading] of readings(ics)) {
        const [vevent] = reading.events;
        expect(vevent?.dtstamp, `${label}, ${parser}`).toBe(NOW.toISOString());
        expect(vevent?.lastModified, `${label}, ${parser}`).toBe(lastChange);
      }
    }
  });
});

describe('CANCEL (RFC 5546 3.2.5)', () => {
  it('has no STATUS when one registration is cancelled and the event is still on', () => {
    const ics = personalInvite(
      event(),
      organiser,
      registration({ status: 'cancelled' }),
      MANAGE,
      NOW,
      REPLY_TO,
    );
    for (const [parser, reading] of readings(ics)) {
      expect(reading.method, parser).toBe('CANCEL');
      expect(reading.events[0]?.status, parser).toBeUndefined();
      // Still addressed to that one attendee, who is the one uninvited.
      expect(
        reading.events[0]?.attendees.map((attendee) => attendee.email),
        parser,
      ).toEqual(['ada@example.com']);
    }
  });

  it('has STATUS:CANCELLED when the whole event is cancelled, whatever the registration', () => {
    const cancelled = { ...event(), status: 'cancelled' as const, sequence: 1 };
    for (const status of ['confirmed', 'cancelled'] as const) {
      const ics = personalInvite(cancelled, organiser, registration({ status }), MANAGE, NOW, REPLY_TO);
      for (const [parser, reading] of readings(ics)) {
        expect(reading.method, `${status}, ${parser}`).toBe('CANCEL');
        expect(reading.events[0]?.status, `${status}, ${parser}`).toBe('CANCELLED');
      }
    }
  });
});
