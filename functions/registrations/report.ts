import { stringify } from 'csv-stringify/sync';
import { isReconfirmed, type Reconfirmation } from '../events/reminders.js';
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

/** Column titles per language; the time columns get the event's zone added (see below). */
const CSV_HEADERS = {
  fr: {
    id: 'Identifiant',
    status: 'Statut',
    waitlistPosition: "Rang en liste d'attente",
    name: 'Nom',
    email: 'E-mail',
    company: 'Entreprise',
    jobTitle: 'Fonction',
    locale: 'Langue',
    createdAt: 'Inscription',
    confirmedAt: 'Confirmation',
    cancelledAt: 'Annulation',
    reconfirmedAt: 'Venue confirmée',
    rsvp: 'Réponse agenda',
    checkedInAt: 'Arrivée',
    joinedAt: 'Connexion en ligne',
    consentAt: 'Consentement',
    consentVersion: 'Version du consentement',
    referrer: 'Page d’origine',
    marketingConsentAt: 'Consentement marketing',
    marketingConsentText: 'Texte du consentement marketing',
  },
  en: {
    id: 'ID',
    status: 'Status',
    waitlistPosition: 'Waitlist position',
    name: 'Name',
    email: 'Email',
    company: 'Company',
    jobTitle: 'Job title',
    locale: 'Language',
    createdAt: 'Registered',
    confirmedAt: 'Confirmed',
    cancelledAt: 'Cancelled',
    reconfirmedAt: 'Reconfirmed',
    rsvp: 'Calendar answer',
    checkedInAt: 'Checked in',
    joinedAt: 'Joined online',
    consentAt: 'Consent given',
    consentVersion: 'Consent version',
    referrer: 'Referring page',
    marketingConsentAt: 'Marketing consent',
    marketingConsentText: 'Marketing consent text',
  },
} as const;

const CSV_STATUSES: Record<CsvLanguage, Record<RegistrationStatus, string>> = {
  fr: {
    confirmed: 'Confirmé·e',
    pending_confirmation: 'En attente de confirmation',
    waitlisted: "Liste d'attente",
    cancelled: 'Annulé·e',
  },
  en: {
    confirmed: 'Confirmed',
    pending_confirmation: 'Pending confirmation',
    waitlisted: 'Waitlisted',
    cancelled: 'Cancelled',
  },
};

/** The source's parameters, titled by their own names in both languages (what marketing tools call them). */
const SOURCE_FIELDS = ['utm_source', 'utm_medium', 'utm_campaign', 'utm_content', 'utm_term', 'ref'] as const;
/** The calendar's answer to the invitation (attendance.rsvp), as the organiser reads it. */
const CSV_RSVP: Record<CsvLanguage, Record<NonNullable<RegistrationRecord['rsvp']>, string>> = {
  fr: { accepted: 'Acceptée', declined: 'Refusée', tentative: 'Peut-être' },
  en: { accepted: 'Accepted', declined: 'Declined', tentative: 'Maybe' },
};

export type CsvLanguage = keyof typeof CSV_HEADERS;

/**
 * French Excel (and LibreOffice in French) splits on `;` because `,` is the decimal mark there:
 * a comma-separated file opens in one column. English spreadsheets expect `,`.
 */
export const CSV_SEPARATORS: Record<CsvLanguage, string> = { fr: ';', en: ',' };

/**
 * "2026-03-12 18:30:00" on the event's clock: spreadsheets read this form as a date in any
 * locale, and the organiser reads the time as people at the event lived it, not UTC.
 */
const wallTime = (timeZone: string) => {
  const format = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  });
  return (iso: string | undefined | null): string => {
    if (!iso) return '';
    const parts = Object.fromEntries(format.formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
    return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
  };
};

