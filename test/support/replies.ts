/**
 * Calendar answers as the three big calendars send them, byte for byte in their shapes (from
 * replies seen in the wild): the iTIP REPLY (RFC 5546) in a MIME message (RFC 2045-2049).
 *
 * - Google Calendar: multipart/mixed around multipart/alternative (text/plain, text/html,
 *   `text/calendar; method=REPLY` in 7bit), plus the same file as an `application/ics`
 *   attachment `invite.ics` in base64; ATTENDEE with CUTYPE, ROLE, X-NUM-GUESTS.
 * - Outlook / Exchange: multipart/alternative, text/plain in quoted-printable, the calendar part
 *   `text/calendar; charset="utf-8"; method=REPLY` in base64 wrapped at 76; the attendee's
 *   address as the user typed it (mixed case), PRODID Microsoft Exchange Server.
 * - Apple Calendar: multipart/mixed, text/plain then the calendar as an attachment
 *   `iCal-….ics`, `text/calendar; method=REPLY` in quoted-printable; ATTENDEE with EMAIL= and a
 *   quoted CN, folded lines.
 */

export type CalendarApp = 'google' | 'outlook' | 'apple';

export interface ReplyFields {
  /** The address the reply is sent to (the invitation's ORGANIZER). */
  to: string;
  /** The attendee who answers. */
  attendee: string;
  uid: string;
  partstat: 'ACCEPTED' | 'DECLINED' | 'TENTATIVE' | 'NEEDS-ACTION' | 'DELEGATED';
  method?: string;
  sequence?: number;
  /** DTSTAMP; now by default. */
  stamp?: Date;
}

const basic = (date: Date) =>
  date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

/** RFC 5545 3.1: lines of at most 75 octets, continued after CRLF and a space. */
const fold = (line: string): string => {
  const parts = [line.slice(0, 75)];
  for (let at = 75; at < line.length; at += 74) parts.push(line.slice(at, at + 74));
  return parts.join('\r\n ');
};

export const replyIcs = (app: CalendarApp, fields: ReplyFields): string => {
  const stamp = basic(fields.stamp ?? new Date());
  const method = fields.method ?? 'REPLY';
  const sequence = fields.sequence ?? 0;
  const common = [
    'DTSTART:20300610T170000Z',
    'DTEND:20300610T190000Z',
    `DTSTAMP:${stamp}`,
    `UID:${fields.uid}`,
    `SEQUENCE:${sequence}`,
  ];
  const lines =
    app === 'google'
      ? [
          'BEGIN:VCALENDAR',
          'PRODID:-//Google Inc//Google Calendar 70.9054//EN',
          'VERSION:2.0',
          'CALSCALE:GREGORIAN',
          `METHOD:${method}`,
          'BEGIN:VEVENT',
          ...common,
          `ORGANIZER;CN=Media Aces:mailto:${fields.to}`,
          `ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=${fields.partstat};CN=Ada Lovelace;X-NUM-GUESTS=0:mailto:${fields.attendee}`,
          'CREATED:20300101T090000Z',
          'LAST-MODIFIED:20300101T090000Z',
          'STATUS:CONFIRMED',
          'SUMMARY:Test event',
          'TRANSP:OPAQUE',
          'END:VEVENT',
          'END:VCALENDAR',
        ]
      : app === 'outlook'
        ? [
            'BEGIN:VCALENDAR',
            `METHOD:${method}`,
            'PRODID:Microsoft Exchange Server 2010',
            'VERSION:2.0',
            'BEGIN:VEVENT',
            `ATTENDEE;PARTSTAT=${fields.partstat};CN=Ada Lovelace:mailto:${fields.attendee.replace(/^./, (c) => c.toUpperCase()).replace('@example', '@Example')}`,
            'COMMENT;LANGUAGE=en-US:\\n',
            `SUMMARY;LANGUAGE=en-US:${fields.partstat === 'DECLINED' ? 'Declined' : 'Accepted'}: Test event`,
            ...common,
            'CLASS:PUBLIC',
            'PRIORITY:5',
            'TRANSP:OPAQUE',
            'STATUS:CONFIRMED',
            'LOCATION;LANGUAGE=en-US:Online',
            'X-MICROSOFT-CDO-APPT-SEQUENCE:0',
            `X-MICROSOFT-CDO-REPLYTIME:${stamp}`,
            'END:VEVENT',
            'END:VCALENDAR',
          ]
        : [
            'BEGIN:VCALENDAR',
            `METHOD:${method}`,
            'VERSION:2.0',
            'PRODID:-//Apple Inc.//macOS 14.5//EN',
            'BEGIN:VEVENT',
            `ATTENDEE;CN="Ada Lovelace";CUTYPE=INDIVIDUAL;EMAIL="${fields.attendee}";PARTSTAT=${fields.partstat}:mailto:${fields.attendee}`,
            ...common,
            'SUMMARY:Test event',
            `ORGANIZER;CN="Media Aces":mailto:${fields.to}`,
            'REQUEST-STATUS:2.0;Success',
            'END:VEVENT',
            'END:VCALENDAR',
          ];
  return `${lines.map(fold).join('\r\n')}\r\n`;
};

