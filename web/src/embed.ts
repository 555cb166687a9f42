/**
 * The embeddable registration button, for a blog post (WordPress or any page). The snippet
 * (embedSnippet in ./embed-contract.ts, shown ready to copy on the admin page):
 *
 *   <a class="inscriptions-link" href="https://inscriptions.example/events/EVENT_ID">S'inscrire</a>
 *   <script src="https://inscriptions.example/embed.js" data-event="EVENT_ID" async></script>
 *
 * It puts, where the tag stands, the event page in its compact `?embed=1` mode: title, date,
 * seats left and « S'inscrire », which opens the form in place. The frame sits in a shadow
 * root, so the host page's CSS cannot reach it (a theme's `iframe { … }` rules included), and
 * its height follows its content, up and down, through `postMessage`. The link stays until
 * the frame first reports, and instead of it if it never does. Built as a classic script
 * (IIFE): an `async` script tag is all a blog editor lets one paste. See docs/embed.md.
 */

import {
  type EmbedLang,
  isHeightMessage,
  LINK_CLASS,
  REGISTER_LINK_TEXT,
  SOURCE_PARAMS,
} from './embed-contract.js';

const STYLE = `
:host { all: initial; display: block; max-width: 40rem; margin: 1rem 0; }
iframe { display: block; width: 100%; height: 14rem; border: 0; margin: 0; padding: 0; background: transparent; color-scheme: light; }
iframe.waiting { height: 0; visibility: hidden; }
a { font: 1rem/1.5 system-ui, sans-serif; color: #0b4f8a; }
`;

const TITLES = { fr: "Inscription à l'événement", en: 'Event registration' } as const;

const pageLang = (script: HTMLScriptElement): EmbedLang | undefined => {
  const wanted = (script.dataset.lang || document.documentElement.lang || '').slice(0, 2).toLowerCase();
  return wanted === 'fr' || wanted === 'en' ? wanted : undefined;
};

/** Styles the shadow root; a constructed sheet is not inline CSS, so a strict host CSP lets it be. */
const style = (root: ShadowRoot): void => {
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(STYLE);
    root.adoptedStyleSheets = [sheet];
  } catch {
    const element = document.createElement('style');
    element.textContent = STYLE;
    root.appendChild(element);
  }
};

/** The snippet's own link to this event (embedSnippet), if the blog kept it and no other embed took it. */
const snippetLink = (page: URL): HTMLAnchorElement | undefined =>
  [...document.querySelectorAll<HTMLAnchorElement>(`a.${LINK_CLASS}`)].find(
    (link) => link.href === page.href && !link.dataset.inscriptionsMounted,
  );

const mount = (script: HTMLScriptElement): void => {
  const eventId = script.dataset.event;
  if (!eventId || script.dataset.inscriptionsMounted) return;
  script.dataset.inscriptionsMounted = 'true';
  const origin = new URL(script.src, location.href).origin;
  const lang = pageLang(script);

  const eventPage = new URL(`/events/${encodeURIComponent(eventId)}`, origin);
  const page = new URL(eventPage);
  page.searchParams.set('embed', '1');
  if (lang) page.searchParams.set('lang', lang);
  // Where the reader came from: this page (origin and path, never its query or fragment) and
  // the utm/ref parameters of its address. The frame itself sends no referrer.
  const here = new URLSearchParams(location.search);
  for (const name of SOURCE_PARAMS) {
    const value = here.get(name);
    if (value) page.searchParams.set(name, value);
  }
  page.searchParams.set('referrer', location.origin + location.pathname);

  const host = document.createElement('div');
  host.className = 'inscriptions-embed';
  const root = host.attachShadow({ mode: 'open' });
  style(root);

  // A plain link to the event page stands until the frame reports its height, and for good if
  // it never does (a blocked, failed or very slow frame looks the same from here): the reader
  // never faces an empty box. The snippet brings its own; an older snippet gets one here.
  let link = snippetLink(eventPage);
  if (link) link.dataset.inscriptionsMounted = 'true';
  else {
    link = document.createElement('a');
    link.href = eventPage.href;
    const fallbackLang = lang ?? (navigator.language.slice(0, 2) === 'en' ? 'en' : 'fr');
    link.textContent = REGISTER_LINK_TEXT[fallbackLang];
    root.appendChild(link);
  }

  const frame = document.createElement('iframe');
  frame.src = page.href;
  frame.title = TITLES[lang ?? 'fr'];
  // Laid out at full width (so the page inside measures its real height) but not shown yet.
  frame.className = 'waiting';
  // Forms and new tabs (manage link, calendar links); nothing else from the host's context.
  frame.setAttribute(
    'sandbox',
    'allow-scripts allow-same-origin allow-forms allow-popups allow-popups-to-escape-sandbox allow-downloads',
  );
  frame.setAttribute('referrerpolicy', 'no-referrer');
  root.appendChild(frame);

  window.addEventListener('message', (message) => {
    // Only our own page, in this very frame, about this event.
    if (message.origin !== origin || message.source !== frame.contentWindow) return;
    if (!isHeightMessage(message.data) || message.data.eventId !== eventId) return;
    frame.style.height = `${Math.ceil(Math.min(Math.max(message.data.height, 80), 5000))}px`;
    if (link) {
      link.remove();
      link = undefined;
      frame.className = '';
    }
  });

  script.after(host);
};

const current = document.currentScript;
if (current instanceof HTMLScriptElement) mount(current);
// Tags added later, or browsers without currentScript for this one: mount any not done yet.
for (const script of document.querySelectorAll<HTMLScriptElement>('script[data-event][src*="embed.js"]')) {
  mount(script);
}
