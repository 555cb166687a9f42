import { createAdminApi } from './admin/api.js';
import {
  type AdminConfig,
  currentSession,
  finishCognitoLogin,
  forget,
  loadConfig,
  localLogin,
  logoutUrl,
  pickedOrganiser,
  pickOrganiser,
  startCognitoLogin,
} from './admin/auth.js';
import type { Dashboard } from './admin/dashboard.js';
import { dashboardView } from './admin/dashboard.js';
import { eventsView } from './admin/events.js';
import { setupLanguageSwitch, t } from './admin/i18n.js';
import { outboxView } from './admin/outbox.js';
import type { Scanner } from './admin/scan.js';
import { announce, clearAnnouncement, errorText, labelled, setFieldError } from './admin/ui.js';
import { ApiError } from './api.js';
import { byId, focusOn, h, replace } from './dom.js';
import { onLangChange } from './i18n-core.js';

/**
 * `/admin`: the organisers' page. Views by the address's fragment (the server serves one
 * page): `#/` events, `#/new`, `#/events/{id}`, `#/events/{id}/edit`,
 * `#/events/{id}/scan` (the door scanner), `#/api-keys`, `#/webhooks`, `#/outbox` (local).
 */

let config: AdminConfig = { auth: 'local' };
let dashboard: Dashboard | undefined;
/** The door scanner, while shown: its camera is stopped on leaving. */
let scanner: Scanner | undefined;

const api = createAdminApi(
  () => currentSession()?.token,
  () => {
    forget();
    announce(t('sessionExpired'), 'error');
    void route();
  },
  pickedOrganiser,
);

const content = () => byId('content');

/** Shows a view and moves the focus to its title, as a page load would. */
const show = (nodes: (Node | Node[] | null)[], focus = true) => {
  replace(content(), ...nodes);
  const title = document.getElementById('view-title');
  document.title = `${title?.textContent ?? t('adminTitle')} · ${t('siteName')}`;
  if (focus && title) focusOn(title);
};

/**
 * For a login acting for several organisers: which one the page acts for. The lists follow it;
 * an event's views go back to the list, as the event may be the other organiser's.
 */
const organiserPicker = (organisers: string[]) => {
  const current = pickedOrganiser();
  const select = h(
    'select',
    { id: 'organiser-picker' },
    organisers.map((id) => h('option', { value: id, selected: id === current }, id)),
  );
  select.addEventListener('change', () => {
    pickOrganiser(select.value);
    if (location.hash.startsWith('#/events/')) location.hash = '#/';
    else void route();
  });
  return h(
    'div',
    { class: 'organiser-picker' },
    h('label', { for: 'organiser-picker' }, t('organiserPicker')),
    select,
  );
};

const renderNav = () => {
  const nav = byId('admin-nav');
  const session = currentSession();
  nav.hidden = !session;
  if (!session) return replace(nav);
  const logout = h('button', { type: 'button', class: 'button small', id: 'logout' }, t('logout'));
  logout.addEventListener('click', async () => {
    const away = await logoutUrl(config).catch(() => undefined);
    forget();
    dashboard?.stop();
    if (away) location.assign(away);
    else {
      location.hash = '#/';
      void route();
    }
  });
  const current = location.hash || '#/';
  const link = (href: string, label: string) =>
    h('a', { href, 'aria-current': current === href ? 'page' : undefined }, label);
  replace(
    nav,
    h(
      'ul',
      {},
      h('li', {}, link('#/', t('eventsTitle'))),
      h('li', {}, link('#/new', t('newEvent'))),
      h('li', {}, link('#/api-keys', t('apiKeysNav'))),
      h('li', {}, link('#/webhooks', t('webhooksTitle'))),
      config.auth === 'local' ? h('li', {}, link('#/outbox', t('outboxTitle'))) : null,
    ),
    session.organisers.length > 1 ? organiserPicker(session.organisers) : null,
    h('p', { class: 'who-am-i' }, session.email ?? session.organisers.join(', ')),
    logout,
  );
};

