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

/**
 * An agenda time (`HH:MM`) on the event's day, in its zone. When the event runs past
 * midnight, a time earlier than its start belongs to the next day.
 */
export const agendaInstant = (
  time: string,
  event: { startsAt: string; endsAt: string },
  zone: string,
): string | undefined => {
  if (!/^\d{2}:\d{2}$/.test(time)) return undefined;
  const startDay = toLocalInput(event.startsAt, zone).slice(0, 10);
  const instant = fromLocalInput(`${startDay}T${time}`, zone);
  if (!instant) return undefined;
  const overnight = toLocalInput(event.endsAt, zone).slice(0, 10) !== startDay;
  return overnight && instant < new Date(event.startsAt).toISOString()
    ? (fromLocalInput(`${toLocalInput(event.endsAt, zone).slice(0, 10)}T${time}`, zone) ?? instant)
    : instant;
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