export const registrationsCsv = (
  registrations: RegistrationRecord[],
  questions: { id: string; label: string }[],
  positions: Map<string, number>,
  options: { language: CsvLanguage; timeZone: string },
): string => {
  const titles = CSV_HEADERS[options.language];
  const statuses = CSV_STATUSES[options.language];
  const time = wallTime(options.timeZone);
  // The zone is named in each time column's title, since the cells carry no offset.
  const timed = (title: string) => `${title} (${options.timeZone})`;
  const header = [
    titles.id,
    titles.status,
    titles.waitlistPosition,
    titles.name,
    titles.email,
    titles.company,
    titles.jobTitle,
    titles.locale,
    timed(titles.createdAt),
    timed(titles.confirmedAt),
    timed(titles.cancelledAt),
    timed(titles.reconfirmedAt),
    titles.rsvp,
    timed(titles.checkedInAt),
    timed(titles.joinedAt),
    timed(titles.consentAt),
    titles.consentVersion,
    // Where the person came from and their marketing consent (functions/sources/).
    ...SOURCE_FIELDS,
    titles.referrer,
    timed(titles.marketingConsentAt),
    titles.marketingConsentText,
    ...questions.map((question) => question.label),
  ];
  const rows = registrations.map((r) => [
    r.id,
    statuses[r.status],
    positions.get(r.id) ?? '',
    r.name,
    r.email,
    r.company ?? '',
    r.jobTitle ?? '',
    r.locale,
    time(r.createdAt),
    time(r.confirmedAt),
    time(r.cancelledAt),
    time(r.reconfirmedAt),
    r.rsvp ? CSV_RSVP[options.language][r.rsvp] : '',
    time(r.checkedInAt),
    time(r.joinedAt),
    time(r.consentAt),
    r.consentVersion ?? '',
    ...SOURCE_FIELDS.map((field) => r.source?.[field] ?? ''),
    r.source?.referrer ?? '',
    time(r.marketingConsent?.at),
    r.marketingConsent?.text ?? '',
    ...questions.map((question) => String(answerTo(r.answers, question.id) ?? '')),
  ]);
  const cells = [header, ...rows].map((row) => row.map((cell) => neutraliseCell(String(cell))));
  // A BOM so Excel opens accented names (most of ours are French) as UTF-8.
  return `\uFEFF${stringify(cells, { record_delimiter: 'windows', delimiter: CSV_SEPARATORS[options.language] })}`;
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

export interface AttendanceStats {
  confirmed: number;
  reconfirmed: number;
  released: number;
  /** Seats given up with "Decline" in a calendar (the registration cancelled with rsvp declined). */
  declined: number;
  checkedIn: number;
  joined: number;
  /** Once the event is over (null before): seat holders neither checked in nor joined online. */
  noShow: number | null;
  /** Once the event is over (null before, or without seat holders): those who came, of the seat holders. */
  showUpRate: number | null;
}

/**
 * How far seat holders came (API.md, "Attendance"), from the registrations: `reconfirmed`
 * counts those who said so and those seated after the ask (isReconfirmed); `released`, the
 * seats the reconfirmation deadline gave to the waitlist; `declined`, those a calendar's
 * "Decline" gave up. Erased seat holders count
 * anonymously, as confirmed and, if they were, checked in.
 */
export const attendanceStats = (
  registrations: RegistrationRecord[],
  erased: { status: RegistrationStatus; checkedIn: boolean }[],
  event: Reconfirmation & { endsAt: string },
  now: Date,
): AttendanceStats => {
  const seated = registrations.filter((r) => r.status === 'confirmed');
  const erasedSeated = erased.filter((r) => r.status === 'confirmed');
  const confirmed = seated.length + erasedSeated.length;
  const came =
    seated.filter((r) => r.checkedInAt || r.joinedAt).length + erasedSeated.filter((r) => r.checkedIn).length;
  const over = event.endsAt <= now.toISOString();
  return {
    confirmed,
    reconfirmed: seated.filter((r) => isReconfirmed(r, event)).length,
    released: registrations.filter((r) => r.cancelledBy === 'not_reconfirmed').length,
    declined: registrations.filter((r) => r.status === 'cancelled' && r.rsvp === 'declined').length,
    checkedIn: seated.filter((r) => r.checkedInAt).length + erasedSeated.filter((r) => r.checkedIn).length,
    joined: seated.filter((r) => r.joinedAt).length,
    noShow: over ? confirmed - came : null,
    showUpRate: over && confirmed > 0 ? Math.round((came / confirmed) * 1000) / 1000 : null,
  };
};
