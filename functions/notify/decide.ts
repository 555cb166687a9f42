import { type EventChange, type EventRecord, eventChanges } from '../events/model.js';
import { REGISTRATION_PREFIX } from '../platform/keys.js';
import type { RegistrationRecord } from '../registrations/model.js';
import type { RegistrationStatus } from '../registrations/schemas.js';

/**
 * The notification rules, in one place: which state change earns which message, who a
 * fan-out reaches, when reminders are due, and whether a message still fits the state found
 * when it is finally sent. Pure: no I/O, so the stream handler, the fan-out worker, the
 * reminder handler and the local tick all read the same rules.
 */

/** Messages about one registration, decided from its own item's change. */
export const registrationKinds = [
  'confirmed',
  'waitlisted',
  'pending_confirmation',
  'promoted',
  'promoted_pending',
  'cancelled_by_attendee',
  'cancelled_by_organiser',
  'hold_expired',
  'manage_link',
  'erased',
] as const;
export type RegistrationKind = (typeof registrationKinds)[number];

/** Messages about an event, sent to many registrants through the fan-out queue. */
export const fanoutKinds = ['event_changed', 'event_cancelled', 'reminder'] as const;
export type FanoutKind = (typeof fanoutKinds)[number];

export type MessageKind = RegistrationKind | FanoutKind;

export const reminderWindows = ['24h', '1h'] as const;
export type ReminderWindow = (typeof reminderWindows)[number];

const WINDOW_MS: Record<ReminderWindow, number> = { '24h': 24 * 3_600_000, '1h': 3_600_000 };

/**
 * One message to one registrant. The dedupe key names the state change (not the delivery),
 * so every retry of the same change claims the same ledger entry and sends at most once.
 */
export interface MessageIntent {
  kind: MessageKind;
  eventId: string;
  registrationId: string;
  /** The registration item's key part: read by primary key, never through a lagging index. */
  emailKey: string;
  dedupeKey: string;
  window?: ReminderWindow;
  changes?: EventChange[];
  /**
   * For `erased`: the registration as it was, from the stream's old image, the only copy left.
   * Sent straight from the stream, never queued, never kept in the mail ledger.
   */
  snapshot?: RegistrationRecord;
}

/** A page of a fan-out: the event's registrations from `cursor` on (the first page without one). */
export interface FanoutJob {
  kind: FanoutKind;
  eventId: string;
  /** The event's sequence the fan-out announces (the dedupe key is per sequence). */
  sequence: number;
  window?: ReminderWindow;
  /** For `event_changed`: what changed, for the message to say. */
  changes?: EventChange[];
  cursor?: Record<string, unknown>;
}

/** When the reminder for a window is due: `at` (UTC ISO). */
export interface ReminderSlot {
  window: ReminderWindow;
  at: string;
}

export type Intent =
  | { type: 'message'; message: MessageIntent }
  | { type: 'fanout'; job: FanoutJob }
  /** Replace the event's reminders by `slots` (none: remove them all). */
  | { type: 'reminders'; eventId: string; slots: ReminderSlot[] };

export type StreamEventName = 'INSERT' | 'MODIFY' | 'REMOVE';

export interface StreamChange {
  eventName: StreamEventName;
  keys: { pk: string; sk: string };
  oldImage?: Record<string, unknown>;
  newImage?: Record<string, unknown>;
}

/** What a change of one table item asks the mailer (and the reminder scheduler) to do. */
export const decide = (change: StreamChange): Intent[] => {
  if (change.keys.sk.startsWith(REGISTRATION_PREFIX)) return decideRegistration(change);
  if (change.keys.sk === 'EVENT') return decideEvent(change);
  // SeatQuotas counters, ticket counters, erasure tombstones, the mail ledger itself: no message.
  return [];
};

const byCancellation: Record<NonNullable<RegistrationRecord['cancelledBy']>, RegistrationKind | undefined> = {
  attendee: 'cancelled_by_attendee',
  organiser: 'cancelled_by_organiser',
  expired: 'hold_expired',
  // The event's own cancellation reaches everyone through the event_cancelled fan-out.
  event: undefined,
};

