import { AppError } from '../platform/errors.js';
import type { Language } from '../platform/fields.js';
import { calendarChanges, type EventChange } from './changes.js';
import { reminderOffsets } from './reminders.js';
import type { EventCreateInput, EventFormat, EventStatus, EventUpdateInput, FollowUp } from './schemas.js';

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
  /** Registering takes a solved proof-of-work challenge (functions/challenges/); absent: no. */
  requireChallenge?: boolean;
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
  /** Reminder offsets (ISO 8601 durations); absent or null: the format's defaults (reminders.ts). */
  reminders?: string[] | null;
  /** Seats not reconfirmed by then go to the waitlist; absent or null: no reconfirmation. */
  reconfirmBy?: string | null;
  /** When confirmed registrants are asked; absent or null: 48 hours before `reconfirmBy`. */
  reconfirmAskAt?: string | null;
  /** The marketing consent box's text; absent or null: the form shows none. */
  marketingConsentText?: string | null;
  /** The messages sent once after the end (notify/decide.ts); absent or null: none. */
  followUp?: FollowUp | null;
  /** iCalendar SEQUENCE: bumped on every change a calendar must follow. */
  sequence: number;
  createdAt: string;
  updatedAt: string;
}

/** The counters each seat shard keeps; the event's are their sums. */
export const SEAT_COUNTERS = ['held', 'pending', 'waitlisted', 'cancelled', 'checkedIn', 'erased'] as const;
export type SeatCounter = (typeof SEAT_COUNTERS)[number];

/**
 * One seat shard: a small item registration transactions condition on and count in. Each
 * mirrors the event fields those conditions need (status, window, flags), holds its part of
 * the capacity, and counts the registrations it hosts. A busy event spreads its seats over
 * several shards so that a rush is not serialised on one item; `held` never exceeds a
 * shard's `capacity`, and the shards' capacities add up to the event's.
 */
export interface SeatQuota {
  shard: number;
  /** Absent when capacity is unlimited. */
  capacity?: number;
  held: number;
  pending: number;
  waitlisted: number;
  cancelled: number;
  checkedIn: number;
  /** Registrations erased on request (GDPR): counted, nothing else kept. */
  erased?: number;
}

/**
 * The event's seats as the shards give them together: the mirrored fields, the total
 * capacity and the summed counters, plus the shards themselves for choosing one.
 * `held` = seats taken (confirmed + pending confirmation).
 */
export interface SeatQuotas extends Omit<SeatQuota, 'shard'> {
  status: EventStatus;
  waitlistEnabled: boolean;
  requireConfirmation: boolean;
  opensAt?: string;
  closesAt: string;
  shards: SeatQuota[];
}

/** Seats per shard a busy event aims at; small events keep one shard (and its cost). */
export const SEATS_PER_SHARD = 250;
/** A save rewrites every shard in one transaction (at most 100 items). */
export const MAX_SHARDS = 40;
/** Unlimited events have no size to go by; a few shards cost nothing extra to read. */
export const UNLIMITED_SHARDS = 8;

export const shardCountFor = (capacity: number | null): number =>
  capacity === null
    ? UNLIMITED_SHARDS
    : Math.min(MAX_SHARDS, Math.max(1, Math.ceil(capacity / SEATS_PER_SHARD)));

/**
 * Splits `total` seats over shards already holding `held` seats each: every shard keeps at
 * least what it holds, and the free seats go to the emptiest shards so that room is spread
 * evenly. Undefined when the shards already hold more than `total`.
 */
export const splitCapacity = (total: number, held: number[]): number[] | undefined => {
  const fill = (level: number) => held.reduce((sum, h) => sum + Math.max(h, level), 0);
  if (fill(0) > total) return undefined;
  let level = 0;
  for (let high = total; level < high; ) {
    const mid = Math.ceil((level + high) / 2);
    if (fill(mid) <= total) level = mid;
    else high = mid - 1;
  }
  const shares = held.map((h) => Math.max(h, level));
  let left = total - fill(level);
  for (let i = 0; i < shares.length && left > 0; i++) {
    if (shares[i] === level) {
      shares[i] = level + 1;
      left--;
    }
  }
  return shares;
};

const sumOf = (shards: SeatQuota[], counter: SeatCounter) =>
  shards.reduce((sum, shard) => sum + (shard[counter] ?? 0), 0);

