import { calendarLinks } from '../calendar/links.js';
import type { EventRecord, SeatQuota, SeatQuotas } from '../events/model.js';
import { AppError } from '../platform/errors.js';
import type { Language } from '../platform/fields.js';
import { PRIVACY_VERSION } from '../platform/privacy.js';
import { emailKey, hashToken, normaliseEmail, sealToken } from '../platform/tokens.js';
import { type MarketingConsent, marketingConsentGiven, sourceToKeep } from '../sources/model.js';
import type { RegistrationSource } from '../sources/schemas.js';
import type { AttendanceCodes } from './attendance-code.js';
import { eventPhase, isReplaced, offersFor } from './lifecycle.js';
import type { RegistrationInput, RegistrationStatus } from './schemas.js';

/**
 * The registration domain rules, in one place: who gets a seat, who waits, what a
 * registration looks like, and what each reader may see of it.
 */

export type Answers = Record<string, string | boolean>;

export interface RegistrationRecord {
  id: string;
  eventId: string;
  /** Hash of the normalised email: the per-event uniqueness key. */
  emailKey: string;
  name: string;
  email: string;
  company?: string;
  jobTitle?: string;
  answers: Answers;
  locale: Language;
  status: RegistrationStatus;
  /** The seat quota (shard) whose counters count this registration. */
  shard: number;
  /** Arrival ticket while (or since) waitlisted: the FIFO order. */
  waitTicket?: number;
  /** Hashes of the manage tokens sent by email (a resend adds one; old links keep working). */
  tokenHashes: string[];
  /** The newest emailed manage token, sealed, for the mailer. */
  tokenSealed: string;
  /**
   * Hash of the token the `201` answer carried: it opens the registration but never confirms
   * it, since whoever sent the form holds it without owning the mailbox. None when the
   * answer carried no token (a seat pending confirmation).
   */
  answerTokenHash?: string;
  /** Until when an unconfirmed double opt-in holds its seat. */
  holdExpiresAt?: string;
  consentAt: string;
  /** The privacy text agreed to (PRIVACY_VERSION then); absent on registrations made before it was kept. */
  consentVersion?: string;
  /** Where the person came from (utm/ref parameters, the embedding page); absent: direct. */
  source?: RegistrationSource;
  /** Only when the event's marketing box was ticked: its text then, and when. */
  marketingConsent?: MarketingConsent;
  createdAt: string;
  updatedAt: string;
  confirmedAt?: string;
  /**
   * When the person confirmed from an emailed link, proving they own the mailbox. Until then
   * the name typed in the form stays out of every email (see `addresseeName`).
   */
  mailboxProvenAt?: string;
  cancelledAt?: string;
  /** `not_reconfirmed`: released at the event's reconfirmation deadline (`reconfirmBy`). */
  cancelledBy?: 'attendee' | 'organiser' | 'expired' | 'event' | 'not_reconfirmed';
  checkedInAt?: string;
  /** When the person answered "still coming" (a reminder's or the reconfirmation's ask). */
  reconfirmedAt?: string;
  /** Their calendar's answer to the invitation (an iTIP REPLY), and when it came. */
  rsvp?: Rsvp;
  rsvpAt?: string;
  /**
   * Which answer `rsvp` is, as calendars order them (RSVP_ORDER): a later answer replaces it
   * only if it comes after it, so answers delivered out of order or twice act once.
   */
  rsvpOrder?: string;
  /** First time they followed their personal join link (online and hybrid events). */
  joinedAt?: string;
  /** Set when a manage link must be (re)sent by email: the stream carries it to the mailer. */
  linkRequestedAt?: string;
  /**
   * Added to the invitation's SEQUENCE, so the new invitation outranks the CANCEL the address
   * received for its last registration: how many it had before this one (each cancelled, kept
   * under its own key, see `archivedEmailKey`), or, with none kept, how many of the event's
   * registrations had been erased (see `newSequenceOffset`).
   */
  sequenceOffset?: number;
}

export type Rsvp = 'accepted' | 'declined' | 'tentative';

/** A calendar's answer, ready to store: what, when it came, and its place among the person's answers. */
export interface RsvpAnswer {
  rsvp: Rsvp;
  at: string;
  order: string;
}

