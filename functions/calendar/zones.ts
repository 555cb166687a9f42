import { tzOffset } from '@date-fns/tz/tzOffset';

/**
 * Time zones for the calendar files, from one source: the runtime's own zone data (ICU,
 * through Intl). `tzOffset` gives the offset at an instant; the wall-clock times written in
 * DTSTART/DTEND come from it (TZDate, in ical.ts, reads the same function), and so does each
 * VTIMEZONE, found by scanning the years the file's events fall in. No second zone dataset is
 * shipped, and the two cannot disagree.
 *
 * A VTIMEZONE is written as most readers expect (Outlook builds its own zone from the last
 * STANDARD/DAYLIGHT pair): one yearly rule each way when the changes found follow one, else one
 * observance per change, which every reader takes as it is.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const DAY = 24 * 60 * MINUTE;

/** The zone's offset from UTC at an instant, in minutes, as the runtime's zone data says. */
const runtimeOffset = (zone: string, ms: number): number => tzOffset(zone, new Date(ms));

/**
 * The zone's offset from UTC at an instant, in minutes: from the changes of its UTC year, found
 * once (`yearIn`). An Intl call costs microseconds and a feed asks about ten per event; and so
 * each VTIMEZONE comes from the very changes the local times are checked against.
 */
export const offsetAt = (zone: string, ms: number): number => {
  const { initial, changes } = yearIn(zone, new Date(ms).getUTCFullYear());
  let offset = initial;
  for (const change of changes) if (change.at <= ms) offset = change.to;
  return offset;
};

const names = new Map<string, string | undefined>();

/**
 * The zone's name as the runtime spells it (`europe/paris` → `Europe/Paris`), what TZID says;
 * undefined for UTC under any of its names (those times are written in UTC) or an unknown zone.
 */
export const calendarZone = (zone: string): string | undefined => {
  // Kept: a formatter costs tens of microseconds, a feed asks once per event.
  if (!names.has(zone)) {
    let name: string | undefined;
    try {
      name = new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
    } catch {
      name = undefined;
    }
    names.set(zone, name === 'UTC' ? undefined : name);
  }
  return names.get(zone);
};

interface Change {
  /** The instant (ms) the new offset starts. */
  at: number;
  /** Offsets (minutes) before and after. */
  from: number;
  to: number;
}

interface Year {
  /** The offset (minutes) when the UTC year starts. */
  initial: number;
  changes: Change[];
}

const knownYears = new Map<string, Map<number, Year>>();

/**
 * The zone's offset when a UTC year starts and its changes in that year: a step a day (no zone
 * changes twice within a day), then bisection to the second. Kept per zone and year for the
 * life of the process.
 */
const yearIn = (zone: string, year: number): Year => {
  const zoneYears = knownYears.get(zone) ?? new Map<number, Year>();
  knownYears.set(zone, zoneYears);
  const known = zoneYears.get(year);
  if (known) return known;
  const changes: Change[] = [];
  const found = { initial: runtimeOffset(zone, Date.UTC(year, 0, 1)), changes };
  zoneYears.set(year, found);
  // An unknown zone's offset is NaN: nothing to scan.
  if (Number.isNaN(found.initial)) return found;
  const end = Date.UTC(year + 1, 0, 1);
  let at = Date.UTC(year, 0, 1);
  let offset = found.initial;
  for (let next = at + DAY; at < end; at = next, next += DAY) {
    const nextOffset = runtimeOffset(zone, next);
    if (nextOffset === offset) continue;
    let [low, high] = [at, next];
    while (high - low > SECOND) {
      const middle = low + Math.floor((high - low) / 2 / SECOND) * SECOND;
      if (runtimeOffset(zone, middle) === offset) low = middle;
      else high = middle;
    }
    changes.push({ at: high, from: offset, to: nextOffset });
    offset = nextOffset;
  }
  return found;
};

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** A local time as iCalendar writes it (`20260329T020000`), for the instant in that offset. */
const localTime = (ms: number, offset: number): string => {
  const wall = new Date(ms + offset * MINUTE);
  return `${wall.getUTCFullYear()}${pad(wall.getUTCMonth() + 1)}${pad(wall.getUTCDate())}T${pad(wall.getUTCHours())}${pad(wall.getUTCMinutes())}${pad(wall.getUTCSeconds())}`;
};

/** `+0100`, `-0930`, `+054528` (seconds only when there are some). */
const utcOffset = (minutes: number): string => {
  const seconds = Math.round(Math.abs(minutes) * 60);
  const hms = [Math.floor(seconds / 3600), Math.floor(seconds / 60) % 60, seconds % 60];
  return `${minutes < 0 ? '-' : '+'}${pad(hms[0] ?? 0)}${pad(hms[1] ?? 0)}${hms[2] ? pad(hms[2]) : ''}`;
};