/** The event's seat quotas from their items (quota 0 first); undefined without quota 0. */
export const seatQuotasOf = (items: (Partial<SeatQuotas> & SeatQuota)[]): SeatQuotas | undefined => {
  const first = items.find((item) => item.shard === 0);
  if (!first?.status || !first.closesAt) return undefined;
  const shards = items
    .map(({ shard, capacity, held, pending, waitlisted, cancelled, checkedIn, erased }) => ({
      shard,
      ...(capacity === undefined ? {} : { capacity }),
      held: held ?? 0,
      pending: pending ?? 0,
      waitlisted: waitlisted ?? 0,
      cancelled: cancelled ?? 0,
      checkedIn: checkedIn ?? 0,
      erased: erased ?? 0,
    }))
    .sort((a, b) => a.shard - b.shard);
  return {
    status: first.status,
    waitlistEnabled: first.waitlistEnabled ?? false,
    requireConfirmation: first.requireConfirmation ?? false,
    ...(first.opensAt ? { opensAt: first.opensAt } : {}),
    closesAt: first.closesAt,
    ...(first.capacity === undefined
      ? {}
      : { capacity: shards.reduce((sum, shard) => sum + (shard.capacity ?? 0), 0) }),
    held: sumOf(shards, 'held'),
    pending: sumOf(shards, 'pending'),
    waitlisted: sumOf(shards, 'waitlisted'),
    cancelled: sumOf(shards, 'cancelled'),
    checkedIn: sumOf(shards, 'checkedIn'),
    erased: sumOf(shards, 'erased'),
    shards,
  };
};

export interface EventCounts {
  confirmed: number;
  pendingConfirmation: number;
  waitlisted: number;
  cancelled: number;
  checkedIn: number;
}

export const toUtc = (instant: string): string => new Date(instant).toISOString();
const toUtcOrNull = (instant: string | null | undefined): string | null => (instant ? toUtc(instant) : null);

type AgendaItem = EventRecord['agenda'][number];

const agendaOf = (items: readonly AgendaItem[]): AgendaItem[] =>
  items.map((item) => ({
    ...item,
    startsAt: toUtc(item.startsAt),
    ...(item.endsAt ? { endsAt: toUtc(item.endsAt) } : {}),
  }));

/** In start order (a stable sort: items starting together keep the order given). */
const inStartOrder = (items: readonly AgendaItem[]): AgendaItem[] =>
  [...items].sort((a, b) => (a.startsAt < b.startsAt ? -1 : a.startsAt > b.startsAt ? 1 : 0));

/** Every item moved by `ms`, as the event was (their order cannot change). */
const shiftedAgenda = (items: AgendaItem[], ms: number): AgendaItem[] => {
  if (ms === 0) return items;
  const moved = (instant: string) => new Date(Date.parse(instant) + ms).toISOString();
  return items.map((item) => ({
    ...item,
    startsAt: moved(item.startsAt),
    ...(item.endsAt ? { endsAt: moved(item.endsAt) } : {}),
  }));
};

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
    ...reconfirmationInUtc(input),
    agenda: agendaOf(input.agenda),
    status: 'draft',
    sequence: 0,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  assertConsistent(record);
  return { ...record, agenda: inStartOrder(record.agenda) };
};

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
    ...reconfirmationInUtc(input),
    updatedAt: now.toISOString(),
  };
  // A programme sent is taken as given; one left out follows its event when the start moves.
  next.agenda = input.agenda
    ? agendaOf(input.agenda)
    : shiftedAgenda(event.agenda, Date.parse(next.startsAt) - Date.parse(event.startsAt));
  if (calendarChanged(event, next)) next.sequence = event.sequence + 1;
  // Checked in the order sent, so that `agenda.N` names the row the organiser sees.
  assertConsistent(next);
  return { ...next, agenda: inStartOrder(next.agenda) };
};

/**
 * Whether a subscribed calendar must pick the change up (and registrants hear about it): by
 * value, so a save that changes nothing, or only capacity, waitlist or the registration window,
 * bumps no sequence and emails nobody.
 */
export const calendarChanged = (before: EventRecord, after: EventRecord): boolean =>
  before.status !== after.status || calendarChanges(before, after).length > 0;

/**
 * Every programme item lies within the event: it starts at or after the event's start and
 * before its end, and ends (when it says) after it starts and by the event's end. Keyed by
 * field path (`agenda.2.startsAt`), the editor shows each beside its row.
 */