/**
 * An answer's place: the invitation's SEQUENCE it answers, then its DTSTAMP (RFC 5546 2.1.5),
 * as text that sorts (a SEQUENCE fits in ten digits, DTSTAMP is ISO in UTC).
 */
export const rsvpOrder = (sequence: number, stamp: string): string =>
  `${String(sequence).padStart(10, '0')}#${stamp}`;

/** Whether an answer comes after the one stored (none stored: it does). */
export const answersLater = (registration: Pick<RegistrationRecord, 'rsvpOrder'>, order: string): boolean =>
  registration.rsvpOrder === undefined || registration.rsvpOrder < order;

/** How far the person is known to be coming (API.md, "Attendance"): only what happened. */
export const attendanceOf = (registration: RegistrationRecord) => ({
  ...(registration.reconfirmedAt ? { reconfirmedAt: registration.reconfirmedAt } : {}),
  ...(registration.checkedInAt ? { checkedInAt: registration.checkedInAt } : {}),
  ...(registration.joinedAt ? { joinedAt: registration.joinedAt } : {}),
  ...(registration.rsvp ? { rsvp: registration.rsvp } : {}),
});

export type SeatDecision =
  | { kind: 'seat'; status: 'confirmed' | 'pending_confirmation'; shard: number }
  | { kind: 'waitlist'; shard: number };

export const shardHasRoom = (shard: SeatQuota): boolean =>
  shard.capacity === undefined || shard.held < shard.capacity;

const pickOne = <T>(items: T[], random: () => number): T | undefined =>
  items[Math.floor(random() * items.length)];

/**
 * Seat, waitlist or refusal, from the seat quotas as last read, with the quota to try: a seat
 * from a random shard with room (spreading a rush over the shards), a waitlist place on a
 * random shard that is full or has people waiting. The same rules are written as
 * condition expressions (seatConditions) so the database re-checks them atomically on
 * that shard; a stale read only costs a retry, never a wrong seat.
 */
export const decideRegistration = (
  seats: SeatQuotas | undefined,
  now: string,
  random: () => number = Math.random,
): SeatDecision => {
  if (!seats || seats.status === 'draft') throw new AppError('not_found', 'Event not found');
  if (seats.status === 'cancelled') throw new AppError('event_cancelled', 'This event has been cancelled');
  if (seats.opensAt && now < seats.opensAt) {
    throw new AppError('registration_closed', `Registration opens at ${seats.opensAt}`);
  }
  if (now >= seats.closesAt)
    throw new AppError('registration_closed', 'Registration for this event is closed');
  // First come, first served: while anyone waits, newcomers queue behind them.
  const withRoom = seats.waitlisted === 0 ? seats.shards.filter(shardHasRoom) : [];
  const seat = pickOne(withRoom, random);
  if (seat) {
    const status = seats.requireConfirmation ? 'pending_confirmation' : 'confirmed';
    return { kind: 'seat', status, shard: seat.shard };
  }
  const queue = pickOne(
    seats.shards.filter((shard) => !shardHasRoom(shard) || shard.waitlisted > 0),
    random,
  );
  if (seats.waitlistEnabled && queue) return { kind: 'waitlist', shard: queue.shard };
  throw new AppError('event_full', 'This event is full');
};

/** Seats free while people wait: the waitlist must move up. */
export const canPromote = (seats: SeatQuotas): boolean =>
  seats.status === 'published' && seats.waitlisted > 0 && seats.shards.some(shardHasRoom);

const OPEN_WINDOW =
  '#status = :published AND (attribute_not_exists(#opensAt) OR #opensAt <= :now) AND #closesAt > :now';
const FREE_SEAT = '(attribute_not_exists(#capacity) OR #held < #capacity)';

/** Conditions on one shard; placeholders are the attribute's own name with `#`. */
export const seatConditions = {
  /** A new seat: open, a seat free, nobody waiting on this shard (see decideRegistration). */
  seat: `${OPEN_WINDOW} AND ${FREE_SEAT} AND #waitlisted = :zero AND #requireConfirmation = :requireConfirmation`,
  /** The waitlist: open, waitlist on, and this shard full or people already waiting on it. */
  waitlist: `${OPEN_WINDOW} AND #waitlistEnabled = :true AND (#held >= #capacity OR #waitlisted > :zero)`,
  /** The shard a person moves up into from the waitlist. */
  promotion: `#status = :published AND ${FREE_SEAT}`,
} as const;

