import { shortDateTime, timeOf } from '../dates.js';
import { focusOn, h, replace } from '../dom.js';
import { lang, locale } from '../i18n-core.js';
import type {
  AdminApi,
  Counts,
  EventAdmin,
  RegistrationAdmin,
  RegistrationSort,
  RegistrationStatus,
} from './api.js';
import { type AdminKey, plural, t } from './i18n.js';
import { announce, confirmAction, downloadBlob, errorText } from './ui.js';

/**
 * The registrations of one event: search, status filter and sort (all done by the server, so
 * only the page shown is loaded), pages (`?cursor=`), check-in at the door (one tap, undo
 * beside it), cancel, promote, resend, erase, CSV export. Door mode: one line per person with
 * the check-in at the thumb, the search and the counts kept at the top while scrolling.
 * Everything a registrant typed goes into the page as text nodes, never as markup.
 */

const PAGE_SIZE = 50;
const REFRESH_MS = 20_000;
/** Long enough not to ask the server at every letter, short enough to feel instant at the door. */
const SEARCH_DEBOUNCE_MS = 250;

/** Door mode is remembered per device: the phone taken to the door stays in door mode. */
const DOOR_KEY = 'adminDoorMode';
/**
 * Without a saved choice, door mode is on up to 600 px wide: a screen that narrow is a phone, and
 * a phone is what goes to the door, where cards (~390 px each) make 50 people a 21,000 px scroll.
 * Wider (tablet, laptop) the full table is at hand, with the door mode one tap away.
 */
const DOOR_BY_DEFAULT = '(max-width: 37.5rem)';

const savedDoorMode = (): boolean => {
  try {
    const saved = localStorage.getItem(DOOR_KEY);
    if (saved === 'on' || saved === 'off') return saved === 'on';
  } catch {
    // Storage may be blocked: fall back to the screen's width.
  }
  return matchMedia(DOOR_BY_DEFAULT).matches;
};

const saveDoorMode = (on: boolean): void => {
  try {
    localStorage.setItem(DOOR_KEY, on ? 'on' : 'off');
  } catch {
    // Not remembered, still applied.
  }
};

/** The scanner's fallback: the list opens in door mode, to search by name. */
export const openDoorMode = (): void => saveDoorMode(true);

const SORT_KEYS: Record<RegistrationSort, AdminKey> = {
  newest: 'sortNewest',
  oldest: 'sortOldest',
  name: 'sortName',
};

const STATUS_KEYS: Record<RegistrationStatus, AdminKey> = {
  confirmed: 'regConfirmed',
  waitlisted: 'regWaitlisted',
  pending_confirmation: 'regPending',
  cancelled: 'regCancelled',
};

export interface RegistrationsPanel {
  element: HTMLElement;
  refresh(): Promise<void>;
  /** The event's counts as the server has them now (the door mode shows checked in / confirmed). */
  showCounts(counts: Counts): void;
  stop(): void;
}