const agendaProblems = (event: EventRecord): Record<string, string> => {
  const fields: Record<string, string> = {};
  event.agenda.forEach((item, index) => {
    if (item.startsAt < event.startsAt || item.startsAt >= event.endsAt) {
      fields[`agenda.${index}.startsAt`] =
        "Must be within the event (from its start to its end): change the item's day or time, or the event's dates";
    } else if (item.endsAt && item.endsAt <= item.startsAt) {
      fields[`agenda.${index}.endsAt`] = 'Must be after startsAt';
    } else if (item.endsAt && item.endsAt > event.endsAt) {
      fields[`agenda.${index}.endsAt`] =
        'Must be within the event (from its start to its end): end the item earlier, or the event later';
    }
  });
  return fields;
};

/** The reconfirmation instants given, in UTC (absent ones stay absent: unchanged on update). */
const reconfirmationInUtc = (input: Pick<EventUpdateInput, 'reconfirmBy' | 'reconfirmAskAt'>) => ({
  ...(input.reconfirmBy === undefined ? {} : { reconfirmBy: toUtcOrNull(input.reconfirmBy) }),
  ...(input.reconfirmAskAt === undefined ? {} : { reconfirmAskAt: toUtcOrNull(input.reconfirmAskAt) }),
});

/** The ask comes before the deadline, the deadline before the start. */
const reconfirmationProblems = (event: EventRecord): Record<string, string> => {
  const fields: Record<string, string> = {};
  if (event.reconfirmBy && event.reconfirmBy >= event.startsAt) {
    fields.reconfirmBy = 'Must be before startsAt';
  }
  if (event.reconfirmAskAt && !event.reconfirmBy) fields.reconfirmAskAt = 'Needs reconfirmBy';
  else if (event.reconfirmAskAt && event.reconfirmBy && event.reconfirmAskAt >= event.reconfirmBy) {
    fields.reconfirmAskAt = 'Must be before reconfirmBy';
  }
  return fields;
};

