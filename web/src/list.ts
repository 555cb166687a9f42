import { ApiError, api, type EventList, type EventPublic } from './api.js';
import { byId, h, replace, safeHref } from './dom.js';
import { availability, dateRange, formatLabel } from './format.js';
import { onLangChange } from './i18n.js';
import { setStatus, setupLanguageSwitch, t } from './texts/list.js';

/**
 * `/`: the upcoming events of every demo organiser. `/?organiser={id}`: one organiser's
 * page, with the menu that subscribes a calendar to its feed.
 */

/** The demo organisers; there is no endpoint listing organisers. */
const ORGANISERS = ['media-aces', 'touch-and-sell', 'open2leads'];

const organiserParam = new URLSearchParams(location.search).get('organiser') ?? undefined;

type Loaded = { organiserId: string; list: EventList } | { organiserId: string; error: ApiError };
let loaded: Loaded[] | undefined;

/** The feed links from the API when it gives them, else the documented feed path on this host. */
const feedOf = (organiserId: string, list: EventList) => {
  if (list.calendar) return list.calendar;
  const feedUrl = new URL(`/calendar/organisers/${encodeURIComponent(organiserId)}.ics`, location.href).href;
  return { feedUrl, subscribeUrl: feedUrl.replace(/^https?:/, 'webcal:') };
};

/** `webcal:` is what calendar apps register for: one click subscribes. */
const webcalHref = (url: string): string | undefined => (/^webcal:\/\//.test(url) ? url : undefined);

/**
 * Subscribing, per calendar (docs/calendar.md): Google and Outlook.com take the address in a
 * link of theirs; Apple Calendar (and most desktop apps) answer `webcal:`; anything else gets
 * the address to copy. A `<details>` menu: no script needed to open it, keyboard and screen
 * readers know it.
 */
const subscribe = (organiserId: string, name: string, list: EventList) => {
  const feed = feedOf(organiserId, list);
  const google = new URL('https://calendar.google.com/calendar/render');
  google.searchParams.set('cid', feed.subscribeUrl);
  const outlook = new URL('https://outlook.live.com/calendar/0/addfromweb');
  outlook.searchParams.set('url', feed.feedUrl);
  outlook.searchParams.set('name', name);
  const address = h('input', {
    id: 'feed-address',
    class: 'feed-address',
    type: 'url',
    readonly: true,
    value: feed.feedUrl,
    'aria-label': t('feedLink'),
  });
  const copy = h('button', { type: 'button', class: 'button' }, t('copyAddress'));
  copy.addEventListener('click', () => {
    address.select();
    navigator.clipboard
      ?.writeText(feed.feedUrl)
      .then(() => setStatus('addressCopied'))
      .catch(() => setStatus('addressSelected'));
    if (!navigator.clipboard) setStatus('addressSelected');
  });
  const option = (href: string | undefined, label: string) =>
    h('li', {}, h('a', { class: 'button', href, target: '_blank', rel: 'noopener' }, label));
  return h(
    'details',
    { class: 'subscribe' },
    h('summary', { class: 'button primary' }, t('subscribe')),
    h('p', { class: 'note' }, t('subscribeHelp')),
    h(
      'ul',
      { class: 'subscribe-options' },
      option(safeHref(google.href), t('subscribeGoogle')),
      option(safeHref(outlook.href), t('subscribeOutlook')),
      h('li', {}, h('a', { class: 'button', href: webcalHref(feed.subscribeUrl) }, t('subscribeApple'))),
    ),
    h('p', { class: 'copy-address' }, address, copy),
    h('p', { class: 'note' }, t('subscribeDelay')),
  );
};

const card = (event: EventPublic) => {
  const seats = availability(event);
  const href = `/events/${encodeURIComponent(event.id)}`;
  return h(
    'li',
    { class: 'card' },
    h('h3', {}, h('a', { href }, event.title)),
    h('p', { class: 'when' }, dateRange(event.startsAt, event.endsAt, event.timeZone, true)),
    h(
      'p',
      { class: 'tags' },
      h('span', { class: 'tag' }, formatLabel(event.format)),
      event.venue?.city ? h('span', { class: 'tag' }, event.venue.city) : null,
      h('span', { class: `tag tag-${seats.tone}` }, seats.text),
    ),
    event.summary ? h('p', { class: 'summary' }, event.summary) : null,
  );
};

const nameOf = (entry: { organiserId: string; list: EventList }) =>
  entry.list.events[0]?.organiserName ?? entry.organiserId;

/** One organiser's page. */
const renderOrganiser = (entry: Loaded): void => {
  const heading = byId('page-title');
  if ('error' in entry) {
    heading.textContent = t('listTitle');
    replace(byId('content'), h('p', { class: 'notice error' }, t('organiserLoadError')));
    return;
  }
  const name = nameOf(entry);
  heading.textContent = entry.list.events.length ? t('organiserEvents', { name }) : t('listTitle');
  document.title = `${name} · ${t('siteName')}`;
  replace(
    byId('content'),
    entry.list.events.length
      ? [
          subscribe(entry.organiserId, name, entry.list),
          h('ul', { class: 'cards' }, entry.list.events.map(card)),
        ]
      : h('p', { class: 'notice' }, t('organiserNotFound')),
    h('p', { class: 'back' }, h('a', { href: '/' }, t('allOrganisers'))),
  );
};

const render = (): void => {
  if (!loaded) return;
  if (organiserParam) {
    const [entry] = loaded;
    if (entry) renderOrganiser(entry);
    return;
  }
  document.title = `${t('listTitle')} · ${t('siteName')}`;
  byId('page-title').textContent = t('listTitle');
  const sections = loaded.flatMap((entry) => {
    if ('error' in entry) {
      return [
        h('section', { class: 'organiser' }, h('p', { class: 'notice error' }, t('organiserLoadError'))),
      ];
    }
    if (entry.list.events.length === 0) return [];
    const name = nameOf(entry);
    const headingId = `org-${entry.organiserId}`;
    return [
      h(
        'section',
        { class: 'organiser', 'aria-labelledby': headingId },
        h(
          'h2',
          { id: headingId },
          h('a', { href: `/?organiser=${encodeURIComponent(entry.organiserId)}` }, name),
        ),
        // One subscription menu per organiser page, not one per section here.
        h('ul', { class: 'cards' }, entry.list.events.map(card)),
      ),
    ];
  });
  replace(byId('content'), sections.length ? sections : h('p', { class: 'notice' }, t('noEvents')));
};

const load = async (): Promise<void> => {
  const ids = organiserParam ? [organiserParam] : ORGANISERS;
  loaded = await Promise.all(
    ids.map(async (organiserId): Promise<Loaded> => {
      try {
        return { organiserId, list: await api.events(organiserId) };
      } catch (error) {
        return { organiserId, error: error instanceof ApiError ? error : new ApiError(0, 'network', '') };
      }
    }),
  );
  setStatus(null);
  render();
};

setupLanguageSwitch();
onLangChange(render);
void load();
