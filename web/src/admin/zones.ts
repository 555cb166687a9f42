import { TZDateMini } from '@date-fns/tz';

/**
 * The editor shows wall-clock times in the event's zone (`datetime-local` and `time`
 * inputs), whatever the organiser's own computer is set to; the API wants instants.
 * @date-fns/tz does the zone arithmetic (DST gaps and overlaps included).
 */

const pad = (n: number) => String(n).padStart(2, '0');

/** An instant as `YYYY-MM-DDTHH:MM` on the wall clock of `zone`. */
export const toLocalInput = (instant: string, zone: string): string => {
  const d = new TZDateMini(new Date(instant).getTime(), zone);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
};

/** `HH:MM` on the wall clock of `zone`. */
export const toTimeInput = (instant: string, zone: string): string => toLocalInput(instant, zone).slice(11);

/** `YYYY-MM-DDTHH:MM` read on the wall clock of `zone`, as a UTC instant; undefined if unreadable. */
export const fromLocalInput = (value: string, zone: string): string | undefined => {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
  if (!match) return undefined;
  const [year, month, day, hour, minute] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const date = new TZDateMini(year, month - 1, day, hour, minute, zone);
  return Number.isNaN(date.getTime()) ? undefined : new Date(date.getTime()).toISOString();
};

/** A wall-clock `YYYY-MM-DDTHH:MM` moved by `ms` on the wall clock (a day is 24 hours there). */
export const shiftLocal = (value: string, ms: number): string => {
  const moved = Date.parse(`${value}:00Z`) + ms;
  return Number.isNaN(moved) ? '' : new Date(moved).toISOString().slice(0, 16);
};

/** How far apart two wall-clock `YYYY-MM-DDTHH:MM` are, in ms; NaN if either is unreadable. */
export const localDelta = (from: string, to: string): number =>
  Date.parse(`${to}:00Z`) - Date.parse(`${from}:00Z`);

/**
 * The calendar days (`YYYY-MM-DD`) an event spans, from its start's to its last minute's (an
 * event ending at midnight opens no extra day), given as wall-clock `YYYY-MM-DDTHH:MM`.
 */
export const eventDays = (startsAt: string, endsAt: string): string[] => {
  const first = startsAt.slice(0, 10);
  const last = endsAt > startsAt ? shiftLocal(endsAt, -60_000).slice(0, 10) : first;
  const days = [first];
  // At most a year's worth: a typo in the end's year must not build thousands of choices.
  while (days.length < 366 && (days.at(-1) as string) < last)
    days.push(shiftLocal(`${days.at(-1)}T12:00`, 86_400_000).slice(0, 10));
  return days;
};

/**
 * A programme item's instants from its row: the day (`YYYY-MM-DD`) and `HH:MM` times on the
 * event's wall clock. An end earlier than the start is the next day's (a talk past midnight).
 */
export const agendaInstants = (
  row: { day: string; start: string; end: string },
  zone: string,
): { startsAt: string | undefined; endsAt: string | undefined } => {
  const startsAt = fromLocalInput(`${row.day}T${row.start}`, zone);
  const endDay =
    row.end && row.end < row.start ? shiftLocal(`${row.day}T12:00`, 86_400_000).slice(0, 10) : row.day;
  const endsAt = row.end ? fromLocalInput(`${endDay}T${row.end}`, zone) : undefined;
  return { startsAt, endsAt };
};

/** Every IANA zone the browser knows, the usual ones first. */
export const zones = (): string[] => {
  const common = [
    'Europe/Paris',
    'Europe/Brussels',
    'Europe/Zurich',
    'Europe/London',
    'America/Montreal',
    'UTC',
  ];
  let all: string[] = [];
  try {
    all = (Intl as unknown as { supportedValuesOf(key: string): string[] }).supportedValuesOf('timeZone');
  } catch {
    all = [];
  }
  return [...common, ...all.filter((zone) => !common.includes(zone))];
};
