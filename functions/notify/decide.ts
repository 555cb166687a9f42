import { type EventChange, type EventRecord, eventChanges } from '../events/model.js';
import {
  FOLLOW_UP_LATEST_MS,
  followUpAt,
  offsetMs,
  reconfirmAskAt,
  releasable,
  reminderOffsets,
} from '../events/reminders.js';
import type { FanoutKind, MessageKind, RegistrationKind } from '../mail/kinds.js';
import { REGISTRATION_PREFIX } from '../platform/keys.js';
import type { RegistrationRecord } from '../registrations/model.js';
import type { RegistrationStatus } from '../registrations/schemas.js';
import type { WebhookEventType } from '../webhooks/model.js';

/**
 * The notification rules, in one place: which state change earns which message, who a
 * fan-out reaches, when reminders are due, and whether a message still fits the state found
 * when it is finally sent. Pure: no I/O, so the stream handler, the fan-out worker, the
 * reminder handler and the local tick all read the same rules.
 */

/**
 * What a fan-out page does to each registrant: a message, the reconfirmation deadline's release,
 * or the follow-up (each seat holder gets the attended or the absent message: followUpKind).
 */
export type PageKind = FanoutKind | 'release' | 'follow_up';

/**
 * What one schedule fires: a reminder, named by its offset in hours or minutes (`24h`, `1h`,
 * `90m`: `P1D` and `PT24H` are one reminder, and names stay those of the fixed windows before),
 * or a step of the reconfirmation: the ask, and the deadline that releases seats.
 */
export type ReminderWindow = string;
export const RECONFIRM_ASK = 'reconfirm-ask';
export const RECONFIRM_BY = 'reconfirm-by';
/** After the end: the follow-ups (followUpAt). */
export const FOLLOW_UP = 'follow-up';
const OFFSET_WINDOW = /^(\d{1,6})(h|m)$/;

export const isReminderWindow = (window: unknown): window is ReminderWindow =>
  typeof window === 'string' &&
  (window === RECONFIRM_ASK || window === RECONFIRM_BY || window === FOLLOW_UP || OFFSET_WINDOW.test(window));

/** The window of a reminder offset (an ISO 8601 duration already validated). */
export const windowOf = (duration: string): ReminderWindow => {
  const minutes = Math.round((offsetMs(duration) ?? 0) / 60_000);
  return minutes % 60 === 0 ? `${minutes / 60}h` : `${minutes}m`;
};

const windowMs = (window: ReminderWindow): number => {
  const [, amount, unit] = OFFSET_WINDOW.exec(window) ?? [];
  return Number(amount) * (unit === 'h' ? 3_600_000 : 60_000);
};

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
  kind: PageKind;
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
  /** Replace the event's reminders by `slots` (none: remove them all); `stale` ones it had are removed. */
  | { type: 'reminders'; eventId: string; slots: ReminderSlot[]; stale: ReminderWindow[] }
  /**
   * Someone joined the waitlist: seat the queue if a seat is free (on another quota, freed
   * just before; see registrations/register.ts).
   */
  | { type: 'seatWaiters'; eventId: string };

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
  not_reconfirmed: 'not_reconfirmed',
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
    const seatWaiters: Intent[] =
      next.status === 'waitlisted' ? [{ type: 'seatWaiters', eventId: next.eventId }] : [];
    // Seats first: a message that keeps failing must not keep a free seat from the queue.
    return [...seatWaiters, ...(kind ? [message(kind, next.updatedAt)] : [])];
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
    return before?.status === 'published' ? [reminders(undefined, before)] : [];
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
    intents.push(reminders(undefined, before));
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
  // The start, the format (its default offsets), the offsets and the reconfirmation all move them.
  const slots = reminderSlots(next);
  if (before.status !== 'published' || JSON.stringify(slots) !== JSON.stringify(reminderSlots(before))) {
    intents.push(reminders(next, before));
  }
  return intents;
};

/** The event's schedules become `next`'s (none without it); those only `before` had go. */
const reminders = (next: EventRecord | undefined, before?: EventRecord): Intent => {
  const slots = next ? reminderSlots(next) : [];
  const kept = new Set(slots.map((slot) => slot.window));
  const stale = (before ? reminderSlots(before) : []).map((slot) => slot.window).filter((w) => !kept.has(w));
  return { type: 'reminders', eventId: (next ?? before)?.id ?? '', slots, stale };
};

