import ICAL from 'ical.js';
import PostalMime from 'postal-mime';

/**
 * A received email read as a calendar answer: its recipients and the iTIP messages it carries.
 * The MIME is read by postal-mime (any nesting of multipart, base64 or quoted-printable), the
 * iCalendar by ical.js. Hostile input only ever gives `undefined` or an empty list.
 */

/** One VEVENT answer of a REPLY: who answered what, to which invitation, when. */
export interface CalendarAnswer {
  method: string;
  uid: string;
  /** Every ATTENDEE of the VEVENT with its PARTSTAT, addresses lower-cased without `mailto:`. */
  attendees: { address: string; partstat: string }[];
  sequence: number;
  /** DTSTAMP, ISO in UTC; undefined when missing or unreadable. */
  stamp: string | undefined;
}

export interface ReceivedMail {
  /** To, Cc and Delivered-To of the message, lower-cased (SES gives the envelope instead). */
  recipients: string[];
  answers: CalendarAnswer[];
}

/** Far above any calendar answer (Outlook's with its HTML body is some tens of KB). */
export const MAX_INBOUND_BYTES = 256 * 1024;

const CALENDAR_TYPES = new Set(['text/calendar', 'application/ics']);

export const readMail = async (raw: Buffer): Promise<ReceivedMail | undefined> => {
  if (raw.length === 0 || raw.length > MAX_INBOUND_BYTES) return undefined;
  let email: Awaited<ReturnType<typeof PostalMime.parse>>;
  try {
    email = await PostalMime.parse(raw);
  } catch {
    return undefined;
  }
  const addresses = [...(email.to ?? []), ...(email.cc ?? [])].flatMap((entry) =>
    'group' in entry && entry.group ? entry.group : [entry],
  );
  const delivered = email.headers
    .filter((header) => header.key === 'delivered-to' || header.key === 'x-original-to')
    .map((header) => header.value);
  const recipients = [
    ...addresses.map((entry) => ('address' in entry ? (entry.address ?? '') : '')),
    ...delivered,
  ]
    .map((address) => address.trim().toLowerCase())
    .filter(Boolean);

  const calendars = email.attachments.filter(
    (part) => CALENDAR_TYPES.has(part.mimeType.toLowerCase()) || /\.ics$/i.test(part.filename ?? ''),
  );
  const answers = calendars.flatMap((part) =>
    readCalendar(
      typeof part.content === 'string' ? part.content : new TextDecoder().decode(part.content as ArrayBuffer),
    ),
  );
  return { recipients: [...new Set(recipients)], answers };
};

export const readCalendar = (text: string): CalendarAnswer[] => {
  try {
    const calendar = new ICAL.Component(ICAL.parse(text));
    if (calendar.name !== 'vcalendar') return [];
    const method = String(calendar.getFirstPropertyValue('method') ?? '').toUpperCase();
    return calendar.getAllSubcomponents('vevent').map((vevent) => {
      const stamp = vevent.getFirstPropertyValue('dtstamp');
      const sequence = Number(vevent.getFirstPropertyValue('sequence') ?? 0);
      return {
        method,
        uid: String(vevent.getFirstPropertyValue('uid') ?? ''),
        attendees: vevent.getAllProperties('attendee').map((attendee) => ({
          address: String(attendee.getFirstValue() ?? '')
            .replace(/^mailto:/i, '')
            .trim()
            .toLowerCase(),
          partstat: String(attendee.getParameter('partstat') ?? '').toUpperCase(),
        })),
        sequence: Number.isSafeInteger(sequence) && sequence >= 0 ? sequence : 0,
        stamp: instant(stamp),
      };
    });
  } catch {
    return [];
  }
};

const instant = (value: unknown): string | undefined => {
  if (!(value instanceof ICAL.Time)) return undefined;
  const ms = value.toJSDate().getTime();
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
};
