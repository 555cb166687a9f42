import { shortDateTime } from '../dates.js';
import { h } from '../dom.js';
import type { Counts, EventAdmin, EventStatus } from './api.js';
import { type AdminKey, plural, t } from './i18n.js';

/** The organiser's events: status, date and how full each one is. */

const STATUS_KEYS: Record<EventStatus, AdminKey> = {
  draft: 'statusDraft',
  published: 'statusPublished',
  cancelled: 'statusCancelled',
};

/** Everyone an event change or cancellation emails: confirmed, to confirm, waitlisted. */
export const registrantsOf = (event: EventAdmin): number =>
  event.counts.confirmed + event.counts.pendingConfirmation + event.counts.waitlisted;

export const statusBadge = (status: EventStatus) =>
  h('span', { class: `badge badge-${status}` }, t(STATUS_KEYS[status]));

/**
 * Confirmed seats against capacity, as a bar with its numbers in words beside it: the bar
 * is a `meter` for assistive technology, the text says the same for everyone.
 */
export const gauge = (capacity: number | null, counts: Counts) => {
  const taken = counts.confirmed + counts.pendingConfirmation;
  const label =
    capacity === null
      ? plural('gaugeUnlimited', taken)
      : t('gaugeOf', { n: taken.toLocaleString(), capacity: capacity.toLocaleString() });
  const bar = h('span', { class: 'gauge-fill' });
  const ratio = capacity ? Math.min(1, taken / capacity) : 0;
  // CSSOM, not a style attribute: the page's CSP allows no inline styles.
  bar.style.width = `${Math.round(ratio * 100)}%`;
  if (ratio >= 1) bar.classList.add('full');
  return h(
    'div',
    { class: 'gauge-block' },
    capacity === null
      ? null
      : h(
          'span',
          {
            class: 'gauge',
            role: 'meter',
            'aria-valuemin': 0,
            'aria-valuemax': capacity,
            'aria-valuenow': Math.min(taken, capacity),
            'aria-label': t('fill'),
          },
          bar,
        ),
    h(
      'span',
      { class: 'gauge-text' },
      label,
      counts.waitlisted ? ` · ${plural('waitlistCount', counts.waitlisted)}` : '',
      counts.checkedIn ? ` · ${plural('checkedInCount', counts.checkedIn)}` : '',
    ),
  );
};

const row = (event: EventAdmin) =>
  h(
    'li',
    { class: 'card admin-event' },
    h(
      'div',
      { class: 'admin-event-head' },
      h('h2', {}, h('a', { href: `#/events/${encodeURIComponent(event.id)}` }, event.title)),
      statusBadge(event.status),
    ),
    h('p', { class: 'when' }, shortDateTime(event.startsAt, event.timeZone)),
    gauge(event.capacity, event.counts),
  );

export const eventsView = (events: EventAdmin[]) => [
  h(
    'div',
    { class: 'view-head' },
    h('h1', { id: 'view-title' }, t('eventsTitle')),
    h('a', { class: 'button primary', href: '#/new' }, t('newEvent')),
  ),
  events.length
    ? h('ul', { class: 'cards', id: 'admin-events' }, events.map(row))
    : h('p', { class: 'notice' }, t('noEventsYet')),
];