const assertConsistent = (event: EventRecord): void => {
  const fields: Record<string, string> = reconfirmationProblems(event);
  if (event.endsAt <= event.startsAt) fields.endsAt = 'Must be after startsAt';
  const opens = event.registrationOpensAt;
  if (opens && opens >= registrationClosesAt(event)) {
    fields.registrationOpensAt = 'Must be before registration closes';
  }
  if (event.registrationClosesAt && event.registrationClosesAt > event.endsAt) {
    fields.registrationClosesAt = 'Must not be after the event ends';
  }
  // Checked against dates that fit: against an end before the start every item would be outside.
  if (!fields.endsAt) Object.assign(fields, agendaProblems(event));
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

/**
 * Publishing by the organiser (POST .../publish): the transition, refused for an event people
 * could register for but not attend. Not in `publish` itself, which tests use to build
 * published events already over (the calendar feed's past). A published event stays published
 * (publishing twice is harmless, even once it is over).
 */
export const publishByOrganiser = (event: EventRecord, now: Date): EventRecord => {
  if (event.status === 'draft' && event.format !== 'in_person' && !event.joinUrl) {
    throw new AppError('join_url_required', 'Add the join link before publishing an online or hybrid event', {
      joinUrl: 'Required for online and hybrid events',
    });
  }
  if (event.status === 'draft' && event.endsAt <= now.toISOString()) {
    throw new AppError('event_in_past', 'This event has already ended: move its dates before publishing', {
      endsAt: 'Already past',
    });
  }
  return publish(event, now);
};

export const cancel = (event: EventRecord, now: Date): EventRecord => {
  if (event.status === 'cancelled') return event;
  return { ...event, status: 'cancelled', sequence: event.sequence + 1, updatedAt: now.toISOString() };
};

/** The fields every shard mirrors from the event; capacity and counters are per shard. */
export const seatQuotaMirror = (event: EventRecord) => ({
  status: event.status,
  waitlistEnabled: event.waitlistEnabled,
  requireConfirmation: event.requireConfirmation,
  opensAt: event.registrationOpensAt ?? undefined,
  closesAt: registrationClosesAt(event),
});

/** A shard as created: the mirror, its share of the capacity, zero counters. */
export const emptyShard = (event: EventRecord, capacity: number | undefined) => ({
  ...seatQuotaMirror(event),
  ...(capacity === undefined ? {} : { capacity }),
  ...(Object.fromEntries(SEAT_COUNTERS.map((counter) => [counter, 0])) as Record<SeatCounter, number>),
});

/** A new event's shards, its capacity split evenly over them. */
export const newSeatQuotas = (event: EventRecord, count = shardCountFor(event.capacity)) => {
  const shares = event.capacity === null ? undefined : splitCapacity(event.capacity, Array(count).fill(0));
  return Array.from({ length: count }, (_, shard) => ({ shard, ...emptyShard(event, shares?.[shard]) }));
};

/** A new event's seat quotas as a whole (what reading its new shards gives). */
export const newSeats = (event: EventRecord, count?: number): SeatQuotas => {
  const seats = seatQuotasOf(newSeatQuotas(event, count));
  if (!seats) throw new Error('A new gate always has its first shard');
  return seats;
};

export const countsOf = (seats: SeatQuotas): EventCounts => ({
  confirmed: seats.held - seats.pending,
  pendingConfirmation: seats.pending,
  waitlisted: seats.waitlisted,
  cancelled: seats.cancelled,
  checkedIn: seats.checkedIn,
});

export const seatsLeft = (seats: SeatQuotas): number | null =>
  seats.capacity === undefined ? null : Math.max(0, seats.capacity - seats.held);

export const isPubliclyVisible = (event: EventRecord): boolean => event.status !== 'draft';

/** What anyone may see: never the join URL, never counts beyond seats left. */
export const publicView = (event: EventRecord, seats: SeatQuotas, baseUrl: string, now: Date) => ({
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
  seatsLeft: seatsLeft(seats),
  waitlistOpen:
    event.waitlistEnabled && event.status === 'published' && registrationClosesAt(event) > now.toISOString(),
  ...(event.registrationOpensAt ? { registrationOpensAt: event.registrationOpensAt } : {}),
  registrationClosesAt: registrationClosesAt(event),
  status: event.status,
  agenda: event.agenda,
  speakers: event.speakers,
  questions: event.questions,
  requireChallenge: event.requireChallenge === true,
  ...(event.marketingConsentText ? { marketingConsentText: event.marketingConsentText } : {}),
  calendarUrl: `${baseUrl}/calendar/events/${encodeURIComponent(event.id)}.ics`,
});

export const adminView = (event: EventRecord, seats: SeatQuotas, baseUrl: string, now: Date) => ({
  ...publicView(event, seats, baseUrl, now),
  status: event.status,
  joinUrl: event.joinUrl,
  requireConfirmation: event.requireConfirmation,
  waitlistEnabled: event.waitlistEnabled,
  sequence: event.sequence,
  counts: countsOf(seats),
  reminders: reminderOffsets(event),
  reconfirmBy: event.reconfirmBy ?? null,
  // As stored: null means 48 hours before the deadline.
  reconfirmAskAt: event.reconfirmAskAt ?? null,
  marketingConsentText: event.marketingConsentText ?? null,
  followUp: event.followUp ?? null,
  createdAt: event.createdAt,
  updatedAt: event.updatedAt,
});

/** An organiser: a Cognito group (same id) in AWS, and the name and reply-to address attendees see. */
export interface Organiser {
  id: string;
  name: string;
  /** Where attendees' replies go; also the invitation's ORGANIZER. */
  replyTo: string;
}

/**
 * Only the local seed stores organisers so far; without a record the organiser signs with its
 * events' name and a no-reply address on the site's host, since iTIP requires an ORGANIZER on
 * every message.
 */
export const standInOrganiser = (id: string, name: string, siteUrl: string): Organiser => ({
  id,
  name,
  replyTo: `noreply@${new URL(siteUrl).hostname}`,
});

export type { EventChange };

/**
 * What changed between two versions of an event, in the terms a registrant cares about. A new
 * format counts as a change of place (the message says how to attend), though alone it moves
 * nothing in a calendar and so sends nothing.
 */
export const eventChanges = (before: EventRecord, after: EventRecord): EventChange[] => {
  const changes = calendarChanges(before, after);
  const order: EventChange[] = ['title', 'time', 'place', 'joinUrl'];
  return order.filter(
    (change) => changes.includes(change) || (change === 'place' && before.format !== after.format),
  );
};