const onArrival: Record<RegistrationStatus, RegistrationKind | undefined> = {
  confirmed: 'confirmed',
  waitlisted: 'waitlisted',
  pending_confirmation: 'pending_confirmation',
  cancelled: undefined,
};

const decideRegistration = ({ eventName, oldImage, newImage }: StreamChange): Intent[] => {
  // A removal is an erasure (or the personal-data TTL, long after the event). A seat holder of
  // an event still to come gets one last message: the CANCEL that takes it out of their calendar.
  if (eventName === 'REMOVE' || !newImage) {
    const gone = oldImage as unknown as RegistrationRecord | undefined;
    if (gone?.status !== 'confirmed') return [];
    return [
      {
        type: 'message',
        message: {
          kind: 'erased',
          eventId: gone.eventId,
          registrationId: gone.id,
          emailKey: gone.emailKey,
          dedupeKey: `${gone.id}#erased`,
          snapshot: gone,
        },
      },
    ];
  }
  const next = newImage as unknown as RegistrationRecord;
  const before = oldImage as unknown as RegistrationRecord | undefined;
  const message = (kind: RegistrationKind, at: string): Intent => ({
    type: 'message',
    message: {
      kind,
      eventId: next.eventId,
      registrationId: next.id,
      emailKey: next.emailKey,
      dedupeKey: `${next.id}#${kind}#${at}`,
    },
  });

  // A new registration, or one replacing a cancelled one under the same email (a new id).
  if (!before || before.id !== next.id) {
    const kind = onArrival[next.status];
    return kind ? [message(kind, next.updatedAt)] : [];
  }

  const intents: Intent[] = [];
  const kind = transitionKind(before, next);
  if (kind) intents.push(message(kind, next.updatedAt));
  if (next.linkRequestedAt && next.linkRequestedAt !== before.linkRequestedAt) {
    intents.push(message('manage_link', next.linkRequestedAt));
  }
  return intents;
};

const transitionKind = (
  before: RegistrationRecord,
  next: RegistrationRecord,
): RegistrationKind | undefined => {
  if (before.status === next.status) return undefined;
  if (next.status === 'cancelled') return next.cancelledBy ? byCancellation[next.cancelledBy] : undefined;
  if (before.status === 'waitlisted' && next.status === 'confirmed') return 'promoted';
  if (before.status === 'waitlisted' && next.status === 'pending_confirmation') return 'promoted_pending';
  if (before.status === 'pending_confirmation' && next.status === 'confirmed') return 'confirmed';
  return undefined;
};

const decideEvent = ({ eventName, oldImage, newImage }: StreamChange): Intent[] => {
  const next = newImage as unknown as EventRecord | undefined;
  const before = oldImage as unknown as EventRecord | undefined;
  if (!next) {
    // Events are not deleted today; should one be, its reminders must not fire.
    return before?.status === 'published' ? [{ type: 'reminders', eventId: before.id, slots: [] }] : [];
  }
  if (eventName === 'INSERT' || !before) {
    // The seed and tests create events already published.
    return next.status === 'published' ? [reminders(next)] : [];
  }

  const intents: Intent[] = [];
  if (next.status === 'cancelled' && before.status !== 'cancelled') {
    intents.push({
      type: 'fanout',
      job: { kind: 'event_cancelled', eventId: next.id, sequence: next.sequence },
    });
    intents.push({ type: 'reminders', eventId: next.id, slots: [] });
    return intents;
  }
  if (next.status !== 'published') return intents;
  if (before.status === 'published' && next.sequence > before.sequence) {
    intents.push({
      type: 'fanout',
      job: {
        kind: 'event_changed',
        eventId: next.id,
        sequence: next.sequence,
        changes: eventChanges(before, next),
      },
    });
  }
  // The 1-hour reminder depends on the format, both on the start.
  if (before.status !== 'published' || before.startsAt !== next.startsAt || before.format !== next.format) {
    intents.push(reminders(next));
  }
  return intents;
};

const reminders = (event: EventRecord): Intent => ({
  type: 'reminders',
  eventId: event.id,
  slots: reminderSlots(event),
});

