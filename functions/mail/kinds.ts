import type { EventChange, EventRecord, Organiser } from '../events/model.js';
import type { Language } from '../platform/fields.js';
import { holdsDoorSeat, type RegistrationRecord, registrantJoinUrl } from '../registrations/model.js';

/**
 * The messages there are, what each is rendered from, and what each carries besides its
 * words: the join URL and a calendar invitation.
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
  'not_reconfirmed',
  'manage_link',
  'erased',
] as const;
export type RegistrationKind = (typeof registrationKinds)[number];

/** Messages about an event, sent to many registrants through the fan-out queue. */
export const fanoutKinds = [
  'event_changed',
  'event_cancelled',
  'reminder',
  'reconfirm_ask',
  'follow_up_attended',
  'follow_up_absent',
] as const;
export type FanoutKind = (typeof fanoutKinds)[number];

/** Every message kind: each is decided by one of the two ways above (notify/decide.ts). */
export const messageKinds = [...registrationKinds, ...fanoutKinds] as const;
export type MessageKind = (typeof messageKinds)[number];

export interface MessageContext {
  /** `locale` may be missing on old records: the event's language is used then. */
  registration: Pick<RegistrationRecord, 'name' | 'mailboxProvenAt' | 'status' | 'holdExpiresAt'> & {
    locale?: Language;
  };
  event: EventRecord;
  organiser: Pick<Organiser, 'name'>;
  /** The registrant's own manage link (`manageUrl()` of the registrations model). */
  manageUrl: string;
  /** 1-based, for `waitlisted`. */
  waitlistPosition?: number;
  /** For `event_changed`: what changed (`eventChanges()` of the events model), to say so. */
  changes?: readonly EventChange[];
  /** The public event page, offered to register again after a released hold. */
  eventUrl?: string;
  /** The registrant's personal join link (`personalJoinUrl()`): the raw join URL is never emailed. */
  joinLink?: string;
  /** The registrant's check-in code (registrations/attendance-code.ts); shown where `checkInCodeFor` says. */
  checkInCode?: string;
}

/** Kinds whose message may carry the join link (and only to whom `registrantJoinUrl` allows). */
const JOIN_KINDS: ReadonlySet<MessageKind> = new Set(['confirmed', 'promoted', 'event_changed', 'reminder']);

/** The personal join link, or null when this registrant must not see it in this message. */
export const joinUrlFor = (
  kind: MessageKind,
  context: Pick<MessageContext, 'registration' | 'event' | 'joinLink'>,
) => (JOIN_KINDS.has(kind) ? registrantJoinUrl(context.registration, context.event, context.joinLink) : null);

/** Kinds that carry a seat holder's check-in code, as a QR code for the door. */
const CHECK_IN_KINDS: ReadonlySet<MessageKind> = new Set(['confirmed', 'promoted', 'reminder']);

/** The check-in code to show, or null: a seat holder's, for an event with a door (not online only). */
export const checkInCodeFor = (
  kind: MessageKind,
  { registration, event, checkInCode }: Pick<MessageContext, 'registration' | 'event' | 'checkInCode'>,
): string | null =>
  CHECK_IN_KINDS.has(kind) && checkInCode && holdsDoorSeat(registration, event) ? checkInCode : null;

/**
 * Which calendar invitation goes with a message: REQUEST puts (or updates) the event in the
 * registrant's calendar, CANCEL takes it out. Nothing for those without a seat (a waitlisted
 * or unconfirmed registrant must not find the event in their calendar as if it were theirs).
 */
export const inviteMethodFor = (
  kind: MessageKind,
  registration: Pick<RegistrationRecord, 'status'>,
): 'REQUEST' | 'CANCEL' | undefined => {
  switch (kind) {
    case 'confirmed':
    case 'promoted':
      return 'REQUEST';
    case 'event_changed':
      return registration.status === 'confirmed' ? 'REQUEST' : undefined;
    case 'cancelled_by_attendee':
    case 'cancelled_by_organiser':
    case 'hold_expired':
    case 'not_reconfirmed':
    case 'erased':
    case 'event_cancelled':
      return 'CANCEL';
    default:
      return undefined;
  }
};
