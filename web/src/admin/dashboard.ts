import { dateRange } from '../dates.js';
import { h, replace, safeHref } from '../dom.js';
import { embedSnippet } from '../embed-contract.js';
import { locale } from '../i18n-core.js';
import type { AdminApi, Counts, EventAdmin, Stats } from './api.js';
import { gauge, registrantsOf, statusBadge } from './events.js';
import { type AdminKey, plural, t } from './i18n.js';
import { type RegistrationsPanel, registrationsPanel } from './registrations.js';
import { announce, confirmAction, errorText } from './ui.js';

/**
 * One event for its organiser: status and actions (edit, publish, cancel, the public page,
 * the embed snippet), the counts and the per-day chart, and the registrations.
 */

const COUNT_KEYS: [keyof Counts, AdminKey][] = [
  ['confirmed', 'countConfirmed'],
  ['pendingConfirmation', 'countPending'],
  ['waitlisted', 'countWaitlisted'],
  ['cancelled', 'countCancelled'],
  ['checkedIn', 'countCheckedIn'],
];

const place = (event: EventAdmin): string => {
  const venue = event.venue
    ? [event.venue.name, event.venue.address, event.venue.city].filter(Boolean).join(', ')
    : '';
  return [event.format === 'online' ? '' : venue, event.format === 'in_person' ? '' : t('formatOnline')]
    .filter(Boolean)
    .join(' · ');
};

const countTiles = (counts: Counts) =>
  h(
    'dl',
    { class: 'tiles', id: 'counts' },
    COUNT_KEYS.map(([key, label]) =>
      h(
        'div',
        { class: 'tile', 'data-count': key },
        h('dt', {}, t(label)),
        h('dd', {}, counts[key].toLocaleString(locale())),
      ),
    ),
  );

/**
 * Who came and who answered (API.md, "Attendance"), beside the counts (seat holders and checked
 * in are there): joined online (not for an event in person), once it is over the no-shows and
 * the show-up rate; who said "still coming", the seats the deadline released and those a
 * calendar's "Decline" gave up.
 */
const attendanceTiles = (attendance: NonNullable<Stats['attendance']>, format: EventAdmin['format']) => {
  const number = (n: number) => n.toLocaleString(locale());
  const rate = (n: number) => n.toLocaleString(locale(), { style: 'percent', maximumFractionDigits: 0 });
  const figures: [string, AdminKey, string | null][] = [
    ['joined', 'statJoined', format === 'in_person' ? null : number(attendance.joined)],
    ['noShow', 'statNoShow', attendance.noShow === null ? null : number(attendance.noShow)],
    ['showUpRate', 'statShowUpRate', attendance.showUpRate === null ? null : rate(attendance.showUpRate)],
    ['reconfirmed', 'statReconfirmed', number(attendance.reconfirmed)],
    ['released', 'statReleased', number(attendance.released)],
    ['declined', 'statDeclined', number(attendance.declined)],
  ];
  return [
    h('h2', { id: 'attendance-title' }, t('attendanceTitle')),
    h(
      'dl',
      { class: 'tiles', id: 'attendance', 'aria-labelledby': 'attendance-title' },
      figures
        .filter(([, , shown]) => shown !== null)
        .map(([key, label, shown]) =>
          h('div', { class: 'tile', 'data-count': key }, h('dt', {}, t(label)), h('dd', {}, shown)),
        ),
    ),
  ];
};

