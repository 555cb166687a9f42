import type { EventPublic } from '../api.js';
import { h } from '../dom.js';
import type { HeightMessage } from '../embed-contract.js';
import { dateRange, formatLabel } from '../format.js';
import { t } from '../texts/event.js';
import { seatsTag } from './details.js';
import { controls } from './fields.js';
import { blockedBy, registerSection } from './outcome.js';
import { embedded, state } from './state.js';

/**
 * Embed mode (`?embed=1`): the compact view the embeddable button (embed.js) shows in an
 * iframe on another site, with the frame's height reported to the host page.
 */

/**
 * A card with the essentials; its button opens the form in place. `render` redraws the page,
 * `onOutcome` is passed on to the form.
 */
export const embedCard = (event: EventPublic, render: () => void, onOutcome: () => void) => {
  const blocked = state.outcome ? undefined : blockedBy(event);
  const open = h(
    'button',
    {
      type: 'button',
      class: 'button primary',
      id: 'embed-open',
      'aria-expanded': String(state.open),
      'aria-controls': 'register-section',
      hidden: state.open || Boolean(blocked),
    },
    t('embedOpen'),
  );
  open.addEventListener('click', () => {
    state.open = true;
    render();
    const first = controls.get('name');
    if (first) first.focus();
  });
  return [
    h('h1', {}, event.title),
    h(
      'p',
      { class: 'when' },
      h('span', { class: 'event-zone' }, dateRange(event.startsAt, event.endsAt, event.timeZone, true)),
    ),
    h(
      'p',
      { class: 'tags' },
      h('span', { class: 'tag' }, formatLabel(event.format)),
      event.venue?.city ? h('span', { class: 'tag' }, event.venue.city) : null,
      seatsTag(event),
    ),
    h(
      'p',
      { class: 'embed-links' },
      h(
        'a',
        { href: `/events/${encodeURIComponent(event.id)}`, target: '_blank', rel: 'noopener' },
        t('fullPage'),
      ),
    ),
    open,
    state.open || blocked || state.outcome ? registerSection(event, onOutcome) : null,
  ];
};

/**
 * Tells the host page (embed.js) how tall the frame's content is, so it never scrolls inside,
 * each time it grows or shrinks.
 */
export const reportHeight = (eventId: string | undefined): void => {
  if (!embedded || !eventId || window.parent === window) return;
  const send = () => {
    const message: HeightMessage = {
      type: 'inscriptions:height',
      eventId,
      // The body's own height: the document's scrollHeight is never less than the frame
      // itself, so a frame sized by it could grow but never shrink back.
      height: document.body.getBoundingClientRect().height,
    };
    // Only a height and the event id: nothing personal crosses to the host page.
    window.parent.postMessage(message, '*');
  };
  new ResizeObserver(send).observe(document.body);
  send();
};
