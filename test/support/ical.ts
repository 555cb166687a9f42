import ICAL from 'ical.js';
import { convertIcsCalendar } from 'ts-ics';
import { expect } from 'vitest';

/**
 * Reading our iCalendar output the way Thunderbird does: Mozilla's ical.js, with each local
 * time resolved through the VTIMEZONE of the same file only (ical.js has no zone data of its
 * own), so a wrong or missing VTIMEZONE shows as a wrong instant.
 */

export interface ParsedFile {
  root: ICAL.Component;
  method: string;
  events: ICAL.Component[];
}

export const parseIcs = (text: string): ParsedFile => {
  expect(text.endsWith('\r\n'), 'every content line ends with CRLF').toBe(true);
  const root = new ICAL.Component(ICAL.parse(text));
  expect(root.name).toBe('vcalendar');
  return {
    root,
    method: String(root.getFirstPropertyValue('method')),
    events: root.getAllSubcomponents('vevent'),
  };
};

const value = (component: ICAL.Component, name: string): string | undefined => {
  const found = component.getFirstPropertyValue(name);
  return found === null || found === undefined ? undefined : String(found);
};

/** The UTC instant (ISO, ms) a DTSTART/DTEND/DTSTAMP means. */
export const instantOf = (file: ParsedFile, vevent: ICAL.Component, name: string): string => {
  const property = vevent.getFirstProperty(name);
  expect(property, name).toBeTruthy();
  const tzid = property?.getParameter('tzid');
  ICAL.TimezoneService.reset();
  for (const vtimezone of file.root.getAllSubcomponents('vtimezone'))
    ICAL.TimezoneService.register(vtimezone);
  const time = property?.getFirstValue() as ICAL.Time;
  // A time that is neither UTC nor tied to a VTIMEZONE would be read in the reader's own zone.
  if (tzid) expect(time.zone?.tzid, `${name} reads through its VTIMEZONE`).toBe(tzid);
  else expect(time.zone, `${name} is UTC`).toBe(ICAL.Timezone.utcTimezone);
  return time.toJSDate().toISOString();
};

/** The checks every file we emit must pass, whatever its method (RFC 5545 and RFC 5546). */
export const expectWellFormed = (file: ParsedFile): void => {
  const { root, events } = file;
  expect(value(root, 'version')).toBe('2.0');
  expect(value(root, 'prodid')).toBeTruthy();
  expect(['REQUEST', 'CANCEL', 'PUBLISH']).toContain(file.method);

  const vtimezones = new Set(root.getAllSubcomponents('vtimezone').map((vtz) => value(vtz, 'tzid')));
  for (const vevent of events) {
    for (const name of ['uid', 'dtstamp', 'sequence', 'summary'])
      expect(value(vevent, name), name).toBeDefined();
    // DTSTAMP is always UTC (RFC 5545 3.8.7.2).
    expect(vevent.getFirstProperty('dtstamp')?.getParameter('tzid')).toBeUndefined();
    expect(instantOf(file, vevent, 'dtstamp')).toMatch(/Z$/);
    // DTSTART is required by PUBLISH and REQUEST (and we send it on CANCEL too).
    expect(value(vevent, 'dtstart'), 'dtstart').toBeDefined();
    expect(value(vevent, 'organizer'), 'organizer').toMatch(/^mailto:/i);
    for (const property of vevent.getAllProperties()) {
      const tzid = property.getParameter('tzid');
      if (typeof tzid === 'string') expect(vtimezones.has(tzid), `VTIMEZONE for ${tzid}`).toBe(true);
    }
  }
  const attendees = events.flatMap((vevent) => vevent.getAllProperties('attendee'));
  if (file.method === 'PUBLISH') expect(attendees).toHaveLength(0);
  if (file.method === 'REQUEST' || file.method === 'CANCEL') {
    expect(events).toHaveLength(1);
    expect(attendees.length).toBeGreaterThan(0);
  }
  // RFC 5546 3.2.5: STATUS:CANCELLED when the whole event is, none when one attendee is uninvited.
  if (file.method === 'CANCEL')
    for (const vevent of events) expect([undefined, 'CANCELLED']).toContain(value(vevent, 'status'));
};