type Scheduled = Pick<
  EventRecord,
  'startsAt' | 'endsAt' | 'format' | 'reminders' | 'reconfirmBy' | 'reconfirmAskAt' | 'followUp'
>;

/**
 * Every schedule of an event: its reminders (its own offsets, or its format's defaults), with
 * a reconfirmation deadline the ask and the deadline, and with a follow-up text the follow-ups.
 */
export const reminderSlots = (event: Scheduled): ReminderSlot[] => {
  const slots = reminderOffsets(event).map((duration) => {
    const window = windowOf(duration);
    return { window, at: reminderTime(event, window) };
  });
  const askAt = reconfirmAskAt(event);
  if (event.reconfirmBy && askAt) {
    slots.push({ window: RECONFIRM_ASK, at: askAt }, { window: RECONFIRM_BY, at: event.reconfirmBy });
  }
  const followUp = followUpAt(event);
  if (followUp) slots.push({ window: FOLLOW_UP, at: followUp });
  return slots;
};

/** When a window's schedule fires (undefined: the event has no such window). */
export const reminderTime = (event: Scheduled, window: ReminderWindow): string => {
  if (window === RECONFIRM_ASK || window === RECONFIRM_BY || window === FOLLOW_UP) {
    return reminderSlots(event).find((slot) => slot.window === window)?.at ?? event.startsAt;
  }
  return new Date(Date.parse(event.startsAt) - windowMs(window)).toISOString();
};

/** A scheduler may fire a little early; more than this means the schedule is stale (the event moved). */
const EARLY_TOLERANCE_MS = 5 * 60_000;

/**
 * Whether `window` may go now: the event is on, has that window, it is reached (a reminder or
 * the ask may go a little early; the deadline never does), and the event has not started.
 */
export const reminderDue = (event: EventRecord, window: ReminderWindow, now: Date): boolean => {
  if (window === FOLLOW_UP) return followUpDue(event, now);
  const slot = reminderSlots(event).find((candidate) => candidate.window === window);
  if (event.status !== 'published' || !slot || now.toISOString() >= event.startsAt) return false;
  const tolerance = window === RECONFIRM_BY ? 0 : EARLY_TOLERANCE_MS;
  return now.getTime() >= Date.parse(slot.at) - tolerance;
};

/**
 * Whether the follow-ups may go now: the event took place (not cancelled), has a follow-up text,
 * its time is reached (never early: check-ins must be in) and not long past.
 */
export const followUpDue = (event: EventRecord, now: Date): boolean => {
  const at = followUpAt(event);
  if (event.status !== 'published' || !at) return false;
  return now.getTime() >= Date.parse(at) && now.getTime() < Date.parse(at) + FOLLOW_UP_LATEST_MS;
};

/**
 * Which follow-up a registrant gets: seat holders only; "attended" if they checked in or joined
 * online, "absent" otherwise; none when the organiser wrote no text for them.
 */
export const followUpKind = (
  registration: Pick<RegistrationRecord, 'status' | 'checkedInAt' | 'joinedAt'>,
  event: Pick<EventRecord, 'followUp'>,
): 'follow_up_attended' | 'follow_up_absent' | undefined => {
  if (registration.status !== 'confirmed') return undefined;
  const came = Boolean(registration.checkedInAt || registration.joinedAt);
  if (came) return event.followUp?.attended ? 'follow_up_attended' : undefined;
  return event.followUp?.absent ? 'follow_up_absent' : undefined;
};

/** Whether the reconfirmation deadline has passed (and the event is still to start): seats may go. */
export const releaseDue = (event: EventRecord, now: Date): boolean => reminderDue(event, RECONFIRM_BY, now);

/**
 * Who a fan-out reaches. A change and a cancellation: everyone still holding a place (those
 * waiting or unconfirmed need the new time too; only seat holders get an invitation with it,
 * inviteMethodFor). Reminders: seat holders.
 */
export const fanoutRecipients: Record<FanoutKind, readonly RegistrationStatus[]> = {
  event_changed: ['confirmed', 'pending_confirmation', 'waitlisted'],
  event_cancelled: ['confirmed', 'pending_confirmation', 'waitlisted'],
  reminder: ['confirmed'],
  reconfirm_ask: ['confirmed'],
  follow_up_attended: ['confirmed'],
  follow_up_absent: ['confirmed'],
};