/** Clocks going forward make summer time; back, standard time (also for the first observance). */
const kindOf = (from: number, to: number): 'DAYLIGHT' | 'STANDARD' => (to > from ? 'DAYLIGHT' : 'STANDARD');

const observance = (kind: string, start: string, from: number, to: number, rule?: string): string[] => [
  `BEGIN:${kind}`,
  `DTSTART:${start}`,
  ...(rule ? [`RRULE:${rule}`] : []),
  `TZOFFSETFROM:${utcOffset(from)}`,
  `TZOFFSETTO:${utcOffset(to)}`,
  `END:${kind}`,
];

const WEEKDAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'] as const;

/**
 * The yearly rule a change follows (`FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU`), as the n-th and as the
 * last weekday of its month, read on the local clock before the change.
 */
const rulesOf = (change: Change): { nth: string; last?: string; time: string } => {
  const wall = new Date(change.at + change.from * MINUTE);
  const [month, day] = [wall.getUTCMonth(), wall.getUTCDate()];
  const daysInMonth = new Date(Date.UTC(wall.getUTCFullYear(), month + 1, 0)).getUTCDate();
  const weekday = WEEKDAYS[wall.getUTCDay()];
  const rule = (n: number) => `FREQ=YEARLY;BYMONTH=${month + 1};BYDAY=${n}${weekday}`;
  return {
    nth: rule(Math.ceil(day / 7)),
    ...(day + 7 > daysInMonth ? { last: rule(-1) } : {}),
    time: localTime(change.at, change.from).slice(9),
  };
};

/**
 * One rule each way, when every year of the span has one change forward and one back and each
 * direction keeps the same month, weekday, week, local time and offsets; else undefined.
 */
const yearlyRules = (changes: Change[], years: number): string[] | undefined => {
  const lines: string[] = [];
  for (const forward of [true, false]) {
    const same = changes.filter((change) => change.to > change.from === forward);
    const first = same[0];
    if (!first || same.length !== years) return undefined;
    const rules = same.map(rulesOf);
    const steady = same.every((change) => change.from === first.from && change.to === first.to);
    const timed = rules.every((rule) => rule.time === rules[0]?.time);
    const rule = [rules[0]?.last, rules[0]?.nth].find(
      (candidate) => candidate && rules.every((r) => r.last === candidate || r.nth === candidate),
    );
    if (!steady || !timed || !rule) return undefined;
    lines.push(
      ...observance(
        kindOf(first.from, first.to),
        localTime(first.at, first.from),
        first.from,
        first.to,
        rule,
      ),
    );
  }
  return lines;
};

const blocks = new Map<string, string>();

/**
 * The VTIMEZONE for `zone` (a name from `calendarZone`) that holds for every instant of the UTC
 * years `firstYear` to `lastYear`: the offset in force when the span starts, then its changes.
 */
export const vtimezone = (zone: string, firstYear: number, lastYear: number): string => {
  const key = `${zone} ${firstYear} ${lastYear}`;
  const known = blocks.get(key);
  if (known) return known;
  const years = lastYear - firstYear + 1;
  const changes = Array.from({ length: years }, (_, i) => yearIn(zone, firstYear + i).changes).flat();
  const start = Date.UTC(firstYear, 0, 1);
  const { initial } = yearIn(zone, firstYear);
  const observances = yearlyRules(changes, years) ?? [
    // Summer time at the start if the first change goes back.
    ...observance(
      changes[0] && changes[0].to < changes[0].from ? 'DAYLIGHT' : 'STANDARD',
      localTime(start, initial),
      initial,
      initial,
    ),
    ...changes.flatMap((change) =>
      observance(kindOf(change.from, change.to), localTime(change.at, change.from), change.from, change.to),
    ),
  ];
  const block = ['BEGIN:VTIMEZONE', `TZID:${zone}`, ...observances, 'END:VTIMEZONE'].join('\r\n');
  blocks.set(key, block);
  return block;
};

/**
 * Whether the instant's local time happens twice (the hour the clocks go back over). RFC 5545
 * reads such a time as its first pass, ical.js (Thunderbird) as its second: only UTC says it
 * for everyone.
 */
export const isAmbiguousLocalTime = (ms: number, zone: string): boolean => {
  const offset = offsetAt(zone, ms);
  const wallClock = Math.floor((ms + offset * MINUTE) / SECOND);
  const threeHours = 3 * 60 * MINUTE;
  // Minutes the clocks went back in the three hours before, and in the three hours after.
  const backBefore = offsetAt(zone, ms - threeHours) - offset;
  const backAfter = offset - offsetAt(zone, ms + threeHours);
  const twins = [
    ...(backBefore > 0 ? [ms - backBefore * MINUTE] : []),
    ...(backAfter > 0 ? [ms + backAfter * MINUTE] : []),
  ];
  return twins.some((twin) => Math.floor((twin + offsetAt(zone, twin) * MINUTE) / SECOND) === wallClock);
};
