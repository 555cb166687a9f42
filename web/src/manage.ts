import { ApiError, api, type RegistrationView } from './api.js';
import { calendarButtons } from './calendar-buttons.js';
import { byId, focusOn, h, replace, safeHref } from './dom.js';
import { dateRange, dateTime, differentZone, formatLabel } from './format.js';
import { onLangChange } from './i18n.js';
import { type Key, setStatus, setupLanguageSwitch, t } from './texts/manage.js';

/**
 * `/manage#registration=ID&token=TOKEN`: the token stays in the fragment, which browsers
 * never send to a server, a log or a referrer. A reminder's links add `&ask=coming` or
 * `&ask=cancel`: opening them only shows the question (mail scanners open links); the one
 * click on its button acts.
 */

const state: {
  id?: string;
  token?: string;
  ask?: 'coming' | 'cancel';
  view?: RegistrationView;
  failure?: Key;
  askingCancel: boolean;
  askingErase: boolean;
  /** Erased from this page: the registration and its link no longer exist. */
  erased: boolean;
  busy: boolean;
} = { askingCancel: false, askingErase: false, erased: false, busy: false };

const failureOf = (error: unknown): Key => {
  const code = error instanceof ApiError ? error.code : 'network';
  if (code === 'forbidden' || code === 'validation_failed') return 'invalidLink';
  if (code === 'not_found') return 'registrationNotFound';
  if (code === 'rate_limited') return 'rateLimited';
  return code === 'network' ? 'networkError' : 'genericError';
};

const statusText = (view: RegistrationView): string => {
  switch (view.status) {
    case 'confirmed':
      return t('status_confirmed');
    case 'waitlisted':
      return view.waitlistPosition
        ? t('status_waitlisted', { n: view.waitlistPosition })
        : t('status_waitlisted_nopos');
    case 'pending_confirmation':
      return t('status_pending_confirmation');
    default:
      return t('status_cancelled');
  }
};

const place = (event: RegistrationView['event']): string => {
  const venue = event.venue
    ? [event.venue.name, event.venue.address, event.venue.city].filter(Boolean).join(', ')
    : '';
  return event.format === 'online'
    ? t('online')
    : [venue, event.format === 'hybrid' ? t('online') : ''].filter(Boolean).join(' · ') ||
        formatLabel(event.format);
};

/** The visitor's own clock, when it reads the event's time differently. */
const otherTime = (event: RegistrationView['event']) => {
  const zone = differentZone(event.startsAt, event.timeZone);
  return zone
    ? h(
        'span',
        { class: 'other-zone' },
        t('yourTime', { date: dateRange(event.startsAt, event.endsAt, zone) }),
      )
    : null;
};

const button = (label: string, className: string, onClick: () => void, id?: string) => {
  const element = h('button', { type: 'button', class: className, id, disabled: state.busy }, label);
  element.addEventListener('click', onClick);
  return element;
};

/** Runs a confirm or cancel call, then announces its outcome in the live region. */
/**
 * One call from the page: busy meanwhile (buttons disabled), its outcome in the live region,
 * then the page drawn again and the focus on `focusId()`'s element.
 */
const run = async (
  call: () => Promise<Key | null>,
  failure: (error: unknown) => Key,
  focusId: () => string,
): Promise<void> => {
  if (state.busy) return;
  state.busy = true;
  render();
  try {
    setStatus(await call());
  } catch (error) {
    setStatus(failure(error));
  } finally {
    state.busy = false;
  }
  render();
  const target = document.getElementById(focusId());
  if (target) focusOn(target);
};

/** Confirms, cancels or reconfirms, then announces the outcome. */
const act = async (action: 'confirm' | 'cancel' | 'reconfirm'): Promise<void> => {
  const { id, token } = state;
  if (!id || !token) return;
  await run(
    async () => {
      state.view = await api[action](id, token);
      state.askingCancel = false;
      state.ask = undefined;
      return action === 'cancel' ? 'cancelledNow' : action === 'confirm' ? 'confirmedNow' : 'reconfirmed';
    },
    // Only an emailed link confirms (the registration form's link does not prove the mailbox).
    (error) =>
      action === 'confirm' && error instanceof ApiError && error.code === 'forbidden'
        ? 'confirmFromEmail'
        : error instanceof ApiError && error.code === 'not_confirmed'
          ? 'status_cancelled'
          : failureOf(error),
    () => 'registration-status',
  );
};

/** "Still coming?" from a reminder's link: one click on "I'm coming" answers. */
const comingArea = (view: RegistrationView) =>
  view.attendance?.reconfirmedAt
    ? h('p', { class: 'note' }, t('reconfirmed'))
    : state.ask === 'coming'
      ? h(
          'div',
          { class: 'confirm-step', role: 'group', 'aria-labelledby': 'coming-question' },
          h('p', { id: 'coming-question' }, t('reconfirmQuestion')),
          h(
            'div',
            { class: 'actions' },
            button(t('reconfirmButton'), 'button primary', () => void act('reconfirm')),
          ),
        )
      : null;

