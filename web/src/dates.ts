import { LONG_DATE_TIME } from '../../functions/platform/dates.js';
import { locale } from './i18n-core.js';

/** Dates read in a given IANA zone, in the page's language (no dictionary needed). */

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
  const format = new Intl.DateTimeFormat(locale(), { ...(short ? SHORT : LONG_DATE_TIME), timeZone });
  const start = new Date(startsAt);
  return endsAt ? format.formatRange(start, new Date(endsAt)) : format.format(start);
};

/** "19:00 – 21:00" for an agenda line. */
export const timeRange = (startsAt: string, endsAt: string | undefined, timeZone: string): string => {
  const format = new Intl.DateTimeFormat(locale(), { ...TIME, timeZone });
  const start = new Date(startsAt);
  return endsAt ? format.formatRange(start, new Date(endsAt)) : format.format(start);
};

/** The calendar day of an instant in `timeZone`, as `YYYY-MM-DD` (to tell days apart). */
export const dayKey = (instant: string, timeZone: string): string =>
  new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone }).format(
    new Date(instant),
  );

/** "mardi 12 mai" / "Tuesday 12 May": a programme day's heading. */
export const dayTitle = (instant: string, timeZone: string): string =>
  new Intl.DateTimeFormat(locale(), { weekday: 'long', day: 'numeric', month: 'long', timeZone }).format(
    new Date(instant),
  );

export const timeOf = (instant: string, timeZone: string): string =>
  new Intl.DateTimeFormat(locale(), { ...TIME, timeZone }).format(new Date(instant));

export const dateTime = (instant: string, timeZone: string): string =>
  new Intl.DateTimeFormat(locale(), { ...LONG_DATE_TIME, timeZone }).format(new Date(instant));

/** "14 oct. 2025, 08:30", short and in the reader's own zone (admin lists). */
export const shortDateTime = (instant: string, timeZone?: string): string =>
  new Intl.DateTimeFormat(locale(), {
    ...SHORT,
    weekday: undefined,
    timeZoneName: undefined,
    timeZone,
  }).format(new Date(instant));

/** The visitor's own zone, when the browser says it. */
export const visitorZone = (): string | undefined => {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
};

/** The visitor's zone when their clock reads the event's instant differently, else undefined. */
export const differentZone = (instant: string, timeZone: string): string | undefined => {
  const mine = visitorZone();
  if (!mine || mine === timeZone) return undefined;
  const read = (zone: string) =>
    new Intl.DateTimeFormat('en', { ...TIME, day: 'numeric', timeZone: zone }).format(new Date(instant));
  return read(mine) === read(timeZone) ? undefined : mine;
};

/** "Europe/Paris" -> "Paris", for people. */
export const zoneCity = (zone: string): string => (zone.split('/').pop() ?? zone).replace(/_/g, ' ');
