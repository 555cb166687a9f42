/**
 * How a date and time reads in full, in any language: "mardi 14 octobre 2025, 08:30 UTC+2".
 * The emails and the pages (web/src/dates.ts) both use it, so they say a date the same way.
 * Browser-safe: Intl only.
 */
export const LONG_DATE_TIME: Intl.DateTimeFormatOptions = {
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZoneName: 'short',
};

/** A day in short, for a programme over several days: "mar. 12 mai", "Tue 12 May". */
export const SHORT_DAY: Intl.DateTimeFormatOptions = { weekday: 'short', day: 'numeric', month: 'short' };