const cancelArea = () => {
  if (!state.askingCancel) {
    return h(
      'div',
      { class: 'actions' },
      button(
        t('cancelButton'),
        'button danger-outline',
        () => {
          state.askingCancel = true;
          render();
          const question = document.getElementById('cancel-question');
          if (question) focusOn(question);
        },
        'cancel-start',
      ),
    );
  }
  return h(
    'div',
    { class: 'confirm-step', role: 'group', 'aria-labelledby': 'cancel-question' },
    // From a reminder's "I can't come any more", the question is asked on arrival.
    h('p', { id: 'cancel-question' }, t(state.ask === 'cancel' ? 'notComingQuestion' : 'cancelQuestion')),
    h(
      'div',
      { class: 'actions' },
      button(
        t(state.ask === 'cancel' ? 'notComingButton' : 'cancelYes'),
        'button danger',
        () => void act('cancel'),
      ),
      button(t('cancelNo'), 'button', () => {
        state.askingCancel = false;
        state.ask = undefined;
        render();
        document.getElementById('cancel-start')?.focus();
      }),
    ),
  );
};

/**
 * A seat holder's check-in code, drawn by its own chunk (the QR encoder and its words) after the
 * page is shown: the page's first load stays within its budget.
 */
let checkInChunk: Promise<typeof import('./check-in-qr.js')> | undefined;
const checkInArea = (code: string) => {
  const area = h('div', { class: 'check-in', id: 'check-in' });
  checkInChunk ??= import('./check-in-qr.js');
  void checkInChunk.then(
    ({ checkInContent }) => area.replaceChildren(...checkInContent(code)),
    // Without the chunk, the code in text can still be read out at the door.
    () => area.replaceChildren(h('p', { class: 'check-in-code' }, code)),
  );
  return area;
};

const registrationPanel = (view: RegistrationView) => {
  const event = view.event;
  // Once the organiser cancelled the event, nothing is left to do but take it off the calendar
  // (the .ics file then says CANCEL).
  const phase = event.phase;
  const { offers } = view;
  const joinUrl = safeHref(view.joinUrl);
  const links = view.calendarLinks;
  const heading =
    phase === 'cancelled'
      ? t('status_event_cancelled')
      : phase === 'past' && view.status !== 'cancelled'
        ? t('status_event_past')
        : statusText(view);
  return h(
    'section',
    {
      class: `registration result result-${phase === 'cancelled' ? 'cancelled' : view.status}`,
      'aria-labelledby': 'registration-status',
    },
    h('h2', { id: 'registration-status' }, heading),
    phase === 'cancelled' ? h('p', {}, t('eventCancelledHelp')) : null,
    phase === 'past' && view.status !== 'cancelled' ? h('p', {}, t('eventPastHelp')) : null,
    // Whatever a REQUEST may have put in a calendar, the CANCEL takes out.
    phase === 'cancelled' && view.status === 'confirmed' && state.id && state.token
      ? calendarButtons(t('myCalendar'), [
          {
            href: api.inviteUrl(state.id, state.token),
            label: t('removeFromCalendar'),
            download: true,
            primary: true,
          },
        ])
      : null,
    offers.confirm && view.confirmBy
      ? h('p', {}, t('confirmBy', { date: dateTime(view.confirmBy, event.timeZone) }))
      : null,
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, t('attendee')),
      h('dd', {}, h('span', {}, view.name), h('span', { class: 'who' }, view.email)),
      h('dt', {}, t('eventLink')),
      h('dd', {}, h('a', { href: `/events/${encodeURIComponent(event.id)}` }, event.title)),
      h('dt', {}, t('when')),
      h('dd', {}, dateRange(event.startsAt, event.endsAt, event.timeZone), otherTime(event)),
      h('dt', {}, t('where')),
      h('dd', {}, place(event)),
    ),
    view.checkInCode && phase === 'upcoming' ? checkInArea(view.checkInCode) : null,
    // The join link: only in the answer for a confirmed seat at an online or hybrid event still to come.
    joinUrl
      ? h(
          'div',
          { class: 'join' },
          h(
            'a',
            { class: 'button primary', id: 'join-link', href: joinUrl, target: '_blank', rel: 'noopener' },
            t('joinLink'),
          ),
          h('p', { class: 'note' }, t('joinHelp')),
        )
      : null,
    offers.cancel && view.status === 'confirmed' && phase === 'upcoming' ? comingArea(view) : null,
    offers.cancel && view.status === 'waitlisted' ? h('p', {}, t('waitlistHelp')) : null,
    offers.confirm
      ? h(
          'div',
          { class: 'actions' },
          button(t('confirmButton'), 'button primary', () => void act('confirm')),
        )
      : null,
    links
      ? calendarButtons(t('addToCalendar'), [
          { href: links.ics, label: t('downloadInvite'), download: true, primary: true },
          { href: links.google, label: t('googleCalendar') },
          { href: links.outlook, label: t('outlookCalendar') },
        ])
      : null,
    // This address registered again since: its new registration has its own link, sent by email.
    view.registeredAgain ? h('p', { class: 'notice', id: 'registered-again' }, t('registeredAgain')) : null,
    // Cancelled while the event is still to come (and not registered again): one click away.
    offers.registerAgain
      ? h(
          'p',
          {},
          h('a', { class: 'button', href: `/events/${encodeURIComponent(event.id)}` }, t('registerAgain')),
        )
      : null,
    offers.cancel ? cancelArea() : null,
    eraseArea(),
  );
};

