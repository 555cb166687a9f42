import { randomBytes } from 'node:crypto';
import type { RegistrationStatus } from '../registrations/schemas.js';
import type { RegistrationSource, TrackingLinkInput } from './schemas.js';

/**
 * Where registrants come from: tracking links, the source a registration keeps, and the
 * conversion counts per source. Attribution is by `ref`: a tracking link sends the visitor to
 * the event page with `ref=<code>` beside its utm parameters, and a registration whose
 * `source.ref` is a link's code counts for that link. Nothing is kept per visit: a link
 * counts its visits, nothing else.
 */

export interface TrackingLink extends TrackingLinkInput {
  code: string;
  eventId: string;
  /** Redirects counted (GET only; self-declared bots left out, see isBot). */
  visits: number;
  createdAt: string;
}

/** Tracking links per event: a handful per channel is the use; the list stays bounded. */
export const MAX_LINKS = 100;

/** 8 URL-safe characters (48 random bits): short to share, not guessable in bulk. */
export const newLinkCode = (): string => randomBytes(6).toString('base64url');

export const shortUrl = (baseUrl: string, code: string): string => `${baseUrl}/r/${code}`;

/** Where a tracking link leads: the event page with the link's parameters. */
export const landingUrl = (baseUrl: string, link: TrackingLink): string => {
  const query = new URLSearchParams();
  for (const name of ['utm_source', 'utm_medium', 'utm_campaign'] as const) {
    const value = link[name];
    if (value) query.set(name, value);
  }
  query.set('ref', link.code);
  return `${baseUrl}/events/${encodeURIComponent(link.eventId)}?${query}`;
};

/**
 * Link previewers and crawlers that say what they are follow the link without a person behind
 * them: they are redirected like anyone, but not counted. Bots that pass for browsers are
 * counted; the number is a trend, not an audit.
 */
const BOT = /bot|crawl|spider|slurp|preview|facebookexternalhit|embedly|curl|wget|python-|headless/i;
export const isBot = (userAgent: string | undefined): boolean => !userAgent || BOT.test(userAgent);

/** The marketing consent a registration keeps: the text the person ticked, and when. */
export interface MarketingConsent {
  given: true;
  text: string;
  at: string;
}

/**
 * Kept only when the box was ticked on an event that shows one; an event without the box
 * keeps nothing, whatever the request says.
 */
export const marketingConsentGiven = (
  ticked: boolean | undefined,
  event: { marketingConsentText?: string | null },
  at: string,
): MarketingConsent | undefined =>
  ticked === true && event.marketingConsentText
    ? { given: true, text: event.marketingConsentText, at }
    : undefined;

/** The source as stored: its non-empty fields only, or nothing at all. */
export const sourceToKeep = (source: RegistrationSource | undefined): RegistrationSource | undefined => {
  const kept = Object.fromEntries(Object.entries(source ?? {}).filter(([, value]) => value));
  return Object.keys(kept).length > 0 ? kept : undefined;
};

export interface SourceCounts {
  registered: number;
  confirmed: number;
  attended: number;
}

interface Counted {
  status: RegistrationStatus;
  source?: RegistrationSource;
  checkedInAt?: string;
  joinedAt?: string;
}

const countOne = (counts: SourceCounts, registration: Counted): void => {
  counts.registered += 1;
  if (registration.status === 'confirmed') counts.confirmed += 1;
  // Came: checked in at the door or joined online (API.md, "Attendance").
  if (registration.checkedInAt || registration.joinedAt) counts.attended += 1;
};

const none = (): SourceCounts => ({ registered: 0, confirmed: 0, attended: 0 });

/** Each link's registrations, confirmations and show-ups, by its code. */
export const countsByLink = (registrations: Counted[]): Map<string, SourceCounts> => {
  const byCode = new Map<string, SourceCounts>();
  for (const registration of registrations) {
    const code = registration.source?.ref;
    if (!code) continue;
    const counts = byCode.get(code) ?? none();
    countOne(counts, registration);
    byCode.set(code, counts);
  }
  return byCode;
};

/** How many sources `bySource` lists; the rest are added up under OTHER_SOURCES. */
export const MAX_SOURCES = 50;
export const OTHER_SOURCES = '(other)';

/**
 * `bySource` of the stats: the link's label when a registration came by one of the event's
 * links, else its `utm_source`, else "direct"; the most registrations first.
 */
export const bySource = (registrations: Counted[], links: Pick<TrackingLink, 'code' | 'label'>[]) => {
  const labels = new Map(links.map((link) => [link.code, link.label]));
  const bySourceName = new Map<string, SourceCounts>();
  for (const registration of registrations) {
    const { ref, utm_source } = registration.source ?? {};
    const name = (ref && labels.get(ref)) || utm_source || 'direct';
    const counts = bySourceName.get(name) ?? none();
    countOne(counts, registration);
    bySourceName.set(name, counts);
  }
  const rows = [...bySourceName].map(([source, counts]) => ({ source, ...counts }));
  rows.sort((a, b) => b.registered - a.registered || a.source.localeCompare(b.source));
  if (rows.length <= MAX_SOURCES) return rows;
  const other = { source: OTHER_SOURCES, ...none() };
  for (const row of rows.slice(MAX_SOURCES - 1)) {
    other.registered += row.registered;
    other.confirmed += row.confirmed;
    other.attended += row.attended;
  }
  return [...rows.slice(0, MAX_SOURCES - 1), other];
};

/** What the organiser sees of a link: where it leads and how it converts. */
export const linkView = (baseUrl: string, link: TrackingLink, counts: SourceCounts = none()) => ({
  code: link.code,
  url: shortUrl(baseUrl, link.code),
  label: link.label,
  utm_source: link.utm_source,
  utm_medium: link.utm_medium ?? null,
  utm_campaign: link.utm_campaign ?? null,
  visits: link.visits,
  registrations: counts.registered,
  confirmed: counts.confirmed,
  attended: counts.attended,
  createdAt: link.createdAt,
});
