/**
 * What the organiser's snippet, the host script (embed.js) and the framed event page
 * (`/events/{id}?embed=1`) agree on. No imports: embed.js stays a tiny classic script.
 */

export type EmbedLang = 'fr' | 'en';

/** The frame's one message to the host page: its content's height, and which event it shows. */
export interface HeightMessage {
  type: 'inscriptions:height';
  eventId: string;
  height: number;
}

export const isHeightMessage = (data: unknown): data is HeightMessage =>
  typeof data === 'object' &&
  data !== null &&
  (data as HeightMessage).type === 'inscriptions:height' &&
  typeof (data as HeightMessage).eventId === 'string' &&
  typeof (data as HeightMessage).height === 'number';

/**
 * The parameters that say where a visitor came from (functions/sources/): the event page sends
 * its own with the registration, and embed.js passes the host page's into the frame, with the
 * host page's address as `referrer`. Read from addresses only: no cookie, nothing stored.
 */
export const SOURCE_PARAMS = [
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'utm_content',
  'utm_term',
  'ref',
] as const;

/** The plain link shown until the frame answers, and instead of it when it never does. */
export const REGISTER_LINK_TEXT: Record<EmbedLang, string> = { fr: "S'inscrire", en: 'Register' };

/** Marks the snippet's own link, so embed.js can take it away once the frame shows. */
export const LINK_CLASS = 'inscriptions-link';

/**
 * The lines to paste into a blog post: a plain link to the event page, which stays if the
 * blog strips `<script>` or cannot frame the page, and the script that replaces it with the
 * registration card. Event ids are letters, digits, `-` and `_`: nothing here needs escaping.
 */
export const embedSnippet = (site: string, eventId: string, lang: EmbedLang): string =>
  `<a class="${LINK_CLASS}" href="${site}/events/${eventId}">${REGISTER_LINK_TEXT[lang]}</a>\n` +
  `<script src="${site}/embed.js" data-event="${eventId}" async></script>`;