export const registrationsPanel = (
  api: AdminApi,
  event: EventAdmin,
  onChanged: () => void,
): RegistrationsPanel => {
  const state = {
    status: '' as '' | RegistrationStatus,
    search: '',
    sort: 'newest' as RegistrationSort,
    /** How many match the search and filter, on every page. */
    total: 0,
    /** Counts loads, so an answer overtaken by a newer one (fast typing) is dropped. */
    loadNumber: 0,
    /** Cursors of the pages before the current one (for "previous"). */
    history: [] as (string | undefined)[],
    cursor: undefined as string | undefined,
    nextCursor: null as string | null,
    items: [] as RegistrationAdmin[],
    loading: false,
    busy: new Set<string>(),
    door: savedDoorMode(),
    counts: { ...event.counts },
  };

  const searchInput = h('input', {
    type: 'search',
    id: 'reg-search',
    autocomplete: 'off',
    spellcheck: 'false',
  });
  const statusSelect = h(
    'select',
    { id: 'reg-status' },
    h('option', { value: '' }, t('filterAll')),
    (Object.keys(STATUS_KEYS) as RegistrationStatus[]).map((status) =>
      h('option', { value: status }, t(STATUS_KEYS[status])),
    ),
  );
  const sortSelect = h(
    'select',
    { id: 'reg-sort' },
    (Object.keys(SORT_KEYS) as RegistrationSort[]).map((sort) =>
      h('option', { value: sort }, t(SORT_KEYS[sort])),
    ),
  );
  const refreshButton = h(
    'button',
    { type: 'button', class: 'button small', id: 'reg-refresh' },
    t('refresh'),
  );
  const exportButton = h(
    'button',
    { type: 'button', class: 'button small', id: 'reg-export' },
    t('exportCsv'),
  );
  const doorToggle = h(
    'button',
    { type: 'button', class: 'button small', id: 'door-toggle', 'aria-pressed': String(state.door) },
    t('doorMode'),
  );
  const doorCounts = h('p', { class: 'door-counts', id: 'door-counts' });
  const summary = h('p', { class: 'reg-summary', id: 'reg-summary', 'aria-live': 'polite' });
  const head = h('thead');
  const body = h('tbody');
  const table = h(
    'table',
    {
      class: 'registrations',
      tabindex: '-1',
      'aria-labelledby': 'reg-title',
      'aria-describedby': 'reg-summary',
    },
    head,
    body,
  );
  const previous = h('button', { type: 'button', class: 'button small' }, t('previousPage'));
  const next = h('button', { type: 'button', class: 'button small' }, t('nextPage'));
  const pager = h('nav', { class: 'pager', 'aria-label': t('pagination') }, previous, next);

  const element = h(
    'section',
    { class: 'registrations-section', 'aria-labelledby': 'reg-title' },
    h('div', { class: 'section-head' }, h('h2', { id: 'reg-title' }, t('registrationsTitle')), doorToggle),
    // Its own block, so that door mode can keep it (and the counts) stuck at the top.
    h(
      'div',
      { class: 'door-bar' },
      h('div', { class: 'field' }, h('label', { for: 'reg-search' }, t('search')), searchInput),
      doorCounts,
      // The door scanner (issue 18), beside the list it falls back to.
      h('a', { class: 'door-scan', href: `#/events/${encodeURIComponent(event.id)}/scan` }, t('scanOpen')),
    ),
    h(
      'div',
      { class: 'toolbar' },
      h('div', { class: 'field' }, h('label', { for: 'reg-status' }, t('filterStatus')), statusSelect),
      h('div', { class: 'field' }, h('label', { for: 'reg-sort' }, t('sortBy')), sortSelect),
      h('div', { class: 'toolbar-buttons' }, refreshButton, exportButton),
    ),
    summary,
    h('div', { class: 'table-wrap' }, table),
    pager,
  );

  // --- actions ---

  const replaceItem = (updated: RegistrationAdmin) => {
    state.items = state.items.map((item) => (item.id === updated.id ? updated : item));
  };

  const checkIn = async (item: RegistrationAdmin, undo: boolean) => {
    if (state.busy.has(item.id)) return;
    state.busy.add(item.id);
    const before = item;
    const step = undo ? -1 : 1;
    // At the door: the row and the counts answer at once; the server catches up (and both roll
    // back on failure).
    replaceItem({ ...item, checkedInAt: undo ? null : new Date().toISOString() });
    state.counts.checkedIn += step;
    renderCounts();
    renderRows({ id: item.id });
    try {
      replaceItem(await (undo ? api.undoCheckIn(event.id, item.id) : api.checkIn(event.id, item.id)));
      announce(t(undo ? 'checkInUndone' : 'checkedInNotice', { name: item.name }));
      onChanged();
    } catch (error) {
      replaceItem(before);
      state.counts.checkedIn -= step;
      renderCounts();
      announce(errorText(error), 'error');
    } finally {
      state.busy.delete(item.id);
      renderRows({ id: item.id });
    }
  };

  const act = async (
    item: RegistrationAdmin,
    action: 'cancel' | 'promote' | 'resend' | 'erase',
  ): Promise<void> => {
    const confirmations: Partial<
      Record<typeof action, { title: AdminKey; body: AdminKey; confirm: AdminKey }>
    > = {
      cancel: { title: 'cancelRegTitle', body: 'cancelRegBody', confirm: 'cancelRegConfirm' },
      erase: { title: 'eraseTitle', body: 'eraseBody', confirm: 'eraseConfirm' },
    };
    const asked = confirmations[action];
    if (
      asked &&
      !(await confirmAction({
        title: t(asked.title, { name: item.name }),
        body: t(asked.body, { name: item.name, email: item.email }),
        confirm: t(asked.confirm),
        danger: true,
      }))
    ) {
      return;
    }
    state.busy.add(item.id);
    renderRows();
    try {
      if (action === 'erase') {
        await api.erase(event.id, item.id);
        state.items = state.items.filter((other) => other.id !== item.id);
        announce(t('erasedNotice'));
      } else {
        const call = { cancel: api.cancelRegistration, promote: api.promote, resend: api.resend }[action];
        replaceItem(await call(event.id, item.id));
        announce(
          t(
            { cancel: 'cancelledRegNotice', promote: 'promotedNotice', resend: 'resentNotice' }[
              action
            ] as AdminKey,
            {
              name: item.name,
            },
          ),
        );
      }
      onChanged();
    } catch (error) {
      announce(errorText(error), 'error');
    } finally {
      state.busy.delete(item.id);
    }
    // A freed seat may have gone to the waitlist's first person: show the list as it is now.
    await load();
    document.getElementById('status')?.focus();
  };

  // --- rendering ---

  const statusCell = (item: RegistrationAdmin) => {
    const text =
      item.status === 'waitlisted' && item.waitlistPosition
        ? t('regWaitlistedAt', { n: item.waitlistPosition })
        : t(STATUS_KEYS[item.status]);
    const badge = h('span', { class: `badge badge-${item.status}` }, text);
    // "Still coming", answered from a reminder or the reconfirmation's ask.
    return item.attendance?.reconfirmedAt
      ? h('span', {}, badge, ' ', h('span', { class: 'badge badge-reconfirmed' }, t('reconfirmedMark')))
      : badge;
  };

  // Each control says which it is (`data-control`), so a redraw can give the focus back to it.

  const checkInButton = (item: RegistrationAdmin) => {
    const button = h(
      'button',
      {
        type: 'button',
        class: 'button checkin',
        'data-control': 'checkin',
        disabled: state.busy.has(item.id),
        'aria-label': t('checkInFor', { name: item.name }),
      },
      t('checkIn'),
    );
    button.addEventListener('click', () => void checkIn(item, false));
    return button;
  };

  const undoButton = (item: RegistrationAdmin) => {
    const undo = h(
      'button',
      {
        type: 'button',
        class: 'button small link undo',
        'data-control': 'undo',
        disabled: state.busy.has(item.id),
        'aria-label': t('undoCheckInFor', { name: item.name }),
      },
      t('undoCheckIn'),
    );
    undo.addEventListener('click', () => void checkIn(item, true));
    return undo;
  };

  const presentSince = (checkedInAt: string) =>
    h(
      'span',
      { class: 'present', 'data-control': 'present', tabindex: '-1' },
      t('present', { time: timeOf(checkedInAt, event.timeZone) }),
    );

  const checkInCell = (item: RegistrationAdmin) => {
    if (item.status !== 'confirmed') return h('span', { class: 'muted' }, '—');
    if (item.checkedInAt) {
      return h('span', { class: 'checked-in' }, presentSince(item.checkedInAt), undoButton(item));
    }
    return checkInButton(item);
  };

  const actionsCell = (item: RegistrationAdmin) => {
    const buttons: HTMLButtonElement[] = [];
    const add = (label: AdminKey, action: Parameters<typeof act>[1], danger = false) => {
      const button = h(
        'button',
        {
          type: 'button',
          class: `button small${danger ? ' danger-outline' : ''}`,
          disabled: state.busy.has(item.id),
        },
        t(label),
      );
      button.addEventListener('click', () => void act(item, action));
      buttons.push(button);
    };
    if (item.status === 'waitlisted') add('promote', 'promote');
    if (item.status !== 'cancelled') add('resend', 'resend');
    if (item.status !== 'cancelled') add('cancelReg', 'cancel', true);
    add('erase', 'erase', true);
    return h(
      'details',
      { class: 'menu' },
      h(
        'summary',
        { 'data-control': 'actions', 'aria-label': t('actionsFor', { name: item.name }) },
        t('colActions'),
      ),
      h('div', { class: 'menu-items' }, buttons),
    );
  };

  const rowOf = (item: RegistrationAdmin) =>
    h(
      'tr',
      { 'data-id': item.id },
      h(
        'td',
        { 'data-label': t('colAttendee') },
        h('strong', { class: 'attendee-name' }, item.name),
        h('span', { class: 'who' }, item.email),
        item.company || item.jobTitle
          ? h('span', { class: 'who' }, [item.jobTitle, item.company].filter(Boolean).join(' · '))
          : null,
        Object.entries(item.answers).length
          ? h(
              'span',
              { class: 'who answers' },
              Object.entries(item.answers)
                .map(([id, answer]) => {
                  const label = event.questions.find((question) => question.id === id)?.label ?? id;
                  return `${label} : ${answer === true ? t('yes') : String(answer)}`;
                })
                .join(' · '),
            )
          : null,
        // Where they came from and their marketing consent (functions/sources/).
        item.source
          ? h(
              'span',
              { class: 'who source' },
              t('sourceLine', {
                source: [
                  item.source.utm_source ?? item.source.ref,
                  item.source.utm_campaign,
                  item.source.referrer,
                ]
                  .filter(Boolean)
                  .join(' · '),
              }),
            )
          : null,
        item.marketingConsent ? h('span', { class: 'who marketing' }, t('marketingGiven')) : null,
      ),
      h('td', { 'data-label': t('colStatus') }, statusCell(item)),
      h('td', { 'data-label': t('colRegistered') }, shortDateTime(item.createdAt, event.timeZone)),
      h('td', { 'data-label': t('colCheckIn'), class: 'checkin-cell' }, checkInCell(item)),
      h('td', { 'data-label': t('colActions') }, actionsCell(item)),
    );

  /** Door mode: the name, a short state (arrived at…, or the status), and the one action. */
  const doorRowOf = (item: RegistrationAdmin) => {
    const confirmed = item.status === 'confirmed';
    return h(
      'tr',
      { 'data-id': item.id },
      h(
        'td',
        { class: 'door-who' },
        h('strong', { class: 'attendee-name' }, item.name),
        h(
          'span',
          { class: 'door-state' },
          confirmed && item.checkedInAt ? presentSince(item.checkedInAt) : statusCell(item),
        ),
      ),
      h(
        'td',
        { class: 'door-action' },
        confirmed ? (item.checkedInAt ? undoButton(item) : checkInButton(item)) : null,
      ),
    );
  };

  const columns = (): AdminKey[] =>
    state.door
      ? ['colAttendee', 'colCheckIn']
      : ['colAttendee', 'colStatus', 'colRegistered', 'colCheckIn', 'colActions'];

  const renderHead = () => {
    element.classList.toggle('door', state.door);
    doorToggle.setAttribute('aria-pressed', String(state.door));
    doorCounts.hidden = !state.door;
    replace(
      head,
      h(
        'tr',
        {},
        columns().map((key) => h('th', { scope: 'col' }, t(key))),
      ),
    );
  };

  const renderCounts = () => {
    doorCounts.textContent = t('doorCounts', {
      n: state.counts.checkedIn.toLocaleString(locale()),
      total: state.counts.confirmed.toLocaleString(locale()),
    });
  };

  /** The row to keep in place on screen through a redraw: the focused one, else the first in view. */
  const anchorRow = (): HTMLElement | undefined => {
    const focusedRow = document.activeElement?.closest<HTMLElement>('tr[data-id]');
    if (focusedRow && body.contains(focusedRow)) return focusedRow;
    return [...body.querySelectorAll<HTMLElement>('tr[data-id]')].find(
      (row) => row.getBoundingClientRect().bottom > 0,
    );
  };

  /** The list asked for: a redraw of the same list (a refresh) keeps the reader's place in it. */
  const listAsked = () => JSON.stringify([state.status, state.search, state.sort, state.cursor]);
  let listShown = '';

  /**
   * Redraws the rows. What had the focus in the list keeps it (the same control of the same
   * person, else that person's check-in control), without scrolling; and in a refresh the row in
   * view stays where it was on screen, so that no name moves from under the thumb.
   * `focus` moves the focus to that person's check-in control (after a check-in).
   */
  const renderRows = (focus?: { id: string }) => {
    const items = state.items;
    const active = document.activeElement;
    const hadFocus = active instanceof HTMLElement && body.contains(active) ? active : undefined;
    const want: { id: string; control?: string } = focus ?? {
      id: hadFocus?.closest<HTMLElement>('tr[data-id]')?.dataset.id ?? '',
      control: hadFocus?.dataset.control,
    };
    const anchor = listAsked() === listShown ? anchorRow() : undefined;
    listShown = listAsked();
    const anchorTop = anchor?.getBoundingClientRect().top;
    replace(
      body,
      items.length
        ? items.map(state.door ? doorRowOf : rowOf)
        : h(
            'tr',
            {},
            h(
              'td',
              { colspan: columns().length, class: 'empty' },
              state.loading ? t('loading') : t('noRegistrations'),
            ),
          ),
    );
    summary.textContent = state.search
      ? plural('searchResults', state.total)
      : plural('shownRegistrations', items.length);
    pager.hidden = state.history.length === 0 && !state.nextCursor;
    previous.disabled = state.history.length === 0;
    next.disabled = !state.nextCursor;
    // After the summary and the pager, which may change the page's height too.
    const anchorAgain = anchor && body.querySelector<HTMLElement>(`tr[data-id="${anchor.dataset.id}"]`);
    if (anchorAgain && anchorTop !== undefined) {
      // At once: the site scrolls smoothly, and the row would be seen sliding back under the thumb.
      window.scrollBy({ top: anchorAgain.getBoundingClientRect().top - anchorTop, behavior: 'instant' });
    }
    if (!focus && !hadFocus) return; // never take the focus from elsewhere on the page
    const row = want.id ? body.querySelector<HTMLElement>(`tr[data-id="${want.id}"]`) : null;
    const target =
      (want.control ? row?.querySelector<HTMLElement>(`[data-control="${want.control}"]`) : null) ??
      row?.querySelector<HTMLElement>('[data-control="present"], [data-control="checkin"]');
    if (target) target.focus({ preventScroll: !focus });
    else if (hadFocus) table.focus({ preventScroll: true });
  };

  // --- loading ---

  const load = async (): Promise<void> => {
    state.loading = true;
    const number = ++state.loadNumber;
    try {
      const page = await api.registrations(event.id, {
        status: state.status || undefined,
        q: state.search || undefined,
        sort: state.sort,
        cursor: state.cursor,
        limit: PAGE_SIZE,
      });
      if (number !== state.loadNumber) return; // a newer search or page is on its way
      state.items = page.items;
      state.nextCursor = page.nextCursor;
      state.total = page.total;
    } catch (error) {
      if (number === state.loadNumber) announce(errorText(error), 'error');
    } finally {
      if (number === state.loadNumber) state.loading = false;
    }
    if (number === state.loadNumber) renderRows();
  };

  const restart = () => {
    state.history = [];
    state.cursor = undefined;
    void load();
  };

  let searchTimer: ReturnType<typeof setTimeout> | undefined;
  searchInput.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => {
      const search = searchInput.value.trim();
      if (search === state.search) return;
      // The server searches every page (accents and case aside); the list starts over.
      state.search = search;
      restart();
    }, SEARCH_DEBOUNCE_MS);
  });
  sortSelect.addEventListener('change', () => {
    state.sort = sortSelect.value as RegistrationSort;
    restart();
  });
  statusSelect.addEventListener('change', () => {
    state.status = statusSelect.value as '' | RegistrationStatus;
    restart();
  });
  refreshButton.addEventListener('click', () => {
    onChanged();
    void load();
  });
  next.addEventListener('click', () => {
    if (!state.nextCursor) return;
    state.history.push(state.cursor);
    state.cursor = state.nextCursor;
    void load().then(() => focusOn(table));
  });
  previous.addEventListener('click', () => {
    if (!state.history.length) return;
    state.cursor = state.history.pop();
    void load().then(() => focusOn(table));
  });
  doorToggle.addEventListener('click', () => {
    state.door = !state.door;
    saveDoorMode(state.door);
    renderHead();
    renderRows();
  });
  exportButton.addEventListener('click', async () => {
    exportButton.disabled = true;
    try {
      const { blob, filename } = await api.csv(event.id, lang());
      downloadBlob(blob, filename);
      announce(t('exportedNotice'));
    } catch (error) {
      announce(errorText(error), 'error');
    } finally {
      exportButton.disabled = false;
    }
  });

  // New registrations and check-ins from other phones show up on their own while the page is
  // open (and visible), focus in the list or not: the redraw keeps the focus and the scroll.
  const timer = setInterval(() => {
    if (document.visibilityState !== 'visible' || state.busy.size || state.loading) return;
    // An open actions menu is a choice in progress: a redraw would close it.
    if (body.querySelector('details.menu[open]')) return;
    void load();
    onChanged();
  }, REFRESH_MS);

  renderHead();
  renderCounts();
  renderRows();
  void load();
  return {
    element,
    refresh: load,
    showCounts: (counts) => {
      state.counts = { ...counts };
      renderCounts();
    },
    stop: () => clearInterval(timer),
  };
};
