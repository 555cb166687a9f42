import * as z from 'zod/mini';
import { identifier, instant, language, line, paragraph, requiredLine } from '../platform/fields.js';
import { MAX_REMINDERS, offsetMs } from './reminders.js';

/**
 * Admin input for events. Browser-safe: the admin page validates with it too (zod/mini: see text.ts).
 * Built on first use, like every schema (platform/fields.ts): the parts below are builders.
 */

const isTimeZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone.includes('/') || zone === 'UTC';
  } catch {
    return false;
  }
};

/** No user name or password in the address (one that does not parse is the url check's to refuse). */
const withoutCredentials = (address: string): boolean => {
  try {
    const url = new URL(address);
    return !url.username && !url.password;
  } catch {
    return true;
  }
};

// The URL parser drops tabs and newlines and trims control characters before judging, but the
// string is kept as given: refused here, or a join link could carry a line break into an email
// or an invitation.
const httpsUrl = () =>
  z.url({ protocol: /^https$/, message: 'An https:// address' }).check(
    z.maxLength(2000, 'At most 2000 characters'),
    z.regex(/^[^\s\p{Cc}\p{Cs}]*$/u, 'An https:// address without spaces or control characters'),
    // `https://user:pass@host` would put a password in every invitation, and can pass off one
    // host as another ("https://meet.example@evil.example").
    z.refine(withoutCredentials, {
      message: 'An https:// address without a user name or password',
      params: { problem: 'https' },
    }),
  );

export const eventFormats = ['in_person', 'online', 'hybrid'] as const;
export const eventStatuses = ['draft', 'published', 'cancelled'] as const;
export type EventFormat = (typeof eventFormats)[number];
export type EventStatus = (typeof eventStatuses)[number];

const venue = () =>
  z.object({
    name: requiredLine(200),
    address: z._default(line(300), ''),
    city: z._default(line(100), ''),
  });

const speaker = () => z.object({ name: requiredLine(200), title: z.optional(line(200)) });

const agendaItem = () =>
  z.object({
    startsAt: instant(),
    endsAt: z.optional(instant()),
    title: requiredLine(300),
    speakers: z._default(z.array(requiredLine(200)).check(z.maxLength(20)), []),
  });

/**
 * Names every object already has (`constructor`, `toString`...): a question called so would be
 * answered by them, and the table cannot store an answer under `constructor`.
 */
const RESERVED_QUESTION_IDS = new Set(Object.getOwnPropertyNames(Object.prototype));

const question = () =>
  z
    .object({
      id: identifier().check(z.refine((id) => !RESERVED_QUESTION_IDS.has(id), 'This name is reserved')),
      label: requiredLine(300),
      type: z.enum(['text', 'select', 'checkbox']),
      required: z._default(z.boolean(), false),
      options: z.optional(z.array(requiredLine(200)).check(z.minLength(1), z.maxLength(50))),
    })
    .check(
      z.refine((q) => q.type !== 'select' || (q.options?.length ?? 0) > 0, {
        message: 'A select question needs options',
        path: ['options'],
      }),
    );

/** Reminder offsets (reminders.ts): ISO 8601 durations, each once. */
const reminders = () =>
  z
    .array(
      z.string().check(
        z.maxLength(20),
        z.refine((duration) => offsetMs(duration) !== undefined, 'An ISO 8601 duration such as P1D or PT1H'),
      ),
    )
    .check(
      z.maxLength(MAX_REMINDERS),
      z.refine(
        (list) => new Set(list.map(offsetMs)).size === list.length,
        'Each reminder at a different time',
      ),
    );

/** One follow-up message: the organiser's own words, sent as plain text (escaped in the HTML). */
const followUpMessage = () =>
  z.object({
    subject: requiredLine(200),
    body: paragraph(5000).check(
      z.refine((text) => text.trim() !== '', { message: 'Required', params: { problem: 'required' } }),
    ),
  });

/** After the event (API.md, "Attendance"): a message for those who came, one for the others. */
const followUp = () =>
  z.object({
    attended: z.optional(followUpMessage()),
    absent: z.optional(followUpMessage()),
    replayUrl: z.optional(httpsUrl()),
  });

const eventFields = () => ({
  title: requiredLine(200),
  summary: line(500),
  description: paragraph(10_000),
  format: z.enum(eventFormats),
  venue: z.nullable(venue()),
  joinUrl: z.nullable(httpsUrl()),
  startsAt: instant(),
  endsAt: instant(),
  timeZone: z.string().check(z.maxLength(64), z.refine(isTimeZone, 'An IANA time zone such as Europe/Paris')),
  language: language(),
  /** null means unlimited. */
  capacity: z.nullable(z.number().check(z.int(), z.minimum(1), z.maximum(1_000_000))),
  waitlistEnabled: z.boolean(),
  requireConfirmation: z.boolean(),
  requireChallenge: z.boolean(),
  registrationOpensAt: z.nullable(instant()),
  registrationClosesAt: z.nullable(instant()),
  agenda: z.array(agendaItem()).check(z.maxLength(50)),
  speakers: z.array(speaker()).check(z.maxLength(50)),
  questions: z.array(question()).check(z.maxLength(20)),
  /** null: the defaults of the event's format. */
  reminders: z.nullable(reminders()),
  /** Seats not reconfirmed by then go to the waitlist; null: no reconfirmation. */
  reconfirmBy: z.nullable(instant()),
  /** When people are asked; null: 48 hours before `reconfirmBy`. */
  reconfirmAskAt: z.nullable(instant()),
  /** The optional marketing consent box's text (functions/sources/); null: no box. */
  marketingConsentText: z.nullable(paragraph(1000)),
  /** Sent once after the end; null: none. */
  followUp: z.nullable(followUp()),
});

export const eventCreateInput = /* @__PURE__ */ z.lazy(() => {
  const fields = eventFields();
  return z.object({
    ...fields,
    organiserId: z.optional(identifier()),
    summary: z._default(fields.summary, ''),
    description: z._default(fields.description, ''),
    venue: z._default(fields.venue, null),
    joinUrl: z._default(fields.joinUrl, null),
    timeZone: z._default(fields.timeZone, 'Europe/Paris'),
    language: z._default(fields.language, 'fr'),
    capacity: z._default(fields.capacity, null),
    waitlistEnabled: z._default(fields.waitlistEnabled, true),
    requireConfirmation: z._default(fields.requireConfirmation, false),
    requireChallenge: z._default(fields.requireChallenge, false),
    registrationOpensAt: z._default(fields.registrationOpensAt, null),
    registrationClosesAt: z._default(fields.registrationClosesAt, null),
    agenda: z._default(fields.agenda, []),
    speakers: z._default(fields.speakers, []),
    questions: z._default(fields.questions, []),
    reminders: z.optional(fields.reminders),
    reconfirmBy: z.optional(fields.reconfirmBy),
    reconfirmAskAt: z.optional(fields.reconfirmAskAt),
    marketingConsentText: z._default(fields.marketingConsentText, null),
    followUp: z.optional(fields.followUp),
  });
});

export const eventUpdateInput = /* @__PURE__ */ z.lazy(() => z.partial(z.object(eventFields())));

export type FollowUp = z.infer<ReturnType<typeof followUp>>;
export type EventCreateInput = z.infer<typeof eventCreateInput>;
export type EventUpdateInput = z.infer<typeof eventUpdateInput>;

export const eventListQuery = /* @__PURE__ */ z.lazy(() => z.object({ organiser: identifier() }));
