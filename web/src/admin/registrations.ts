import { shortDateTime, timeOf } from '../dates.js';
import { focusOn, h, replace } from '../dom.js';
import { lang } from '../i18n-core.js';
import type { AdminApi, EventAdmin, RegistrationAdmin, RegistrationSort, RegistrationStatus } from './api.js';
import { type AdminKey, plural, t } from './i18n.js';
import { announce, confirmAction, downloadBlob, errorText } from './ui.js';

/**
 * The registrations of one event: search, status filter and sort (all done by the server, so
 * only the page shown is loaded), pages (`?cursor=`), check-in at the door (one tap, undo
 * beside it), cancel, promote, resend, erase, CSV export.
 * Everything a registrant typed goes into the page as text nodes, never as markup.
 */

const PAGE_SIZE = 50;
const REFRESH_MS = 20_000;
/** Long enough not to ask the server at every letter, short enough to feel instant at the door. */
const SEARCH_DEBOUNCE_MS = 250;

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
  const summary = h('p', { class: 'reg-summary', id: 'reg-summary', 'aria-live': 'polite' });
  const body = h('tbody');
  const table = h(
    'table',
    { class: 'registrations', 'aria-labelledby': 'reg-title', 'aria-describedby': 'reg-summary' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, t('colAttendee')),
        h('th', { scope: 'col' }, t('colStatus')),
        h('th', { scope: 'col' }, t('colRegistered')),
        h('th', { scope: 'col' }, t('colCheckIn')),
        h('th', { scope: 'col' }, t('colActions')),
      ),
    ),
    body,
  );
  const previous = h('button', { type: 'button', class: 'button small' }, t('previousPage'));
  const next = h('button', { type: 'button', class: 'button small' }, t('nextPage'));
  const pager = h('nav', { class: 'pager', 'aria-label': t('pagination') }, previous, next);

  const element = h(
    'section',
    { class: 'registrations-section', 'aria-labelledby': 'reg-title' },
    h('h2', { id: 'reg-title' }, t('registrationsTitle')),
    h(
      'div',
      { class: 'toolbar' },
      h('div', { class: 'field' }, h('label', { for: 'reg-search' }, t('search')), searchInput),
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
    // At the door: the row answers at once; the server catches up (and the row rolls back on failure).
    replaceItem({ ...item, checkedInAt: undo ? null : new Date().toISOString() });
    renderRows(item.id);
    try {
      replaceItem(await (undo ? api.undoCheckIn(event.id, item.id) : api.checkIn(event.id, item.id)));
      announce(t(undo ? 'checkInUndone' : 'checkedInNotice', { name: item.name }));
      onChanged();
    } catch (error) {
      replaceItem(before);
      announce(errorText(error), 'error');
    } finally {
      state.busy.delete(item.id);
      renderRows(item.id);
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

  const checkInCell = (item: RegistrationAdmin) => {
    if (item.status !== 'confirmed') return h('span', { class: 'muted' }, '—');
    const busy = state.busy.has(item.id);
    if (item.checkedInAt) {
      const undo = h(
        'button',
        {
          type: 'button',
          class: 'button small link',
          disabled: busy,
          'aria-label': t('undoCheckInFor', { name: item.name }),
        },
        t('undoCheckIn'),
      );
      undo.addEventListener('click', () => void checkIn(item, true));
      return h(
        'span',
        { class: 'checked-in' },
        h(
          'span',
          { class: 'present', id: `present-${item.id}`, tabindex: '-1' },
          t('present', { time: timeOf(item.checkedInAt, event.timeZone) }),
        ),
        undo,
      );
    }
    const button = h(
      'button',
      {
        type: 'button',
        class: 'button checkin',
        disabled: busy,
        'aria-label': t('checkInFor', { name: item.name }),
      },
      t('checkIn'),
    );
    button.addEventListener('click', () => void checkIn(item, false));
    return button;
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
      h('summary', { 'aria-label': t('actionsFor', { name: item.name }) }, t('colActions')),
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
      ),
      h('td', { 'data-label': t('colStatus') }, statusCell(item)),
      h('td', { 'data-label': t('colRegistered') }, shortDateTime(item.createdAt, event.timeZone)),
      h('td', { 'data-label': t('colCheckIn'), class: 'checkin-cell' }, checkInCell(item)),
      h('td', { 'data-label': t('colActions') }, actionsCell(item)),
    );

  /** Redraws the rows; `focusId` puts the focus back on that row's check-in control. */
  const renderRows = (focusId?: string) => {
    const items = state.items;
    replace(
      body,
      items.length
        ? items.map(rowOf)
        : h(
            'tr',
            {},
            h('td', { colspan: 5, class: 'empty' }, state.loading ? t('loading') : t('noRegistrations')),
          ),
    );
    summary.textContent = state.search
      ? plural('searchResults', state.total)
      : plural('shownRegistrations', items.length);
    pager.hidden = state.history.length === 0 && !state.nextCursor;
    previous.disabled = state.history.length === 0;
    next.disabled = !state.nextCursor;
    if (focusId) {
      const row = body.querySelector<HTMLElement>(`tr[data-id="${focusId}"]`);
      const target =
        row?.querySelector<HTMLElement>('.present') ?? row?.querySelector<HTMLElement>('button.checkin');
      if (target) focusOn(target);
    }
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

  // New registrations show up on their own while the page is open (and visible).
  const timer = setInterval(() => {
    if (document.visibilityState !== 'visible' || state.busy.size || state.loading) return;
    // Never redraw under the organiser's finger or keyboard focus.
    if (document.activeElement && body.contains(document.activeElement)) return;
    void load();
    onChanged();
  }, REFRESH_MS);

  renderRows();
  void load();
  return { element, refresh: load, stop: () => clearInterval(timer) };
};