const fanoutDedupeKey = (job: Pick<FanoutJob, 'sequence' | 'window'> & { kind: FanoutKind }, id: string) => {
  if (job.kind === 'reminder') return `${id}#reminder-${job.window}`;
  // Asked once per registration, whatever the deadline becomes.
  if (job.kind === 'reconfirm_ask') return `${id}#reconfirm_ask`;
  // One follow-up per registration, attended or absent, whatever happens in between.
  if (job.kind === 'follow_up_attended' || job.kind === 'follow_up_absent') return `${id}#follow_up`;
  return `${id}#${job.kind}#seq${job.sequence}`;
};

/** One registrant's message of a fan-out page. */
export const fanoutMessage = (
  job: Pick<FanoutJob, 'eventId' | 'sequence' | 'window' | 'changes'> & { kind: FanoutKind },
  registration: Pick<RegistrationRecord, 'id' | 'emailKey'>,
): MessageIntent => ({
  kind: job.kind,
  eventId: job.eventId,
  registrationId: registration.id,
  emailKey: registration.emailKey,
  dedupeKey: fanoutDedupeKey(job, registration.id),
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
    case 'not_reconfirmed':
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
    case 'reconfirm_ask':
      // Until the deadline, to those it could release (not those who answered or arrived since).
      return (
        reminderDue(event, RECONFIRM_ASK, now) &&
        now.toISOString() < (event.reconfirmBy ?? '') &&
        releasable(registration, event)
      );
    case 'follow_up_attended':
    case 'follow_up_absent':
      // Attendance is read again at sending time: the message fits who they turned out to be.
      return followUpDue(event, now) && followUpKind(registration, event) === kind;
  }
};

/**
 * What a change tells webhook subscribers (functions/webhooks/): decided here, from the same
 * stream changes as the messages. `changeKey` names the change, so a stream record read twice
 * gives the same delivery (and the same `webhook-id`).
 */
export interface WebhookHappening {
  type: WebhookEventType;
  eventId: string;
  registrationId?: string;
  occurredAt: string;
  changeKey: string;
}

export const webhookHappenings = ({ keys, oldImage, newImage }: StreamChange): WebhookHappening[] => {
  if (!newImage) return [];
  if (keys.sk.startsWith(REGISTRATION_PREFIX)) {
    const next = newImage as unknown as RegistrationRecord;
    const before = oldImage as unknown as RegistrationRecord | undefined;
    const arrived = !before || before.id !== next.id;
    const happening = (type: WebhookEventType, at: string): WebhookHappening => ({
      type,
      eventId: next.eventId,
      registrationId: next.id,
      occurredAt: at,
      changeKey: `${next.id}#${type}#${at}`,
    });
    const happenings: WebhookHappening[] = [];
    if (arrived) happenings.push(happening('registration.created', next.createdAt));
    if (arrived || before.status !== next.status) {
      const type = byStatus[next.status];
      if (type) happenings.push(happening(type, next.updatedAt));
    }
    if (next.checkedInAt && next.checkedInAt !== (arrived ? undefined : before.checkedInAt)) {
      happenings.push(happening('registration.checked_in', next.checkedInAt));
    }
    return happenings;
  }
  if (keys.sk !== 'EVENT' || !oldImage) return [];
  const next = newImage as unknown as EventRecord;
  const before = oldImage as unknown as EventRecord;
  const happening = (type: WebhookEventType): WebhookHappening[] => [
    { type, eventId: next.id, occurredAt: next.updatedAt, changeKey: `${next.id}#${type}#${next.updatedAt}` },
  ];
  if (next.status === 'cancelled' && before.status !== 'cancelled') return happening('event.cancelled');
  if (next.status === 'published' && before.status === 'published' && next.updatedAt !== before.updatedAt) {
    return happening('event.updated');
  }
  return [];
};

const byStatus: Record<RegistrationStatus, WebhookEventType | undefined> = {
  confirmed: 'registration.confirmed',
  waitlisted: 'registration.waitlisted',
  cancelled: 'registration.cancelled',
  // Pending is a seat held, not yet a registration to act on: `created` says it arrived.
  pending_confirmation: undefined,
};