/** The chart (uPlot, loaded now) with the same numbers as a table for screen readers and print. */
const statsBlock = (
  stats: Stats,
  format: EventAdmin['format'],
  keepDestroy: (destroy: () => void) => void,
) => {
  const days = stats.registrationsByDay;
  const total = days.reduce(
    (sum, day) => sum + day.confirmed + (day.pendingConfirmation ?? 0) + day.waitlisted + day.cancelled,
    0,
  );
  const canvas = h('div', { class: 'chart', role: 'img', 'aria-label': plural('chartSummary', total) });
  const table = h(
    'table',
    { class: 'chart-data' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, t('day')),
        h('th', { scope: 'col' }, t('countConfirmed')),
        h('th', { scope: 'col' }, t('countPending')),
        h('th', { scope: 'col' }, t('countWaitlisted')),
        h('th', { scope: 'col' }, t('countCancelled')),
      ),
    ),
    h(
      'tbody',
      {},
      days.map((day) =>
        h(
          'tr',
          {},
          h(
            'th',
            { scope: 'row' },
            new Date(`${day.date}T12:00:00Z`).toLocaleDateString(locale(), { timeZone: 'UTC' }),
          ),
          h('td', {}, day.confirmed),
          h('td', {}, day.pendingConfirmation ?? 0),
          h('td', {}, day.waitlisted),
          h('td', {}, day.cancelled),
        ),
      ),
    ),
  );
  const section = h(
    'section',
    { class: 'stats', 'aria-labelledby': 'stats-title' },
    // Who came first (the figures people ask for after the event), then registrations per day.
    stats.attendance ? attendanceTiles(stats.attendance, format) : null,
    h('h2', { id: 'stats-title' }, t('perDayTitle')),
    days.length ? canvas : h('p', { class: 'muted' }, t('noRegistrationsYet')),
    days.length
      ? h('details', {}, h('summary', {}, t('chartData')), h('div', { class: 'table-wrap' }, table))
      : null,
  );
  if (days.length) {
    import('./chart.js').then(
      ({ drawChart }) =>
        keepDestroy(
          drawChart(
            canvas,
            days,
            { day: t('day'), perDay: t('chartPerDay'), total: t('chartTotal') },
            locale(),
          ),
        ),
      () => replace(canvas, h('p', { class: 'muted' }, t('chartUnavailable'))),
    );
  }
  return section;
};

const embedCode = (event: EventAdmin) => {
  const snippet = embedSnippet(location.origin, event.id, event.language);
  const area = h('textarea', { id: 'embed-code', rows: 3, readonly: true, spellcheck: 'false' }, snippet);
  const copy = h('button', { type: 'button', class: 'button small' }, t('copy'));
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(snippet);
      announce(t('copiedNotice'));
    } catch {
      area.select();
    }
  });
  return h(
    'details',
    { class: 'embed-code' },
    h('summary', {}, t('embedTitle')),
    h('p', { class: 'hint' }, t('embedHelp')),
    h('label', { for: 'embed-code', class: 'sr-only' }, t('embedTitle')),
    area,
    copy,
  );
};

export interface Dashboard {
  nodes: Node[];
  stop(): void;
}