/**
 * Reached from a calendar entry (`#registration=ID`, no token): calendars are shared, so they
 * never carry the secret; this only asks for the manage link to go to the registrant's mailbox.
 */
const linkOnlyPanel = () =>
  h(
    'section',
    { class: 'result', 'aria-labelledby': 'link-only-title' },
    h('h2', { id: 'link-only-title' }, t('linkOnlyTitle')),
    h('p', {}, t('linkOnlyHelp')),
    h(
      'div',
      { class: 'actions' },
      button(t('linkOnlyButton'), 'button primary', () => void requestLink(), 'request-link'),
    ),
  );

const requestLink = async (): Promise<void> => {
  const { id } = state;
  if (!id) return;
  await run(
    async () => {
      await api.requestLink(id);
      return 'linkSent';
    },
    (error) =>
      error instanceof ApiError && error.code === 'invalid_state' ? 'linkCancelled' : failureOf(error),
    () => 'status',
  );
};

/** GDPR erasure from the link itself, behind a confirmation step like cancelling. */
const eraseArea = () =>
  h(
    'section',
    { class: 'erase', 'aria-labelledby': 'erase-title' },
    h('h3', { id: 'erase-title' }, t('yourData')),
    h('p', {}, t('eraseHelp')),
    state.askingErase
      ? h(
          'div',
          { class: 'confirm-step', role: 'group', 'aria-labelledby': 'erase-question' },
          h('p', { id: 'erase-question' }, t('eraseQuestion')),
          h(
            'div',
            { class: 'actions' },
            button(t('eraseYes'), 'button danger', () => void erase(), 'erase-yes'),
            button(t('eraseNo'), 'button', () => {
              state.askingErase = false;
              render();
              document.getElementById('erase-start')?.focus();
            }),
          ),
        )
      : h(
          'div',
          { class: 'actions' },
          button(
            t('eraseButton'),
            'button danger-outline',
            () => {
              state.askingErase = true;
              render();
              const question = document.getElementById('erase-question');
              if (question) focusOn(question);
            },
            'erase-start',
          ),
        ),
  );

const erase = async (): Promise<void> => {
  const { id, token } = state;
  if (!id || !token) return;
  await run(
    async () => {
      await api.erase(id, token);
      state.erased = true;
      state.view = undefined;
      state.askingErase = false;
      return null;
    },
    failureOf,
    () => (state.erased ? 'erased-title' : 'registration-status'),
  );
};

const render = (): void => {
  document.title = `${t('manageTitle')} · ${t('siteName')}`;
  const content = byId('content');
  if (state.erased) {
    replace(
      content,
      h(
        'section',
        { class: 'result result-closed' },
        h('h2', { id: 'erased-title' }, t('erasedTitle')),
        h('p', {}, t('erasedText')),
      ),
    );
    return;
  }
  if (state.failure === 'invalidLink') {
    replace(
      content,
      h(
        'section',
        { class: 'result result-closed' },
        h('h2', {}, t('invalidLink')),
        h('p', {}, t('invalidLinkHelp')),
      ),
    );
    return;
  }
  if (state.view) replace(content, registrationPanel(state.view));
  else if (state.id && !state.token) replace(content, linkOnlyPanel());
  else replace(content);
};

const load = async (): Promise<void> => {
  const params = new URLSearchParams(location.hash.slice(1));
  state.id = params.get('registration') ?? undefined;
  state.token = params.get('token') ?? undefined;
  const ask = params.get('ask');
  state.ask = ask === 'coming' || ask === 'cancel' ? ask : undefined;
  state.view = undefined;
  state.failure = undefined;
  state.askingCancel = false;
  state.askingErase = false;
  state.erased = false;
  if (state.id && !state.token) {
    // From a calendar entry: nothing to load, only the manage link to ask for.
    setStatus(null);
    render();
    return;
  }
  try {
    if (!state.id || !state.token) throw new ApiError(403, 'forbidden', '');
    state.view = await api.registration(state.id, state.token);
    setStatus(null);
  } catch (error) {
    state.failure = failureOf(error);
    // An invalid link gets its own panel with help; other failures are a short message.
    setStatus(state.failure === 'invalidLink' ? null : state.failure);
  }
  // Only a confirmed seat is asked (a seat already given up, or a place on the waitlist, is not).
  if (state.view?.status !== 'confirmed' || !state.view.offers.cancel) state.ask = undefined;
  state.askingCancel = state.ask === 'cancel';
  render();
  const question = state.ask && document.getElementById(`${state.ask}-question`);
  if (question) focusOn(question);
};

setupLanguageSwitch();
onLangChange(render);
window.addEventListener('hashchange', () => void load());
void load();