/** 24 hours before every event; 1 hour before those people join online (where a link is easy to lose). */
export const reminderSlots = (event: Pick<EventRecord, 'startsAt' | 'format'>): ReminderSlot[] =>
  reminderWindows
    .filter((window) => window === '24h' || event.format !== 'in_person')
    .map((window) => ({ window, at: reminderTime(event, window) }));

export const reminderTime = (event: Pick<EventRecord, 'startsAt'>, window: ReminderWindow): string =>
  new Date(Date.parse(event.startsAt) - WINDOW_MS[window]).toISOString();

/** A scheduler may fire a little early; more than this means the schedule is stale (the event moved). */
const EARLY_TOLERANCE_MS = 5 * 60_000;

/** Whether the reminder for `window` may go now: the event is on, the window reached, not started. */
export const reminderDue = (event: EventRecord, window: ReminderWindow, now: Date): boolean =>
  event.status === 'published' &&
  reminderSlots(event).some((slot) => slot.window === window) &&
  now.getTime() >= Date.parse(reminderTime(event, window)) - EARLY_TOLERANCE_MS &&
  now.toISOString() < event.startsAt;

/**
 * Who a fan-out reaches. A change and a cancellation: everyone still holding a place (those
 * waiting or unconfirmed need the new time too; only seat holders get an invitation with it,
 * inviteMethodFor). Reminders: seat holders.
 */
export const fanoutRecipients: Record<FanoutKind, readonly RegistrationStatus[]> = {
  event_changed: ['confirmed', 'pending_confirmation', 'waitlisted'],
  event_cancelled: ['confirmed', 'pending_confirmation', 'waitlisted'],
  reminder: ['confirmed'],
};

/** One registrant's message of a fan-out page. */
export const fanoutMessage = (
  job: Pick<FanoutJob, 'kind' | 'eventId' | 'sequence' | 'window' | 'changes'>,
  registration: Pick<RegistrationRecord, 'id' | 'emailKey'>,
): MessageIntent => ({
  kind: job.kind,
  eventId: job.eventId,
  registrationId: registration.id,
  emailKey: registration.emailKey,
  dedupeKey:
    job.kind === 'reminder'
      ? `${registration.id}#reminder-${job.window}`
      : `${registration.id}#${job.kind}#seq${job.sequence}`,
  ...(job.window ? { window: job.window } : {}),
  ...(job.changes ? { changes: job.changes } : {}),
});

/**
 * Whether a message still fits what is stored when it is finally sent (the stream and the
 * queue lag; people cancel, get promoted, events get cancelled meanwhile). Stale messages
 * are dropped rather than sent: the later change brings its own message.
 */
export const stillFits = (
  kind: MessageKind,
  registration: RegistrationRecord,
  event: EventRecord,
  now: Date,
  window?: ReminderWindow,
): boolean => {
  const status = registration.status;
  const eventOn = event.status === 'published';
  switch (kind) {
    case 'confirmed':
    case 'promoted':
      return eventOn && status === 'confirmed';
    case 'waitlisted':
      return eventOn && status === 'waitlisted';
    case 'pending_confirmation':
    case 'promoted_pending':
      return eventOn && status === 'pending_confirmation';
    case 'cancelled_by_attendee':
    case 'cancelled_by_organiser':
    case 'hold_expired':
      return status === 'cancelled';
    case 'manage_link':
      return status !== 'cancelled';
    case 'erased':
      // Not for the TTL's removal after the event, nor for an event already cancelled (told then).
      return eventOn && status === 'confirmed' && now.toISOString() < event.endsAt;
    case 'event_changed':
      return eventOn && fanoutRecipients.event_changed.includes(status);
    case 'event_cancelled':
      return event.status === 'cancelled' && fanoutRecipients.event_cancelled.includes(status);
    case 'reminder':
      return (
        window !== undefined &&
        reminderDue(event, window, now) &&
        status === 'confirmed' &&
        // Someone seated after the reminder time has just had their confirmation instead.
        (registration.confirmedAt ?? registration.updatedAt) <= reminderTime(event, window)
      );
  }
};