export const dashboardView = (api: AdminApi, initial: EventAdmin, stats: Stats | undefined): Dashboard => {
  let event = initial;
  const head = h('div', { class: 'dashboard-head' });
  const gaugeSlot = h('div', { class: 'gauge-slot' });
  const countsSlot = h('div', { class: 'counts-slot' });
  const statsSlot = h('div', { class: 'stats-slot' });

  const runTransition = async (kind: 'publish' | 'cancel') => {
    if (kind === 'cancel') {
      const go = await confirmAction({
        title: t('cancelEventTitle'),
        body: [plural('cancelEventBody', registrantsOf(event)), t('cancelEventFinal')],
        confirm: t('cancelEventConfirm'),
        danger: true,
      });
      if (!go) return;
    }
    try {
      event = kind === 'publish' ? await api.publish(event.id) : await api.cancel(event.id);
      publishError = undefined;
      announce(t(kind === 'publish' ? 'publishedNotice' : 'eventCancelledNotice'));
      renderHead();
      document.getElementById('view-title')?.focus();
    } catch (error) {
      announce(errorText(error), 'error');
      if (kind !== 'publish') return;
      // Also beside the button, where the organiser is looking (the status line may be off-screen).
      publishError = errorText(error);
      renderHead();
      document.getElementById('publish')?.focus();
    }
  };
  /** Why publishing was refused (join link missing, event over), until it succeeds. */
  let publishError: string | undefined;

  const renderHead = () => {
    const publicHref = safeHref(`/events/${encodeURIComponent(event.id)}`);
    const actions: Node[] = [];
    if (event.status !== 'cancelled') {
      actions.push(
        h('a', { class: 'button', href: `#/events/${encodeURIComponent(event.id)}/edit` }, t('edit')),
      );
    }
    if (event.status === 'draft') {
      const publish = h(
        'button',
        {
          type: 'button',
          class: 'button primary',
          id: 'publish',
          ...(publishError ? { 'aria-describedby': 'publish-error' } : {}),
        },
        t('publish'),
      );
      publish.addEventListener('click', () => void runTransition('publish'));
      actions.push(publish);
      // The event's own page, for the organiser only: same tab, so it finds this tab's session.
      actions.push(h('a', { class: 'button', href: `${publicHref}?preview=1` }, t('preview')));
    }
    if (event.status === 'published') {
      actions.push(
        h('a', { class: 'button', href: publicHref, target: '_blank', rel: 'noopener' }, t('publicPage')),
      );
      // The door scanner (issue 18).
      actions.push(
        h(
          'a',
          { class: 'button', id: 'scan-link', href: `#/events/${encodeURIComponent(event.id)}/scan` },
          t('scanOpen'),
        ),
      );
    }
    if (event.status !== 'cancelled') {
      const cancel = h(
        'button',
        { type: 'button', class: 'button danger-outline', id: 'cancel-event' },
        t('cancelEvent'),
      );
      cancel.addEventListener('click', () => void runTransition('cancel'));
      actions.push(cancel);
    }
    replace(
      head,
      h('p', { class: 'back' }, h('a', { href: '#/' }, t('eventsTitle'))),
      h(
        'div',
        { class: 'title-row' },
        h('h1', { id: 'view-title', tabindex: '-1' }, event.title),
        statusBadge(event.status),
      ),
      h(
        'p',
        { class: 'meta' },
        dateRange(event.startsAt, event.endsAt, event.timeZone),
        place(event) ? ` · ${place(event)}` : '',
      ),
      gaugeSlot,
      h('div', { class: 'actions' }, actions),
      publishError && event.status === 'draft'
        ? h('p', { class: 'field-error publish-error', id: 'publish-error' }, publishError)
        : null,
      event.status === 'published' ? embedCode(event) : null,
    );
    renderCounts();
  };

  const renderCounts = () => {
    replace(gaugeSlot, gauge(event.capacity, event.counts));
    replace(countsSlot, countTiles(event.counts));
  };

  let destroyChart: (() => void) | undefined;
  const renderStats = (fresh: Stats) => {
    destroyChart?.();
    destroyChart = undefined;
    replace(
      statsSlot,
      statsBlock(fresh, event.format, (destroy) => {
        destroyChart = destroy;
      }),
    );
  };
  /** Registrations in all states: when it moves, the per-day chart is out of date. */
  const totalOf = (counts: Counts) =>
    counts.confirmed + counts.pendingConfirmation + counts.waitlisted + counts.cancelled;
  let chartedTotal = stats ? totalOf(stats.counts) : -1;

  renderHead();
  if (stats) renderStats(stats);

  /** After an action on a registration: fresh counts (and gauge) without redrawing the table. */
  let pending = false;
  /** Asked again while a fetch was on its way: that answer may predate the change, so fetch once more. */
  let again = false;
  const refreshCounts = () => {
    if (pending) {
      again = true;
      return;
    }
    pending = true;
    api
      .event(event.id)
      .then(async (fresh) => {
        event = fresh;
        renderCounts();
        panel.showCounts(fresh.counts);
        if (totalOf(fresh.counts) !== chartedTotal) {
          const freshStats = await api.stats(event.id);
          chartedTotal = totalOf(freshStats.counts);
          renderStats(freshStats);
        }
      })
      .catch(() => undefined)
      .finally(() => {
        pending = false;
        if (again) {
          again = false;
          refreshCounts();
        }
      });
  };

  const panel: RegistrationsPanel = registrationsPanel(api, event, refreshCounts);
  // Tracking links once the event is public (a draft has no page to lead to), loaded on demand.
  const linksSlot = h('div', { class: 'links-slot' });
  let stopLinks: (() => void) | undefined;
  let stopped = false;
  if (event.status !== 'draft') {
    import('./links.js').then(
      ({ linksSection }) => {
        if (stopped) return;
        const links = linksSection(api, event.id);
        replace(linksSlot, links.element);
        stopLinks = links.stop;
      },
      () => undefined,
    );
  }
  return {
    nodes: [head, countsSlot, statsSlot, linksSlot, panel.element],
    stop: () => {
      stopped = true;
      panel.stop();
      destroyChart?.();
      stopLinks?.();
    },
  };
};
