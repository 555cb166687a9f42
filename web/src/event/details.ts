import type { EventPublic } from '../api.js';
import { h, safeHref } from '../dom.js';
import {
  availability,
  dateRange,
  dayKey,
  dayTitle,
  differentZone,
  timeOf,
  timeRange,
  zoneCity,
} from '../format.js';
import { t } from '../texts/event.js';
import { blockedBy } from './outcome.js';
import { state as pageState, preview } from './state.js';

/** The event itself: title, facts (when, where, seats), description, programme and speakers. */

/** The seats tag (`#seats`), in the facts and on the embed card. */
export const seatsTag = (event: EventPublic) => {
  const seats = availability(event);
  return h('span', { id: 'seats', class: `tag tag-${seats.tone}` }, seats.text);
};

/** Refreshes the seats tag in place, leaving the rest of the page (and the focus) where it is. */
export const updateSeats = (event: EventPublic): void => {
  const tag = document.getElementById('seats');
  if (!tag) return;
  const seats = availability(event);
  tag.className = `tag tag-${seats.tone}`;
  tag.textContent = seats.text;
};

const place = (event: EventPublic) => {
  const venue = event.venue
    ? [event.venue.name, event.venue.address, event.venue.city].filter(Boolean).join(', ')
    : '';
  if (event.format === 'online') return t('online');
  if (event.format === 'hybrid') return venue ? `${venue} · ${t('online')}` : t('hybrid');
  return venue || t('inPerson');
};

/** The date in the event's zone, then the visitor's own when their clock reads it differently. */
const when = (event: EventPublic) => {
  const otherZone = differentZone(event.startsAt, event.timeZone);
  return h(
    'dd',
    {},
    h('span', { class: 'event-zone' }, dateRange(event.startsAt, event.endsAt, event.timeZone)),
    otherZone
      ? h(
          'span',
          { class: 'other-zone' },
          t('yourTime', { date: dateRange(event.startsAt, event.endsAt, otherZone) }),
        )
      : null,
  );
};

const facts = (event: EventPublic) =>
  h(
    'dl',
    { class: 'facts' },
    h('dt', {}, t('when')),
    when(event),
    h('dt', {}, t('where')),
    h('dd', {}, place(event)),
    h('dt', {}, t('availability')),
    h('dd', {}, seatsTag(event)),
  );

const timelineItems = (event: EventPublic, items: EventPublic['agenda']) =>
  h(
    'ol',
    { class: 'timeline' },
    items.map((item) =>
      h(
        'li',
        {},
        h(
          'p',
          { class: 'time' },
          item.endsAt
            ? timeRange(item.startsAt, item.endsAt, event.timeZone)
            : t('timelineFrom', { time: timeOf(item.startsAt, event.timeZone) }),
        ),
        h(
          'div',
          { class: 'what' },
          h('p', { class: 'title' }, item.title),
          item.speakers.length ? h('p', { class: 'who' }, item.speakers.join(', ')) : null,
        ),
      ),
    ),
  );

/**
 * The programme as a timeline: times down one side, a line with a dot per item, talks beside.
 * Over several days (in the event's zone), one timeline per day under the day's date.
 */
const timeline = (event: EventPublic) => {
  const items = [...event.agenda].sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt));
  const lastMinute = new Date(Date.parse(event.endsAt) - 60_000).toISOString();
  const multiDay = dayKey(event.startsAt, event.timeZone) !== dayKey(lastMinute, event.timeZone);
  const days = new Map<string, EventPublic['agenda']>();
  for (const item of items) {
    const day = dayKey(item.startsAt, event.timeZone);
    days.set(day, [...(days.get(day) ?? []), item]);
  }
  return h(
    'section',
    { 'aria-labelledby': 'agenda' },
    h(
      'h2',
      { id: 'agenda' },
      t('agenda'),
      ' ',
      h('span', { class: 'zone-note' }, `(${zoneCity(event.timeZone)})`),
    ),
    multiDay
      ? [...days.values()].flatMap((dayItems, index) => [
          h(
            'h3',
            { class: 'agenda-day', id: `agenda-day-${index + 1}` },
            dayTitle(dayItems[0]?.startsAt ?? event.startsAt, event.timeZone),
          ),
          timelineItems(event, dayItems),
        ])
      : timelineItems(event, items),
  );
};