const base64Lines = (text: string): string =>
  (
    Buffer.from(text, 'utf8')
      .toString('base64')
      .match(/.{1,76}/g) ?? []
  ).join('\r\n');

/** Quoted-printable (RFC 2045 6.7) as Apple Mail writes it: `=` escaped, CRLF kept, soft breaks at 76. */
const quotedPrintable = (text: string): string =>
  text
    .split('\r\n')
    .map((line) => {
      const encoded = [...Buffer.from(line, 'utf8')]
        .map((byte) =>
          byte === 0x3d || byte > 0x7e || (byte < 0x20 && byte !== 0x09)
            ? `=${byte.toString(16).toUpperCase().padStart(2, '0')}`
            : String.fromCharCode(byte),
        )
        .join('');
      const soft: string[] = [];
      let rest = encoded;
      while (rest.length > 75) {
        let cut = 75;
        // Never split an =XX escape.
        const lastEscape = rest.lastIndexOf('=', cut);
        if (lastEscape > cut - 3) cut = lastEscape;
        soft.push(`${rest.slice(0, cut)}=`);
        rest = rest.slice(cut);
      }
      return [...soft, rest].join('\r\n');
    })
    .join('\r\n');

/** The whole message, as the app's mail side sends it. */
export const replyMail = (app: CalendarApp, fields: ReplyFields): Buffer => {
  const ics = replyIcs(app, fields);
  const date = new Date().toUTCString().replace('GMT', '+0000');
  const words = fields.partstat === 'DECLINED' ? 'Declined' : 'Accepted';
  const head = (contentType: string) =>
    [
      `From: Ada Lovelace <${fields.attendee}>`,
      `To: ${fields.to}`,
      `Subject: ${words}: Test event`,
      `Date: ${date}`,
      `Message-ID: <${Math.random().toString(36).slice(2)}@${app}.example>`,
      'MIME-Version: 1.0',
      `Content-Type: ${contentType}`,
    ].join('\r\n');
  let message: string;
  if (app === 'google') {
    message = [
      head('multipart/mixed; boundary="000000000000mixed"'),
      '',
      '--000000000000mixed',
      'Content-Type: multipart/alternative; boundary="000000000000alt"',
      '',
      '--000000000000alt',
      'Content-Type: text/plain; charset="UTF-8"; format=flowed; delsp=yes',
      'Content-Transfer-Encoding: 7bit',
      '',
      `Ada Lovelace has ${words.toLowerCase()} this invitation.`,
      '',
      '--000000000000alt',
      'Content-Type: text/html; charset="UTF-8"',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      `<span>Ada Lovelace has ${words.toLowerCase()} this invitation.</span>`,
      '--000000000000alt',
      'Content-Type: text/calendar; charset="UTF-8"; method=REPLY',
      'Content-Transfer-Encoding: 7bit',
      '',
      ics,
      '--000000000000alt--',
      '--000000000000mixed',
      'Content-Type: application/ics; name="invite.ics"',
      'Content-Disposition: attachment; filename="invite.ics"',
      'Content-Transfer-Encoding: base64',
      '',
      base64Lines(ics),
      '--000000000000mixed--',
      '',
    ].join('\r\n');
  } else if (app === 'outlook') {
    message = [
      head('multipart/alternative; boundary="_000_DB9PR01MB1234outlook_"'),
      'Thread-Topic: Test event',
      'X-MS-Has-Attach:',
      'X-MS-TNEF-Correlator:',
      '',
      '--_000_DB9PR01MB1234outlook_',
      'Content-Type: text/plain; charset="iso-8859-1"',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      '',
      '--_000_DB9PR01MB1234outlook_',
      'Content-Type: text/calendar; charset="utf-8"; method=REPLY',
      'Content-Transfer-Encoding: base64',
      '',
      base64Lines(ics),
      '',
      '--_000_DB9PR01MB1234outlook_--',
      '',
    ].join('\r\n');
  } else {
    message = [
      head('multipart/mixed; boundary="Apple-Mail=_6F1E4B2A-0C33-4B6C-9A1B-1B2C3D4E5F60"'),
      '',
      '--Apple-Mail=_6F1E4B2A-0C33-4B6C-9A1B-1B2C3D4E5F60',
      'Content-Transfer-Encoding: 7bit',
      'Content-Type: text/plain; charset=us-ascii',
      '',
      `${words}: Test event`,
      '',
      '--Apple-Mail=_6F1E4B2A-0C33-4B6C-9A1B-1B2C3D4E5F60',
      'Content-Disposition: attachment; filename=iCal-20300101-090000.ics',
      'Content-Type: text/calendar; method=REPLY; name=iCal-20300101-090000.ics',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      quotedPrintable(ics),
      '--Apple-Mail=_6F1E4B2A-0C33-4B6C-9A1B-1B2C3D4E5F60--',
      '',
    ].join('\r\n');
  }
  return Buffer.from(message, 'utf8');
};