export const only = (file: ParsedFile): ICAL.Component => {
  expect(file.events).toHaveLength(1);
  return file.events[0] as ICAL.Component;
};

export const text = (vevent: ICAL.Component, name: string): string => value(vevent, name) ?? '';

export const sequenceOf = (vevent: ICAL.Component): number =>
  Number(vevent.getFirstPropertyValue('sequence'));

/**
 * What a calendar app takes from a file, read by two independent parsers: Mozilla's ical.js
 * and ts-ics (its own line, parameter, RRULE and VTIMEZONE code; it resolves a TZID through the
 * file's VTIMEZONE first, like ical.js). Each RFC point is checked on both readings.
 */
export interface Reading {
  method: string;
  events: {
    uid: string;
    sequence: number;
    /** Absent when the file has no STATUS. */
    status?: string;
    /** ISO instants (ms). */
    dtstamp: string;
    lastModified?: string;
    start: string;
    end?: string;
    organizer?: { name?: string; email: string };
    attendees: { name?: string; email: string }[];
  }[];
}

const mailto = (address: unknown): string =>
  String(address)
    .replace(/^mailto:/i, '')
    .toLowerCase();
const nameOf = (name: unknown): { name?: string } =>
  typeof name === 'string' && name !== '' ? { name } : {};

export const readWithIcalJs = (ics: string): Reading => {
  const file = parseIcs(ics);
  return {
    method: file.method,
    events: file.events.map((vevent) => {
      const organizer = vevent.getFirstProperty('organizer');
      const status = value(vevent, 'status');
      const lastModified = vevent.getFirstProperty('last-modified');
      return {
        uid: text(vevent, 'uid'),
        sequence: sequenceOf(vevent),
        ...(status ? { status } : {}),
        dtstamp: instantOf(file, vevent, 'dtstamp'),
        ...(lastModified ? { lastModified: instantOf(file, vevent, 'last-modified') } : {}),
        start: instantOf(file, vevent, 'dtstart'),
        ...(vevent.getFirstProperty('dtend') ? { end: instantOf(file, vevent, 'dtend') } : {}),
        ...(organizer
          ? {
              organizer: {
                ...nameOf(organizer.getParameter('cn')),
                email: mailto(organizer.getFirstValue()),
              },
            }
          : {}),
        attendees: vevent.getAllProperties('attendee').map((attendee) => ({
          ...nameOf(attendee.getParameter('cn')),
          email: mailto(attendee.getFirstValue()),
        })),
      };
    }),
  };
};

/**
 * ts-ics keeps RFC 6868 escapes as they are in the file, so its parameter values are decoded
 * here (`^^` `^'` `^n`, in one pass so `^^n` stays a caret and an n).
 */
const rfc6868 = (raw: string | undefined): string | undefined =>
  raw?.replace(/\^(\^|'|n)/g, (_, c: string) => (c === '^' ? '^' : c === "'" ? '"' : '\n'));

export const readWithTsIcs = (ics: string): Reading => {
  const calendar = convertIcsCalendar(undefined, ics);
  const iso = (date: { date: Date } | null | undefined) => date?.date.toISOString();
  return {
    method: String(calendar.method),
    events: (calendar.events ?? []).map((event) => {
      const end = 'end' in event ? iso(event.end) : undefined;
      const lastModified = iso(event.lastModified);
      return {
        uid: event.uid,
        sequence: Number(event.sequence),
        ...(event.status ? { status: event.status } : {}),
        dtstamp: iso(event.stamp) ?? '',
        ...(lastModified ? { lastModified } : {}),
        start: iso(event.start) ?? '',
        ...(end ? { end } : {}),
        ...(event.organizer
          ? { organizer: { ...nameOf(rfc6868(event.organizer.name)), email: mailto(event.organizer.email) } }
          : {}),
        attendees: (event.attendees ?? []).map((attendee) => ({
          ...nameOf(rfc6868(attendee.name)),
          email: mailto(attendee.email),
        })),
      };
    }),
  };
};

/** The same file through both parsers, by name, for `for (const [parser, reading] of ...)`. */
export const readings = (ics: string): [string, Reading][] => [
  ['ical.js', readWithIcalJs(ics)],
  ['ts-ics', readWithTsIcs(ics)],
];
