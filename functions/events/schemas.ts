import { z } from 'zod';
import { identifier, instant, language, line, paragraph, requiredLine } from '../shared/text.js';

/** Admin input for events. Browser-safe: the admin page validates with it too. */

const isTimeZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone.includes('/') || zone === 'UTC';
  } catch {
    return false;
  }
};

const httpsUrl = z
  .url({ protocol: /^https$/, message: 'An https:// address' })
  .max(2000, 'At most 2000 characters');

export const eventFormats = ['in_person', 'online', 'hybrid'] as const;
export const eventStatuses = ['draft', 'published', 'cancelled'] as const;
export type EventFormat = (typeof eventFormats)[number];
export type EventStatus = (typeof eventStatuses)[number];

const venue = z.object({
  name: requiredLine(200),
  address: line(300).default(''),
  city: line(100).default(''),
});

const speaker = z.object({ name: requiredLine(200), title: line(200).optional() });

const agendaItem = z.object({
  startsAt: instant,
  endsAt: instant.optional(),
  title: requiredLine(300),
  speakers: z.array(requiredLine(200)).max(20).default([]),
});

const question = z
  .object({
    id: identifier,
    label: requiredLine(300),
    type: z.enum(['text', 'select', 'checkbox']),
    required: z.boolean().default(false),
    options: z.array(requiredLine(200)).min(1).max(50).optional(),
  })
  .refine((q) => q.type !== 'select' || (q.options?.length ?? 0) > 0, {
    message: 'A select question needs options',
    path: ['options'],
  });

const eventFields = {
  title: requiredLine(200),
  summary: line(500),
  description: paragraph(10_000),
  format: z.enum(eventFormats),
  venue: venue.nullable(),
  joinUrl: httpsUrl.nullable(),
  startsAt: instant,
  endsAt: instant,
  timeZone: z.string().max(64).refine(isTimeZone, 'An IANA time zone such as Europe/Paris'),
  language,
  /** null means unlimited. */
  capacity: z.number().int().min(1).max(1_000_000).nullable(),
  waitlistEnabled: z.boolean(),
  requireConfirmation: z.boolean(),
  registrationOpensAt: instant.nullable(),
  registrationClosesAt: instant.nullable(),
  agenda: z.array(agendaItem).max(50),
  speakers: z.array(speaker).max(50),
  questions: z.array(question).max(20),
};

export const eventCreateInput = z.object({
  ...eventFields,
  organiserId: identifier.optional(),
  summary: eventFields.summary.default(''),
  description: eventFields.description.default(''),
  venue: eventFields.venue.default(null),
  joinUrl: eventFields.joinUrl.default(null),
  timeZone: eventFields.timeZone.default('Europe/Paris'),
  language: eventFields.language.default('fr'),
  capacity: eventFields.capacity.default(null),
  waitlistEnabled: eventFields.waitlistEnabled.default(true),
  requireConfirmation: eventFields.requireConfirmation.default(false),
  registrationOpensAt: eventFields.registrationOpensAt.default(null),
  registrationClosesAt: eventFields.registrationClosesAt.default(null),
  agenda: eventFields.agenda.default([]),
  speakers: eventFields.speakers.default([]),
  questions: eventFields.questions.default([]),
});

export const eventUpdateInput = z.object(eventFields).partial();

export type EventCreateInput = z.infer<typeof eventCreateInput>;
export type EventUpdateInput = z.infer<typeof eventUpdateInput>;

export const eventListQuery = z.object({ organiser: identifier });
