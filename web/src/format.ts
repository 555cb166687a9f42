import type { EventFormat, EventPublic } from './api.js';
import { type Key, locale, plural, t } from './i18n.js';

const LONG: Intl.DateTimeFormatOptions = {
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZoneName: 'short',
};

const SHORT: Intl.DateTimeFormatOptions = {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
  timeZoneName: 'short',
};

const TIME: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit' };

/** "mardi 14 octobre 2025, 08:30 – 10:30 UTC+2", read in `timeZone`. */
export const dateRange = (
  startsAt: string,
  endsAt: string | undefined,
  timeZone: string,
  short = false,
): string => {
  const format = new Intl.DateTimeFormat(locale(), { ...(short ? SHORT : LONG), timeZone });
  const start = new Date(startsAt);
  return endsAt ? format.formatRange(start, new Date(endsAt)) : format.format(start);
};

/** "19:00 – 21:00" for an agenda line. */
export const timeRange = (startsAt: string, endsAt: string | undefined, timeZone: string): string => {
  const format = new Intl.DateTimeFormat(locale(), { ...TIME, timeZone });
  const start = new Date(startsAt);
  return endsAt ? format.formatRange(start, new Date(endsAt)) : format.format(start);
};

export const dateTime = (instant: string, timeZone: string): string =>
  new Intl.DateTimeFormat(locale(), { ...LONG, timeZone }).format(new Date(instant));

/** The visitor's own zone, when the browser says it. */
export const visitorZone = (): string | undefined => {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
};

/** Whether the visitor's clock reads the event's instant differently. */
export const differentZone = (instant: string, timeZone: string): string | undefined => {
  const mine = visitorZone();
  if (!mine || mine === timeZone) return undefined;
  const read = (zone: string) =>
    new Intl.DateTimeFormat('en', { ...TIME, day: 'numeric', timeZone: zone }).format(new Date(instant));
  return read(mine) === read(timeZone) ? undefined : mine;
};

const FORMAT_KEYS: Record<EventFormat, Key> = { in_person: 'inPerson', online: 'online', hybrid: 'hybrid' };
export const formatLabel = (format: EventFormat): string => t(FORMAT_KEYS[format] ?? 'inPerson');

export type Availability = { text: string; tone: 'open' | 'waitlist' | 'closed' };

export const availability = (event: EventPublic, now = new Date()): Availability => {
  if (event.status === 'cancelled') return { text: t('cancelled'), tone: 'closed' };
  if (event.registrationClosesAt && new Date(event.registrationClosesAt) <= now) {
    return { text: t('registrationClosed'), tone: 'closed' };
  }
  if (event.seatsLeft === null) return { text: t('unlimited'), tone: 'open' };
  if (event.seatsLeft > 0) return { text: plural('seatsLeft', event.seatsLeft), tone: 'open' };
  return event.waitlistOpen ? { text: t('waitlist'), tone: 'waitlist' } : { text: t('full'), tone: 'closed' };
};
