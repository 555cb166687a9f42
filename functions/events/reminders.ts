import type { EventFormat } from './schemas.js';

/**
 * When an event reminds and asks (API.md, "Attendance"): its reminder offsets, with defaults by
 * format, and the reconfirmation's ask and deadline. Pure and browser-safe (the schemas use it).
 */

/**
 * An offset before the start, as an ISO 8601 duration: weeks, days, hours and minutes only
 * (years and months have no fixed length), e.g. `P1D`, `PT1H`, `P1DT12H`, `P2W`.
 */
const DURATION = /^P(?:(\d{1,3})W)?(?:(\d{1,3})D)?(?:T(?:(\d{1,4})H)?(?:(\d{1,5})M)?)?$/;

/** Bounds: a reminder at least a minute before the start, at most 60 days; at most 5 per event. */
export const MIN_OFFSET_MS = 60_000;
export const MAX_OFFSET_MS = 60 * 86_400_000;
export const MAX_REMINDERS = 5;

/** The duration in milliseconds, or undefined when it is not one we take. */
export const offsetMs = (duration: string): number | undefined => {
  const match = DURATION.exec(duration);
  if (!match || duration === 'P' || duration.endsWith('T')) return undefined;
  const [weeks, days, hours, minutes] = match.slice(1).map((part) => Number(part ?? 0)) as number[];
  const ms = (((weeks ?? 0) * 7 + (days ?? 0)) * 24 * 60 + (hours ?? 0) * 60 + (minutes ?? 0)) * 60_000;
  return ms >= MIN_OFFSET_MS && ms <= MAX_OFFSET_MS ? ms : undefined;
};

/** A webinar's link is easy to lose: online and hybrid events also remind an hour before. */
export const defaultReminders = (format: EventFormat): string[] =>
  format === 'in_person' ? ['P1D'] : ['P1D', 'PT1H'];

/** The event's reminder offsets: its own, or the defaults of its format (also for events stored before). */
export const reminderOffsets = (event: { format: EventFormat; reminders?: string[] | null }): string[] =>
  event.reminders ?? defaultReminders(event.format);

/** By default people are asked two days before the deadline. */
export const DEFAULT_ASK_BEFORE_MS = 48 * 3_600_000;

export interface Reconfirmation {
  reconfirmBy?: string | null;
  reconfirmAskAt?: string | null;
}

/** When confirmed registrants are asked "still coming?"; undefined without a deadline. */
export const reconfirmAskAt = (event: Reconfirmation): string | undefined => {
  if (!event.reconfirmBy) return undefined;
  return (
    event.reconfirmAskAt ?? new Date(Date.parse(event.reconfirmBy) - DEFAULT_ASK_BEFORE_MS).toISOString()
  );
};

/**
 * Whether a confirmed registration has answered "still coming" as far as the deadline cares:
 * they said so, or they were seated once the ask had gone out (their confirmation, or their
 * promotion, is that answer; they are never asked nor released). A rule rather than a stored
 * mark, so no path that seats someone has to remember to set it.
 */
export const isReconfirmed = (
  registration: { reconfirmedAt?: string; confirmedAt?: string },
  event: Reconfirmation,
): boolean => {
  if (registration.reconfirmedAt) return true;
  const askAt = reconfirmAskAt(event);
  return askAt !== undefined && registration.confirmedAt !== undefined && registration.confirmedAt >= askAt;
};

/** Who the deadline releases: a confirmed seat, not reconfirmed, not checked in. */
export const releasable = (
  registration: { status: string; reconfirmedAt?: string; confirmedAt?: string; checkedInAt?: string },
  event: Reconfirmation,
): boolean =>
  Boolean(event.reconfirmBy) &&
  registration.status === 'confirmed' &&
  !registration.checkedInAt &&
  !isReconfirmed(registration, event);

/** Follow-ups go an hour after the end: the door has closed and late check-ins are in. */
export const FOLLOW_UP_AFTER_END_MS = 3_600_000;

/** How late a missed follow-up may still go (a scheduler or tick that was down); later, none. */
export const FOLLOW_UP_LATEST_MS = 3 * 86_400_000;

export interface FollowUpTexts {
  endsAt: string;
  followUp?: { attended?: unknown; absent?: unknown } | null;
}

/**
 * When the follow-ups go; undefined when the organiser wrote neither text (nothing is sent by
 * default: a generic "thanks for coming" in our words would speak for the organiser).
 */
export const followUpAt = (event: FollowUpTexts): string | undefined =>
  event.followUp?.attended || event.followUp?.absent
    ? new Date(Date.parse(event.endsAt) + FOLLOW_UP_AFTER_END_MS).toISOString()
    : undefined;
