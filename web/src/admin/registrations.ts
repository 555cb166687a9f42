import { shortDateTime, timeOf } from '../dates.js';
import { focusOn, h, replace } from '../dom.js';
import { lang } from '../i18n-core.js';
import type { AdminApi, EventAdmin, RegistrationAdmin, RegistrationStatus } from './api.js';
import { type AdminKey, plural, t } from './i18n.js';
import { announce, confirmAction, downloadBlob, errorText } from './ui.js';

/**
 * The registrations of one event: search, status filter, pages (`?cursor=`), check-in at
 * the door (one tap, undo beside it), cancel, promote, resend, erase, CSV export.
 * Everything a registrant typed goes into the page as text nodes, never as markup.
 */

const PAGE_SIZE = 50;
/** While searching, every page is fetched (an event has hundreds of people, not millions). */
const SEARCH_PAGE_SIZE = 200;
const REFRESH_MS = 20_000;

const STATUS_KEYS: Record<RegistrationStatus, AdminKey> = {
  confirmed: 'regConfirmed',
  waitlisted: 'regWaitlisted',
  pending_confirmation: 'regPending',
  cancelled: 'regCancelled',
};

/** Lower case, accents off: "Hélène" is found by "helene". */
const fold = (text: string) =>
  text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase();

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
      h('div', { class: 'toolbar-buttons' }, refreshButton, exportButton),
    ),
    summary,
    h('div', { class: 'table-wrap' }, table),
    pager,
  );

  const visibleItems = () => {
    if (!state.search) return state.items;
    const wanted = fold(state.search);
    return state.items.filter((item) =>
      fold([item.name, item.email, item.company ?? '', item.jobTitle ?? ''].join(' ')).includes(wanted),
    );
  };

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
    return h('span', { class: `badge badge-${item.status}` }, text);
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
    const items = visibleItems();
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
      ? plural('searchResults', items.length)
      : plural('shownRegistrations', items.length);
    const searching = Boolean(state.search);
    pager.hidden = searching || (state.history.length === 0 && !state.nextCursor);
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
    try {
      if (state.search) {
        // Searching looks through every page, so anyone can be found at the door.
        const all: RegistrationAdmin[] = [];
        let cursor: string | undefined;
        do {
          const page = await api.registrations(event.id, {
            status: state.status || undefined,
            cursor,
            limit: SEARCH_PAGE_SIZE,
          });
          all.push(...page.items);
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        state.items = all;
        state.nextCursor = null;
      } else {
        const page = await api.registrations(event.id, {
          status: state.status || undefined,
          cursor: state.cursor,
          limit: PAGE_SIZE,
        });
        state.items = page.items;
        state.nextCursor = page.nextCursor;
      }
    } catch (error) {
      announce(errorText(error), 'error');
    } finally {
      state.loading = false;
    }
    renderRows();
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
      const wasSearching = Boolean(state.search);
      state.search = searchInput.value.trim();
      // Typing more letters filters what is already loaded; starting or ending a search reloads.
      if (wasSearching && state.search) renderRows();
      else restart();
    }, 200);
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
