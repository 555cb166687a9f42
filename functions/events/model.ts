import { AppError } from '../shared/errors.js';
import type { Language } from '../shared/text.js';
import type { EventCreateInput, EventFormat, EventStatus, EventUpdateInput } from './schemas.js';

/**
 * The event domain: what an event is, which changes are allowed, and what each kind
 * of reader may see of it. Persistence lives in store.ts.
 */

export interface Venue {
  name: string;
  address: string;
  city: string;
}

export interface EventRecord {
  id: string;
  organiserId: string;
  organiserName: string;
  title: string;
  summary: string;
  description: string;
  format: EventFormat;
  venue: Venue | null;
  joinUrl: string | null;
  /** UTC instants (ISO 8601, `Z`); `timeZone` says how people read them. */
  startsAt: string;
  endsAt: string;
  timeZone: string;
  language: Language;
  capacity: number | null;
  waitlistEnabled: boolean;
  requireConfirmation: boolean;
  registrationOpensAt: string | null;
  registrationClosesAt: string | null;
  status: EventStatus;
  agenda: { startsAt: string; endsAt?: string; title: string; speakers: string[] }[];
  speakers: { name: string; title?: string }[];
  questions: {
    id: string;
    label: string;
    type: 'text' | 'select' | 'checkbox';
    required: boolean;
    options?: string[];
  }[];
  /** iCalendar SEQUENCE: bumped on every change a calendar must follow. */
  sequence: number;
  createdAt: string;
  updatedAt: string;
}

/**
 * The small item every registration transaction conditions on and counts in. It mirrors
 * the event fields those conditions need, so a registration never reads-then-writes.
 * `held` = seats taken (confirmed + pending confirmation); it never exceeds `capacity`.
 */
export interface Gate {
  status: EventStatus;
  /** Absent when capacity is unlimited. */
  capacity?: number;
  held: number;
  pending: number;
  waitlisted: number;
  cancelled: number;
  checkedIn: number;
  /** Registrations erased on request (GDPR): counted, nothing else kept. */
  erased?: number;
  waitlistEnabled: boolean;
  requireConfirmation: boolean;
  opensAt?: string;
  closesAt: string;
}

export interface EventCounts {
  confirmed: number;
  pendingConfirmation: number;
  waitlisted: number;
  cancelled: number;
  checkedIn: number;
}

export const toUtc = (instant: string): string => new Date(instant).toISOString();
const toUtcOrNull = (instant: string | null | undefined): string | null => (instant ? toUtc(instant) : null);