const initials = (name: string) =>
  name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0]?.toUpperCase())
    .join('');

const speakers = (event: EventPublic) =>
  h(
    'section',
    { 'aria-labelledby': 'speakers' },
    h('h2', { id: 'speakers' }, t('speakers')),
    h(
      'ul',
      { class: 'speakers' },
      event.speakers.map((speaker) =>
        h(
          'li',
          {},
          h('span', { class: 'avatar', 'aria-hidden': 'true' }, initials(speaker.name)),
          h(
            'span',
            {},
            h('strong', {}, speaker.name),
            speaker.title ? h('span', { class: 'who' }, speaker.title) : null,
          ),
        ),
      ),
    ),
  );

/** Cancelled or over: said first, in a banner, and nothing to put in a calendar any more. */
const ended = (event: EventPublic, now = new Date()) =>
  event.status === 'cancelled' ? 'cancelled' : new Date(event.endsAt) <= now ? 'past' : undefined;

const banner = (state: 'cancelled' | 'past') =>
  h(
    'div',
    { class: 'result result-closed banner', id: 'event-banner', role: 'status' },
    h('strong', {}, t(state === 'cancelled' ? 'cancelledBanner' : 'pastBanner')),
    ' ',
    t(state === 'cancelled' ? 'cancelledBannerHelp' : 'pastBannerHelp'),
  );

/** Registration open now (not cancelled, closed, full without a waitlist, or not yet open). */
const open = (event: EventPublic, now = new Date()) =>
  !ended(event, now) &&
  !blockedBy(event, now) &&
  !(event.registrationOpensAt && new Date(event.registrationOpensAt) > now);

/**
 * « S'inscrire » by the title, down to the form: on a phone the form is screens below. It stays
 * at hand (sticky) while reading, and steps aside once the form itself is in view.
 */
const registerJump = (event: EventPublic) => {
  const full = event.seatsLeft === 0;
  const link = h(
    'a',
    { class: 'button primary', href: '#register-section' },
    t(full ? 'submitWaitlist' : 'submit'),
  );
  const jump = h('p', { class: 'register-jump' }, link);
  queueMicrotask(() => {
    const form = document.getElementById('register-section');
    if (!form || !('IntersectionObserver' in window)) return;
    new IntersectionObserver(([entry]) =>
      jump.classList.toggle('out-of-the-way', Boolean(entry?.isIntersecting)),
    ).observe(form);
  });
  return jump;
};

export const details = (event: EventPublic) => {
  const state = ended(event);
  const calendarHref = state ? undefined : safeHref(event.calendarUrl);
  return [
    state ? banner(state) : null,
    h(
      'p',
      { class: 'organiser-name' },
      `${t('organiser')} `,
      h('a', { href: `/?organiser=${encodeURIComponent(event.organiserId)}` }, event.organiserName),
    ),
    h('h1', {}, event.title),
    event.summary ? h('p', { class: 'lead' }, event.summary) : null,
    // Not once the form has its answer: « S'inscrire » above a registration already made misleads.
    open(event) && !preview && !pageState.outcome ? registerJump(event) : null,
    facts(event),
    calendarHref
      ? h('p', {}, h('a', { href: calendarHref, download: 'event.ics' }, t('addEventToCalendar')))
      : null,
    event.description
      ? h(
          'section',
          { 'aria-labelledby': 'about' },
          h('h2', { id: 'about' }, t('about')),
          h('div', { class: 'description' }, event.description),
        )
      : null,
    event.agenda.length ? timeline(event) : null,
    event.speakers.length ? speakers(event) : null,
  ];
};