const loginView = () => {
  if (config.auth === 'cognito') {
    const cognito = config.cognito;
    const go = h('button', { type: 'button', class: 'button primary' }, t('login'));
    go.addEventListener('click', () => void startCognitoLogin(cognito));
    return [
      h('h1', { id: 'view-title', tabindex: '-1' }, t('loginTitle')),
      h('p', {}, t('loginCognito')),
      go,
    ];
  }
  const email = h('input', { type: 'email', autocomplete: 'username', spellcheck: 'false' });
  const password = h('input', { type: 'password', autocomplete: 'current-password' });
  const submit = h('button', { type: 'submit', class: 'button primary' }, t('login'));
  const formStatus = h('p', { class: 'form-status', id: 'login-status', role: 'status' });
  const form = h(
    'form',
    { id: 'login', class: 'login', novalidate: true, 'aria-labelledby': 'view-title' },
    labelled('login-email', t('email'), email, { required: true }),
    labelled('login-password', t('password'), password, { required: true }),
    formStatus,
    submit,
    h('p', { class: 'hint' }, t('localHint')),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const missingEmail = setFieldError('login-email', email.value.trim() ? undefined : t('vRequired'));
    const missingPassword = setFieldError('login-password', password.value ? undefined : t('vRequired'));
    if (missingEmail || missingPassword) {
      (missingEmail ? email : password).focus();
      return;
    }
    submit.disabled = true;
    formStatus.textContent = '';
    try {
      await localLogin(email.value.trim(), password.value);
      password.value = '';
      clearAnnouncement();
      void route();
    } catch (error) {
      formStatus.textContent =
        error instanceof ApiError && error.status === 401 ? t('loginFailed') : errorText(error);
      password.focus();
    } finally {
      submit.disabled = false;
    }
  });
  return [h('h1', { id: 'view-title', tabindex: '-1' }, t('loginTitle')), form];
};

/** Thrown out of a route() that a later one overtook: its view must not replace the later one's. */
class Overtaken extends Error {}
/** How many times route() started: a language switch and a click a moment later each start one. */
let routeCount = 0;

const route = async (): Promise<void> => {
  const mine = ++routeCount;
  /** What a step waited for, if no later route() started meanwhile. */
  const still = <T>(value: T): T => {
    if (mine !== routeCount) throw new Overtaken();
    return value;
  };
  dashboard?.stop();
  dashboard = undefined;
  scanner?.stop();
  scanner = undefined;
  renderNav();
  if (!currentSession()) {
    show(loginView(), false);
    document.querySelector<HTMLInputElement>('#login-email')?.focus();
    return;
  }
  const path = (location.hash.replace(/^#/, '') || '/').split('/').filter(Boolean).map(decodeURIComponent);
  replace(content(), h('p', { class: 'muted' }, t('loading')));
  try {
    if (path.length === 0) {
      show(eventsView(still(await api.events()).events));
    } else if (path[0] === 'new') {
      const { editorView } = still(await import('./admin/editor.js'));
      show(
        editorView(api, undefined, (saved) => {
          location.hash = `#/events/${encodeURIComponent(saved.id)}`;
        }),
      );
    } else if (path[0] === 'api-keys') {
      const { apiKeysView } = still(await import('./admin/api-keys.js'));
      show(still(await apiKeysView(api)));
    } else if (path[0] === 'outbox') {
      show(still(await outboxView(api)));
    } else if (path[0] === 'webhooks') {
      const { webhooksView } = still(await import('./admin/webhooks.js'));
      // Drawn again after each change; a new secret is shown on top, with the focus on it.
      const draw = async (secret?: string): Promise<void> => {
        const view = await webhooksView(api, draw, secret);
        if (mine !== routeCount) return; // the organiser went elsewhere meanwhile
        show(view, !secret);
        if (secret) document.querySelector<HTMLInputElement>('#webhook-secret-value')?.focus();
      };
      await draw();
    } else if (path[0] === 'events' && path[1]) {
      const id = path[1];
      if (path[2] === 'scan') {
        const [event, { scanView }] = still(await Promise.all([api.event(id), import('./admin/scan.js')]));
        scanner = scanView(api, event);
        show(scanner.nodes);
      } else if (path[2] === 'edit') {
        const [event, { editorView }] = still(
          await Promise.all([api.event(id), import('./admin/editor.js')]),
        );
        show(
          editorView(api, event, () => {
            location.hash = `#/events/${encodeURIComponent(id)}`;
          }),
        );
      } else {
        const [event, stats] = still(
          await Promise.all([api.event(id), api.stats(id).catch(() => undefined)]),
        );
        dashboard = dashboardView(api, event, stats);
        show(dashboard.nodes);
      }
    } else {
      throw new ApiError(404, 'not_found', '');
    }
  } catch (error) {
    // The later route() draws its own view, even if this one failed on the way.
    if (error instanceof Overtaken || mine !== routeCount) return;
    if (!currentSession()) return; // the 401 handler already took the organiser to the login
    show([
      h('h1', { id: 'view-title', tabindex: '-1' }, t('errorTitle')),
      h('p', { class: 'notice error' }, errorText(error)),
      h('p', {}, h('a', { href: '#/' }, t('eventsTitle'))),
    ]);
  }
};

const start = async () => {
  setupLanguageSwitch();
  config = await loadConfig();
  if (config.auth === 'cognito') {
    try {
      await finishCognitoLogin(config.cognito);
    } catch {
      announce(t('loginFailed'), 'error');
    }
  }
  window.addEventListener('hashchange', () => void route());
  // A language switch redraws the view, except the editor: what was typed there must stay.
  onLangChange(() => {
    if (/^#\/(new|events\/[^/]+\/edit)$/.test(location.hash)) renderNav();
    else void route();
  });
  await route();
};

void start();
