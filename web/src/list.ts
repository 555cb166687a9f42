import { ApiError, api, type EventPublic } from './api.js';
import { byId, h, replace, setStatus } from './dom.js';
import { availability, dateRange, formatLabel } from './format.js';
import { onLangChange, setupLanguageSwitch, t } from './i18n.js';

/** The demo organisers; there is no endpoint listing organisers. */
const ORGANISERS = ['media-aces', 'touch-and-sell', 'open2leads'];

type Loaded = { organiserId: string; events: EventPublic[] } | { organiserId: string; error: ApiError };
let loaded: Loaded[] | undefined;

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

const render = (): void => {
  if (!loaded) return;
  document.title = `${t('listTitle')} · ${t('siteName')}`;
  const sections = loaded.flatMap((entry) => {
    if ('error' in entry) {
      return [
        h('section', { class: 'organiser' }, h('p', { class: 'notice error' }, t('organiserLoadError'))),
      ];
    }
    if (entry.events.length === 0) return [];
    const name = entry.events[0]?.organiserName ?? entry.organiserId;
    return [
      h(
        'section',
        { class: 'organiser' },
        h('h2', {}, name),
        h('ul', { class: 'cards' }, entry.events.map(card)),
      ),
    ];
  });
  replace(byId('content'), sections.length ? sections : h('p', { class: 'notice' }, t('noEvents')));
};

const load = async (): Promise<void> => {
  loaded = await Promise.all(
    ORGANISERS.map(async (organiserId): Promise<Loaded> => {
      try {
        return { organiserId, events: (await api.events(organiserId)).events };
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
