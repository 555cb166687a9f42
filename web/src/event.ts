import { ApiError, api } from './api.js';
import { byId, focusOn, h, replace } from './dom.js';
import { details, updateSeats } from './event/details.js';
import { embedCard, reportHeight } from './event/embed-card.js';
import { restoreValues, typedValues } from './event/fields.js';
import { showErrors } from './event/form.js';
import { registerSection } from './event/outcome.js';
import { embedded, params, preview, state } from './event/state.js';
import { lang, onLangChange } from './i18n.js';
import { isLang, setLang } from './i18n-core.js';
import { setStatus, setupLanguageSwitch, t } from './texts/event.js';

/**
 * The event page (`/events/{id}`): the event, its programme and speakers, and the
 * registration form. With `?embed=1` it is the compact view the embeddable button
 * (embed.js) shows in an iframe on another site: a card with « S'inscrire » that opens
 * the form in place, and the frame's height reported to the host page.
 * The parts are in ./event/: details, fields and form, outcome, embed card.
 */

const eventIdFromUrl = (): string | undefined => {
  const [first, second] = location.pathname.split('/').filter(Boolean);
  const fromPath = first === 'events' ? second : undefined;
  const id = fromPath ?? params.get('id') ?? undefined;
  return id ? decodeURIComponent(id) : undefined;
};

/** Once the form has its answer: show it, move the focus to it, refresh the seats line. */
const showOutcome = (): void => {
  render();
  const heading = document.getElementById('result-title');
  if (heading) focusOn(heading);
  const { event, outcome } = state;
  // The seats shown above changed; refresh that line only, leaving the focus where it is.
  if (event && outcome?.kind === 'registered') {
    api.event(event.id).then(
      (fresh) => {
        state.event = fresh;
        updateSeats(fresh);
      },
      () => undefined,
    );
  }
};

/** Re-renders in the current language, keeping what the visitor typed. */
const render = (): void => {
  const { event } = state;
  if (!event) return;
  const typed = typedValues();
  const hadFocus = document.activeElement?.id;
  document.title = `${event.title} · ${t('siteName')}`;
  replace(
    byId('content'),
    h(
      'article',
      { class: 'event' },
      embedded
        ? embedCard(event, render, showOutcome)
        : preview
          ? [previewBanner(), ...details(event)]
          : [...details(event), registerSection(event, showOutcome)],
    ),
  );
  restoreValues(typed);
  showErrors();
  if (hadFocus) document.getElementById(hadFocus)?.focus();
};

/** Said first on a preview: who sees it, and that nobody can register from it. */
const previewBanner = () =>
  h(
    'div',
    { class: 'result result-pending_confirmation banner', id: 'preview-banner', role: 'status' },
    t('previewBanner'),
  );

/**
 * The admin page keeps its session in this tab's sessionStorage (admin/auth.ts): a preview opened
 * from it reads the event through the admin API, so a draft stays invisible to everyone else.
 */
const adminToken = (): string | undefined => {
  try {
    const saved = JSON.parse(sessionStorage.getItem('admin.session') ?? 'null') as {
      token?: string;
      expiresAt?: number;
    } | null;
    return saved?.token && (saved.expiresAt ?? 0) > Date.now() ? saved.token : undefined;
  } catch {
    return undefined;
  }
};

const loadEvent = (id: string) => {
  if (!preview) return api.event(id);
  const token = adminToken();
  if (!token) throw new ApiError(401, 'unauthorized', '');
  return api.eventPreview(id, token);
};

const load = async (): Promise<void> => {
  const id = eventIdFromUrl();
  try {
    if (!id) throw new ApiError(404, 'not_found', '');
    state.event = await loadEvent(id);
    setStatus(null);
    render();
  } catch (error) {
    const code = error instanceof ApiError ? error.code : 'network';
    setStatus(
      code === 'unauthorized'
        ? 'previewLogin'
        : code === 'not_found'
          ? 'notFound'
          : code === 'network'
            ? 'networkError'
            : 'genericError',
    );
  }
};

if (embedded) {
  document.documentElement.classList.add('embed');
  // The host page may say which language its readers use.
  const wanted = params.get('lang');
  if (isLang(wanted) && wanted !== lang()) setLang(wanted, () => undefined);
}
setupLanguageSwitch();
onLangChange(render);
reportHeight(eventIdFromUrl());
void load();
