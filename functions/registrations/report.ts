import { stringify } from 'csv-stringify/sync';
import { answerTo, type RegistrationRecord } from './model.js';
import type { RegistrationStatus } from './schemas.js';

/** What organisers take away: the CSV export and the per-day chart data. */

/**
 * Spreadsheets run cells starting with these as formulas, also after leading spaces (any kind,
 * no-break and zero-width ones included) or a line feed, and in their full-width forms (＝ ＋ －
 * ＠, which some spreadsheets read as the ASCII ones); a leading quote makes them text.
 */
const FORMULA_START = /^(?:\s|\p{Cf})*[=+\-@\uff1d\uff0b\uff0d\uff20]|^[\t\r\n]/u;
export const neutraliseCell = (value: string): string => (FORMULA_START.test(value) ? `'${value}` : value);

export const registrationsCsv = (
  registrations: RegistrationRecord[],
  questions: { id: string; label: string }[],
  positions: Map<string, number>,
): string => {
  const header = [
    'id',
    'status',
    'waitlistPosition',
    'name',
    'email',
    'company',
    'jobTitle',
    'locale',
    'createdAt',
    'confirmedAt',
    'cancelledAt',
    'checkedInAt',
    'consentAt',
    'consentVersion',
    ...questions.map((question) => question.label),
  ];
  const rows = registrations.map((r) => [
    r.id,
    r.status,
    positions.get(r.id) ?? '',
    r.name,
    r.email,
    r.company ?? '',
    r.jobTitle ?? '',
    r.locale,
    r.createdAt,
    r.confirmedAt ?? '',
    r.cancelledAt ?? '',
    r.checkedInAt ?? '',
    r.consentAt,
    r.consentVersion ?? '',
    ...questions.map((question) => String(answerTo(r.answers, question.id) ?? '')),
  ]);
  const cells = [header, ...rows].map((row) => row.map((cell) => neutraliseCell(String(cell))));
  // A BOM so Excel opens accented names (most of ours are French) as UTF-8.
  return `\uFEFF${stringify(cells, { record_delimiter: 'windows' })}`;
};

export interface DayCount {
  date: string;
  confirmed: number;
  pendingConfirmation: number;
  waitlisted: number;
  cancelled: number;
}

/** Registrations per day of arrival (in the event's zone), by their status today. */
export const registrationsByDay = (
  entries: { status: RegistrationStatus; createdAt: string }[],
  timeZone: string,
): DayCount[] => {
  const dayOf = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  });
  const days = new Map<string, DayCount>();
  for (const entry of entries) {
    const date = dayOf.format(new Date(entry.createdAt));
    const day = days.get(date) ?? { date, confirmed: 0, pendingConfirmation: 0, waitlisted: 0, cancelled: 0 };
    const field = entry.status === 'pending_confirmation' ? 'pendingConfirmation' : entry.status;
    day[field] += 1;
    days.set(date, day);
  }
  return [...days.values()].sort((a, b) => a.date.localeCompare(b.date));
};