export const newEventRecord = (
  input: EventCreateInput,
  ids: { id: string; organiserId: string; organiserName: string },
  now: Date,
): EventRecord => {
  const { organiserId: _ignored, ...fields } = input;
  const record: EventRecord = {
    ...fields,
    ...ids,
    startsAt: toUtc(input.startsAt),
    endsAt: toUtc(input.endsAt),
    registrationOpensAt: toUtcOrNull(input.registrationOpensAt),
    registrationClosesAt: toUtcOrNull(input.registrationClosesAt),
    agenda: input.agenda.map((item) => ({
      ...item,
      startsAt: toUtc(item.startsAt),
      ...(item.endsAt ? { endsAt: toUtc(item.endsAt) } : {}),
    })),
    status: 'draft',
    sequence: 0,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  assertConsistent(record);
  return record;
};

/** Fields whose change a subscribed calendar must pick up (and registrants hear about). */
const CALENDAR_FIELDS = ['title', 'startsAt', 'endsAt', 'timeZone', 'venue', 'joinUrl'] as const;

export const applyUpdate = (event: EventRecord, input: EventUpdateInput, now: Date): EventRecord => {
  if (event.status === 'cancelled')
    throw new AppError('invalid_state', 'A cancelled event cannot be changed');
  const next: EventRecord = {
    ...event,
    ...input,
    startsAt: input.startsAt ? toUtc(input.startsAt) : event.startsAt,
    endsAt: input.endsAt ? toUtc(input.endsAt) : event.endsAt,
    registrationOpensAt:
      input.registrationOpensAt === undefined
        ? event.registrationOpensAt
        : toUtcOrNull(input.registrationOpensAt),
    registrationClosesAt:
      input.registrationClosesAt === undefined
        ? event.registrationClosesAt
        : toUtcOrNull(input.registrationClosesAt),
    agenda: input.agenda
      ? input.agenda.map((item) => ({
          ...item,
          startsAt: toUtc(item.startsAt),
          ...(item.endsAt ? { endsAt: toUtc(item.endsAt) } : {}),
        }))
      : event.agenda,
    updatedAt: now.toISOString(),
  };
  if (calendarChanged(event, next)) next.sequence = event.sequence + 1;
  assertConsistent(next);
  return next;
};

export const calendarChanged = (before: EventRecord, after: EventRecord): boolean =>
  before.status !== after.status ||
  CALENDAR_FIELDS.some((field) => JSON.stringify(before[field]) !== JSON.stringify(after[field]));

const assertConsistent = (event: EventRecord): void => {
  const fields: Record<string, string> = {};
  if (event.endsAt <= event.startsAt) fields.endsAt = 'Must be after startsAt';
  const opens = event.registrationOpensAt;
  if (opens && opens >= registrationClosesAt(event)) {
    fields.registrationOpensAt = 'Must be before registration closes';
  }
  if (event.registrationClosesAt && event.registrationClosesAt > event.endsAt) {
    fields.registrationClosesAt = 'Must not be after the event ends';
  }
  if (Object.keys(fields).length > 0) {
    throw new AppError('validation_failed', 'The event dates do not fit together', fields);
  }
};

/** Registration closes when the organiser says, or else when the event starts. */
export const registrationClosesAt = (event: EventRecord): string =>
  event.registrationClosesAt ?? event.startsAt;

export const publish = (event: EventRecord, now: Date): EventRecord => {
  if (event.status === 'published') return event;
  if (event.status === 'cancelled')
    throw new AppError('invalid_state', 'A cancelled event cannot be published');
  if (event.format !== 'online' && !event.venue) {
    throw new AppError('validation_failed', 'An event held in person needs a venue before publishing', {
      venue: 'Required for in-person and hybrid events',
    });
  }
  return { ...event, status: 'published', updatedAt: now.toISOString() };
};

export const cancel = (event: EventRecord, now: Date): EventRecord => {
  if (event.status === 'cancelled') return event;
  return { ...event, status: 'cancelled', sequence: event.sequence + 1, updatedAt: now.toISOString() };
};

/** The gate fields that mirror the event; counters are left to the registration code. */
export const gateMirror = (event: EventRecord) => ({
  status: event.status,
  capacity: event.capacity ?? undefined,
  waitlistEnabled: event.waitlistEnabled,
  requireConfirmation: event.requireConfirmation,
  opensAt: event.registrationOpensAt ?? undefined,
  closesAt: registrationClosesAt(event),
});

export const newGate = (event: EventRecord): Gate => ({
  ...gateMirror(event),
  held: 0,
  pending: 0,
  waitlisted: 0,
  cancelled: 0,
  checkedIn: 0,
});

export const countsOf = (gate: Gate): EventCounts => ({
  confirmed: gate.held - gate.pending,
  pendingConfirmation: gate.pending,
  waitlisted: gate.waitlisted,
  cancelled: gate.cancelled,
  checkedIn: gate.checkedIn,
});

export const seatsLeft = (gate: Gate): number | null =>
  gate.capacity === undefined ? null : Math.max(0, gate.capacity - gate.held);

export const isPubliclyVisible = (event: EventRecord): boolean => event.status !== 'draft';

/** What anyone may see: never the join URL, never counts beyond seats left. */
export const publicView = (event: EventRecord, gate: Gate, baseUrl: string, now: Date) => ({
  id: event.id,
  organiserId: event.organiserId,
  organiserName: event.organiserName,
  title: event.title,
  summary: event.summary,
  description: event.description,
  format: event.format,
  ...(event.venue ? { venue: event.venue } : {}),
  startsAt: event.startsAt,
  endsAt: event.endsAt,
  timeZone: event.timeZone,
  language: event.language,
  capacity: event.capacity,
  seatsLeft: seatsLeft(gate),
  waitlistOpen:
    event.waitlistEnabled && event.status === 'published' && registrationClosesAt(event) > now.toISOString(),
  ...(event.registrationOpensAt ? { registrationOpensAt: event.registrationOpensAt } : {}),
  registrationClosesAt: registrationClosesAt(event),
  status: event.status,
  agenda: event.agenda,
  speakers: event.speakers,
  questions: event.questions,
  calendarUrl: `${baseUrl}/calendar/events/${encodeURIComponent(event.id)}.ics`,
});

export const adminView = (event: EventRecord, gate: Gate, baseUrl: string, now: Date) => ({
  ...publicView(event, gate, baseUrl, now),
  status: event.status,
  joinUrl: event.joinUrl,
  requireConfirmation: event.requireConfirmation,
  waitlistEnabled: event.waitlistEnabled,
  sequence: event.sequence,
  counts: countsOf(gate),
  createdAt: event.createdAt,
  updatedAt: event.updatedAt,
});
