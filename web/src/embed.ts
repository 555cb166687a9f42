/**
 * The embeddable registration button, for a blog post (WordPress or any page):
 *
 *   <script src="https://inscriptions.example/embed.js" data-event="EVENT_ID" async></script>
 *
 * It puts, where the tag stands, the event page in its compact `?embed=1` mode: title, date,
 * seats left and « S'inscrire », which opens the form in place. The frame sits in a shadow
 * root, so the host page's CSS cannot reach it (a theme's `iframe { … }` rules included), and
 * its height follows its content through `postMessage`. Built as a classic script (IIFE):
 * an `async` script tag is all a blog editor lets one paste. See docs/embed.md.
 */

interface HeightMessage {
  type: 'inscriptions:height';
  height: number;
}

const isHeightMessage = (data: unknown): data is HeightMessage =>
  typeof data === 'object' &&
  data !== null &&
  (data as HeightMessage).type === 'inscriptions:height' &&
  typeof (data as HeightMessage).height === 'number';

const STYLE = `
:host { all: initial; display: block; max-width: 40rem; margin: 1rem 0; }
iframe { display: block; width: 100%; height: 14rem; border: 0; margin: 0; padding: 0; background: transparent; color-scheme: light; }
a { font: 1rem/1.5 system-ui, sans-serif; color: #0b4f8a; }
`;

const TITLES = { fr: "Inscription à l'événement", en: 'Event registration' } as const;

const pageLang = (script: HTMLScriptElement): 'fr' | 'en' | undefined => {
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

const mount = (script: HTMLScriptElement): void => {
  const eventId = script.dataset.event;
  if (!eventId || script.dataset.inscriptionsMounted) return;
  script.dataset.inscriptionsMounted = 'true';
  const origin = new URL(script.src, location.href).origin;
  const lang = pageLang(script);

  const page = new URL(`/events/${encodeURIComponent(eventId)}`, origin);
  page.searchParams.set('embed', '1');
  if (lang) page.searchParams.set('lang', lang);

  const host = document.createElement('div');
  host.className = 'inscriptions-embed';
  const root = host.attachShadow({ mode: 'open' });
  style(root);

  const frame = document.createElement('iframe');
  frame.src = page.href;
  frame.title = TITLES[lang ?? 'fr'];
  // Forms and new tabs (manage link, calendar links); nothing else from the host's context.
  frame.setAttribute(
    'sandbox',
    'allow-scripts allow-same-origin allow-forms allow-popups allow-popups-to-escape-sandbox allow-downloads',
  );
  frame.setAttribute('referrerpolicy', 'no-referrer');
  root.appendChild(frame);

  window.addEventListener('message', (message) => {
    if (message.origin !== origin || message.source !== frame.contentWindow) return;
    if (!isHeightMessage(message.data)) return;
    frame.style.height = `${Math.ceil(Math.min(Math.max(message.data.height, 80), 5000))}px`;
  });

  script.after(host);
};

const current = document.currentScript;
if (current instanceof HTMLScriptElement) mount(current);
// Tags added later, or browsers without currentScript for this one: mount any not done yet.
for (const script of document.querySelectorAll<HTMLScriptElement>('script[data-event][src*="embed.js"]')) {
  mount(script);
}
