import { dateRange, TEXT } from '../mail/catalogue.js';
import { escapeHtml } from '../mail/layout.js';
import type { Language } from '../platform/fields.js';
import type { publicView } from './model.js';

/**
 * The event page's head, filled in on the server: link previews (LinkedIn, Slack, WhatsApp)
 * and search engines read the HTML as sent and run no script, so without this every shared
 * link would be named after the site alone. The page's script still draws the body.
 */

/** What GET /api/events/{eventId} answers: the public view, nothing more. */
export type PublicEvent = ReturnType<typeof publicView>;

/** Open Graph locales (territory included), as the dates read (mail/catalogue.ts). */
const OG_LOCALE: Record<Language, string> = { fr: 'fr_FR', en: 'en_GB' };

const CANCELLED: Record<Language, string> = { fr: 'Annulé', en: 'Cancelled' };

/** Roughly what previews show before cutting the text themselves. */
const EXCERPT_CHARS = 160;

/** The description's start, whitespace collapsed, cut at a word with an ellipsis. */
const excerpt = (text: string): string => {
  const plain = text.replace(/\s+/g, ' ').trim();
  if (plain.length <= EXCERPT_CHARS) return plain;
  const cut = plain.slice(0, EXCERPT_CHARS);
  const lastSpace = cut.lastIndexOf(' ');
  return `${(lastSpace > EXCERPT_CHARS / 2 ? cut.slice(0, lastSpace) : cut).replace(/[\s,.;:]+$/, '')}…`;
};

const placeOf = (event: PublicEvent): string => {
  const words = TEXT[event.language];
  const venue = event.venue ? [event.venue.name, event.venue.city].filter(Boolean).join(', ') : '';
  if (event.format === 'online' || !venue) return words.online;
  return event.format === 'hybrid' ? `${venue} ${words.andOnline}` : venue;
};

/** One line a preview shows under the title: (cancelled ·) when · where — what. */
export const eventSummaryLine = (event: PublicEvent): string => {
  const facts = [
    ...(event.status === 'cancelled' ? [CANCELLED[event.language]] : []),
    dateRange(event, event.language),
    placeOf(event),
  ].join(' · ');
  const about = excerpt(event.description || event.summary);
  return about ? `${facts} — ${about}` : facts;
};

/**
 * The template with its head filled for the event: title, description, canonical address,
 * Open Graph and Twitter card, and the page's language. Without an event (unknown, draft)
 * the template comes back as it is: nothing about a draft leaks. The template's own title is
 * the site's name.
 */
export const renderEventPage = (
  template: string,
  event: PublicEvent | undefined,
  siteUrl: string,
): string => {
  if (!event) return template;
  const siteName = /<title>([^<]*)<\/title>/.exec(template)?.[1] ?? '';
  const title = `${event.title} — ${event.organiserName}`;
  const description = eventSummaryLine(event);
  const url = `${siteUrl}/events/${encodeURIComponent(event.id)}`;
  const meta = (attribute: 'name' | 'property', key: string, value: string) =>
    `<meta ${attribute}="${key}" content="${escapeHtml(value)}" />`;
  const head = [
    `<title>${escapeHtml(title)}</title>`,
    meta('name', 'description', description),
    `<link rel="canonical" href="${escapeHtml(url)}" />`,
    meta('property', 'og:type', 'website'),
    meta('property', 'og:site_name', siteName),
    meta('property', 'og:locale', OG_LOCALE[event.language]),
    meta('property', 'og:title', title),
    meta('property', 'og:description', description),
    meta('property', 'og:url', url),
    meta('name', 'twitter:card', 'summary'),
  ].join('\n    ');
  return template
    .replace(/<html lang="[^"]*"/, `<html lang="${event.language}"`)
    .replace(/<title>[^<]*<\/title>/, () => head);
};