/**
 * A waitlist ticket: the arrival time in thousandths of a millisecond, with random low digits
 * so that containers rarely tie (ties are ordered by registration id). FIFO comes from the
 * clock rather than from a counter item, which would be one hot item for every waitlister.
 * Within one container tickets strictly increase.
 */
let lastTicket = 0;
export const nextWaitTicket = (): number => {
  lastTicket = Math.max(lastTicket + 1, Date.now() * 1000 + Math.floor(Math.random() * 1000));
  return lastTicket;
};

/** Waitlist order: ticket, then id (tickets from two containers may tie). */
export const byArrival = (a: { waitTicket?: number; id: string }, b: { waitTicket?: number; id: string }) =>
  (a.waitTicket ?? 0) - (b.waitTicket ?? 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The answer to one question, if the person gave one: own properties only, so a question called
 * `toString` is not answered by every object's method of that name.
 */
export const answerTo = (answers: Answers, questionId: string): Answers[string] | undefined =>
  Object.hasOwn(answers, questionId) ? answers[questionId] : undefined;

/** Keeps only answers to the event's questions and checks them against each question. */
export const checkAnswers = (questions: EventRecord['questions'], answers: Answers = {}): Answers => {
  const fields: Record<string, string> = {};
  const kept: Answers = {};
  for (const question of questions) {
    const answer = answerTo(answers, question.id);
    const field = `answers.${question.id}`;
    if (answer === undefined || answer === '' || answer === false) {
      if (question.required) fields[field] = 'Required';
      continue;
    }
    if (question.type === 'checkbox' && typeof answer !== 'boolean') fields[field] = 'Expected true or false';
    else if (question.type !== 'checkbox' && typeof answer !== 'string') fields[field] = 'Expected text';
    else if (question.type === 'select' && !question.options?.includes(answer as string)) {
      fields[field] = 'Not one of the options';
    } else kept[question.id] = answer;
  }
  if (Object.keys(fields).length > 0) {
    throw new AppError('validation_failed', 'Some answers are missing or not valid', fields);
  }
  return kept;
};

export const newRegistration = (
  input: RegistrationInput & { answers: Answers },
  context: {
    id: string;
    event: EventRecord;
    decision: SeatDecision;
    /** The token the emails carry. */
    token: string;
    /** The token the answer carries, if any. */
    answerToken?: string;
    tokenKey: Buffer;
    holdMinutes: number;
    now: Date;
    /** The cancelled registration of the same address this one replaces. */
    replacing?: RegistrationRecord;
    /** Registrations of this event erased so far (the seat quotas' count). */
    erasedBefore?: number;
  },
): RegistrationRecord => {
  const { id, event, decision, token, answerToken, tokenKey, holdMinutes, now, replacing } = context;
  const at = now.toISOString();
  const sequenceOffset = newSequenceOffset(replacing, context.erasedBefore ?? 0);
  const status = decision.kind === 'seat' ? decision.status : 'waitlisted';
  return {
    id,
    eventId: event.id,
    emailKey: emailKey(input.email),
    name: input.name,
    email: normaliseEmail(input.email),
    ...(input.company ? { company: input.company } : {}),
    ...(input.jobTitle ? { jobTitle: input.jobTitle } : {}),
    answers: input.answers,
    locale: input.locale ?? event.language,
    status,
    shard: decision.shard,
    ...(status === 'waitlisted' ? { waitTicket: nextWaitTicket() } : {}),
    tokenHashes: [hashToken(token)],
    tokenSealed: sealToken(token, tokenKey),
    ...(answerToken ? { answerTokenHash: hashToken(answerToken) } : {}),
    ...(status === 'pending_confirmation' ? { holdExpiresAt: holdUntil(now, holdMinutes) } : {}),
    ...(status === 'confirmed' ? { confirmedAt: at } : {}),
    ...(sequenceOffset ? { sequenceOffset } : {}),
    consentAt: at,
    consentVersion: PRIVACY_VERSION,
    ...sourceAndMarketing(input, event, at),
    createdAt: at,
    updatedAt: at,
  };
};

/**
 * How far a new registration's invitations raise the event's SEQUENCE, so that they outrank
 * every CANCEL its address already got for this event (a calendar ignores a REQUEST at or
 * below it). Past a replaced registration of the address, one more than that one's. Else the
 * address may still have had an erased registration, which left no trace of the address, so
 * the event's erasure count stands in: erasing a registration and the k it replaced counts
 * k + 1, above the k its CANCEL carried.
 */
const newSequenceOffset = (replacing: RegistrationRecord | undefined, erasedBefore: number): number =>
  replacing ? (replacing.sequenceOffset ?? 0) + 1 : erasedBefore;

/** The source and marketing consent a new registration keeps (functions/sources/). */
const sourceAndMarketing = (input: RegistrationInput, event: EventRecord, at: string) => {
  const source = sourceToKeep(input.source);
  const marketingConsent = marketingConsentGiven(input.marketingConsent, event, at);
  return { ...(source ? { source } : {}), ...(marketingConsent ? { marketingConsent } : {}) };
};

export const holdUntil = (now: Date, minutes: number): string =>
  new Date(now.getTime() + minutes * 60_000).toISOString();

/**
 * The name an email to the registrant may carry: none until the mailbox is proven. Anyone may
 * type any address and any "name" in the form; without this rule the name is free text (a link,
 * a message) that our emails would deliver to a stranger under the organiser's name. Once the
 * owner of the mailbox has confirmed from an emailed link, the name is theirs to see.
 */
export const addresseeName = (
  registration: Pick<RegistrationRecord, 'name' | 'mailboxProvenAt'>,
): string | undefined => (registration.mailboxProvenAt ? registration.name : undefined);

/** Whether the registration still counts: a cancelled one may be replaced by a new one. */
export const isLive = (registration: RegistrationRecord): boolean => registration.status !== 'cancelled';

/** How many manage links stay valid at once; the oldest is dropped past this. */
export const MAX_MANAGE_LINKS = 5;

export const manageUrl = (baseUrl: string, registrationId: string, token: string): string =>
  // The token rides in the fragment: browsers never send it to servers, logs or referrers.
  `${registrationPageUrl(baseUrl, registrationId)}&token=${encodeURIComponent(token)}`;

/**
 * The registration's page without its secret: what calendar entries carry, since a calendar is
 * often shared. It can only ask for the manage link to be emailed to the registrant.
 */
export const registrationPageUrl = (baseUrl: string, registrationId: string): string =>
  `${baseUrl}/manage#registration=${encodeURIComponent(registrationId)}`;

/**
 * The registrant's personal join link (`GET /j/{code}`, functions/api/public/join.ts): what
 * emails, invitations and the manage page give instead of the event's join URL, which it
 * redirects to when the time comes, so the organiser may change that URL at any time.
 */
export const personalJoinUrl = (
  baseUrl: string,
  codes: Pick<AttendanceCodes, 'for'>,
  registrationId: string,
): string | undefined => {
  const code = codes.for(registrationId);
  return code ? `${baseUrl}/j/${code}` : undefined;
};

/**
 * What the registrant sees, with what they may do (`offers`, from lifecycle.ts). The join URL
 * only on manage endpoints; calendar links only with a token (never in the `201` of a seat
 * pending confirmation, which carries none).
 */
export const registrationView = (
  registration: RegistrationRecord,
  event: EventRecord,
  options: {
    baseUrl: string;
    token?: string;
    waitlistPosition?: number;
    /** The position is an estimate (the `201`'s): the manage page and the email give the exact one. */
    waitlistPositionProvisional?: true;
    /** The personal join link (personalJoinUrl), on manage endpoints; shown when the seat has one. */
    joinLink?: string;
    now: Date;
    /** The registration's check-in code (registrations/attendance-code.ts), shown to a seat holder only. */
    checkInCode?: string | undefined;
  },
) => {
  const offers = offersFor(registration, event, options.now);
  return {
    id: registration.id,
    eventId: registration.eventId,
    status: registration.status,
    ...(options.waitlistPosition === undefined ? {} : { waitlistPosition: options.waitlistPosition }),
    ...(options.waitlistPosition !== undefined && options.waitlistPositionProvisional
      ? { waitlistPositionProvisional: true as const }
      : {}),
    name: registration.name,
    email: registration.email,
    locale: registration.locale,
    createdAt: registration.createdAt,
    ...(registration.holdExpiresAt && registration.status === 'pending_confirmation'
      ? { confirmBy: registration.holdExpiresAt }
      : {}),
    event: {
      id: event.id,
      title: event.title,
      // The manage page says so when the organiser cancelled the event.
      status: event.status,
      phase: eventPhase(event, options.now),
      startsAt: event.startsAt,
      endsAt: event.endsAt,
      timeZone: event.timeZone,
      format: event.format,
      ...(event.venue ? { venue: event.venue } : {}),
    },
    offers: {
      confirm: offers.confirm,
      cancel: offers.cancel,
      calendar: offers.calendar,
      registerAgain: offers.registerAgain,
    },
    attendance: attendanceOf(registration),
    // This address registered again since: the old link says where the live registration is.
    ...(isReplaced(registration) ? { registeredAgain: true as const } : {}),
    ...(options.joinLink && offers.joinUrl ? { joinUrl: options.joinLink } : {}),
    ...(options.checkInCode && holdsDoorSeat(registration, event)
      ? { checkInCode: options.checkInCode }
      : {}),
    ...(options.token !== undefined && offers.calendar
      ? {
          calendarLinks: calendarLinks(event, {
            baseUrl: options.baseUrl,
            registrationId: registration.id,
            token: options.token,
          }),
        }
      : {}),
  };
};

/** What the organiser sees in the registrations table and export. */
export const adminRegistrationView = (registration: RegistrationRecord, waitlistPosition?: number) => ({
  id: registration.id,
  eventId: registration.eventId,
  status: registration.status,
  ...(waitlistPosition === undefined ? {} : { waitlistPosition }),
  name: registration.name,
  email: registration.email,
  company: registration.company ?? null,
  jobTitle: registration.jobTitle ?? null,
  answers: registration.answers,
  locale: registration.locale,
  createdAt: registration.createdAt,
  updatedAt: registration.updatedAt,
  confirmedAt: registration.confirmedAt ?? null,
  cancelledAt: registration.cancelledAt ?? null,
  cancelledBy: registration.cancelledBy ?? null,
  checkedInAt: registration.checkedInAt ?? null,
  attendance: attendanceOf(registration),
  consentAt: registration.consentAt,
  consentVersion: registration.consentVersion ?? null,
  source: registration.source ?? null,
  marketingConsent: registration.marketingConsent ?? null,
});

/** Whether the registrant has a check-in code to show at the door: a seat at an event that has one. */
export const holdsDoorSeat = (
  registration: Pick<RegistrationRecord, 'status'>,
  event: Pick<EventRecord, 'format' | 'status'>,
): boolean =>
  registration.status === 'confirmed' && event.format !== 'online' && event.status !== 'cancelled';

/**
 * The join link a registrant may be given now, or null (lifecycle.ts decides): their personal
 * link, never the event's join URL itself.
 */
export const registrantJoinUrl = (
  registration: Pick<RegistrationRecord, 'status'>,
  event: Pick<EventRecord, 'status' | 'endsAt' | 'format' | 'joinUrl'>,
  joinLink: string | undefined,
  now?: Date,
): string | null => (offersFor(registration, event, now).joinUrl && joinLink) || null;

/** A new manage link goes out by email at most this often per registration. */
export const MANAGE_LINK_RESEND_MINUTES = 10;

/**
 * Whether a manage link was sent too recently to send another: registering again or a resend
 * cannot flood a mailbox (30 attempts in a row send one link, not 30).
 */
export const manageLinkSentRecently = (
  registration: Pick<RegistrationRecord, 'linkRequestedAt'>,
  now: Date,
) =>
  registration.linkRequestedAt !== undefined &&
  now.getTime() - Date.parse(registration.linkRequestedAt) < MANAGE_LINK_RESEND_MINUTES * 60_000;
