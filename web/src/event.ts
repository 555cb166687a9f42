import { ApiError, api, type EventPublic, type Question, type RegistrationView } from './api.js';
import { calendarButtons } from './calendar-buttons.js';
import { byId, focusOn, h, replace, safeHref } from './dom.js';
import {
  availability,
  dateRange,
  dateTime,
  differentZone,
  formatLabel,
  timeOf,
  timeRange,
  zoneCity,
} from './format.js';
import { type Key, lang, onLangChange, plural, setStatus, setupLanguageSwitch, t } from './i18n.js';
import { isLang, setLang } from './i18n-core.js';
import { fieldMessage } from './messages.js';

/**
 * The event page (`/events/{id}`): the event, its programme and speakers, and the
 * registration form. With `?embed=1` it is the compact view the embeddable button
 * (embed.js) shows in an iframe on another site: a card with « S'inscrire » that opens
 * the form in place, and the frame's height reported to the host page.
 */

type Outcome =
  | { kind: 'registered'; registration: RegistrationView; manageUrl: string }
  | { kind: 'already'; email: string }
  | { kind: 'blocked'; key: Key };

/** One control of the form; `key` is how the schema and the API name it (`answers.q1`). */
interface Field {
  key: string;
  id: string;
  label: string;
  required: boolean;
  type: 'text' | 'email' | 'select' | 'checkbox';
  options?: string[];
  autocomplete?: string;
  maxLength?: number;
}

const params = new URLSearchParams(location.search);
const embedded = params.get('embed') === '1';

const state: {
  event?: EventPublic;
  outcome?: Outcome;
  /** Raw messages by field key, from the schema or the API. */
  errors: Record<string, string>;
  formError?: Key;
  sending: boolean;
  /** Embed mode: the form is open (the card's button was pressed). */
  open: boolean;
} = { errors: {}, sending: false, open: !embedded };

let controls = new Map<string, HTMLInputElement | HTMLSelectElement>();
type Validator = typeof import('./validate.js');
let validator: Promise<Validator | undefined> | undefined;
/** Fetched when the visitor reaches the form; a failed load leaves the checks to the API. */
const loadValidator = (): Promise<Validator | undefined> => {
  validator ??= import('./validate.js').catch(() => {
    validator = undefined;
    return undefined;
  });
  return validator;
};

const eventIdFromUrl = (): string | undefined => {
  const [first, second] = location.pathname.split('/').filter(Boolean);
  const fromPath = first === 'events' ? second : undefined;
  const id = fromPath ?? params.get('id') ?? undefined;
  return id ? decodeURIComponent(id) : undefined;
};

const fieldsOf = (event: EventPublic): Field[] => [
  {
    key: 'name',
    id: 'f-name',
    label: t('name'),
    required: true,
    type: 'text',
    autocomplete: 'name',
    maxLength: 200,
  },
  {
    key: 'email',
    id: 'f-email',
    label: t('email'),
    required: true,
    type: 'email',
    autocomplete: 'email',
    maxLength: 254,
  },
  {
    key: 'company',
    id: 'f-company',
    label: t('company'),
    required: false,
    type: 'text',
    autocomplete: 'organization',
    maxLength: 200,
  },
  {
    key: 'jobTitle',
    id: 'f-jobTitle',
    label: t('jobTitle'),
    required: false,
    type: 'text',
    autocomplete: 'organization-title',
    maxLength: 200,
  },
  ...event.questions.map(
    (question: Question): Field => ({
      key: `answers.${question.id}`,
      id: `f-q-${question.id}`,
      label: question.label,
      required: question.required,
      type: question.type,
      options: question.options,
      maxLength: question.type === 'text' ? 2000 : undefined,
    }),
  ),
];

const requiredMark = (required: boolean) =>
  required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null;

const fieldBlock = (field: Field) => {
  const errorId = `${field.id}-error`;
  const common = {
    id: field.id,
    name: field.key,
    'aria-required': field.required ? 'true' : undefined,
  };
  const error = h('p', { class: 'field-error', id: errorId, hidden: true });
  let control: HTMLInputElement | HTMLSelectElement;
  if (field.type === 'select') {
    control = h(
      'select',
      common,
      h('option', { value: '' }, t('choose')),
      (field.options ?? []).map((option) => h('option', { value: option }, option)),
    );
  } else {
    control = h('input', {
      ...common,
      type: field.type,
      autocomplete: field.autocomplete ?? (field.type === 'checkbox' ? undefined : 'off'),
      maxlength: field.maxLength,
      spellcheck: field.type === 'email' ? 'false' : undefined,
    });
  }
  controls.set(field.key, control);
  const label = h('label', { for: field.id }, field.label, requiredMark(field.required));
  return field.type === 'checkbox'
    ? h('div', { class: 'field check' }, control, label, error)
    : h('div', { class: 'field' }, label, control, error);
};

const consentBlock = () => {
  const control = h('input', {
    type: 'checkbox',
    id: 'f-consent',
    name: 'consent',
    'aria-required': 'true',
  });
  controls.set('consent', control);
  return h(
    'div',
    { class: 'field check' },
    control,
    h(
      'label',
      { for: 'f-consent' },
      t('consent'),
      ' ',
      // A new tab: what was typed in the form stays where it is.
      h('a', { href: '/privacy.html', target: '_blank', rel: 'noopener' }, t('privacyLink')),
      requiredMark(true),
    ),
    h('p', { class: 'field-error', id: 'f-consent-error', hidden: true }),
  );
};

/** The honeypot: off-screen, out of the tab order and of the accessibility tree. */
const honeypotBlock = () => {
  const control = h('input', {
    type: 'text',
    id: 'f-website',
    name: 'website',
    tabindex: '-1',
    autocomplete: 'off',
  });
  controls.set('website', control);
  return h(
    'div',
    { class: 'hp', 'aria-hidden': 'true' },
    h('label', { for: 'f-website' }, t('honeypot')),
    control,
  );
};

const readValue = (key: string): string | boolean | undefined => {
  const control = controls.get(key);
  if (!control) return undefined;
  return control instanceof HTMLInputElement && control.type === 'checkbox' ? control.checked : control.value;
};

/**
 * Shows the errors in `state.errors` next to their fields; returns the first invalid control.
 * `summary` also updates the form's live count (on submit, not on every field left).
 */
const showErrors = (summary = true): HTMLElement | undefined => {
  let first: HTMLElement | undefined;
  for (const [key, control] of controls) {
    const error = document.getElementById(`${control.id}-error`);
    if (!error) continue;
    const raw = state.errors[key];
    if (raw === undefined) {
      control.removeAttribute('aria-invalid');
      control.removeAttribute('aria-describedby');
      error.hidden = true;
      error.textContent = '';
      continue;
    }
    const message = fieldMessage(raw, readValue(key));
    error.textContent = t(message.key, message.params);
    error.hidden = false;
    control.setAttribute('aria-invalid', 'true');
    control.setAttribute('aria-describedby', error.id);
    first ??= control;
  }
  const formStatus = document.getElementById('form-status');
  if (formStatus && summary) {
    const count = Object.keys(state.errors).filter((key) => controls.has(key) && key !== 'website').length;
    const unplaced = Object.keys(state.errors).some((key) => !controls.has(key));
    const texts = [
      count > 0 ? plural('errorsSummary', count) : '',
      state.formError ? t(state.formError) : unplaced ? t('genericError') : '',
    ];
    formStatus.textContent = texts.filter(Boolean).join(' ');
  }
  return first;
};

const payload = (event: EventPublic) => {
  const text = (key: string) => {
    const value = readValue(key);
    return typeof value === 'string' && value.trim() !== '' ? value : undefined;
  };
  const answers: Record<string, string | boolean> = {};
  for (const question of event.questions) {
    const value = readValue(`answers.${question.id}`);
    if (value === true || (typeof value === 'string' && value.trim() !== '')) answers[question.id] = value;
  }
  return {
    name: String(readValue('name') ?? ''),
    email: String(readValue('email') ?? ''),
    company: text('company'),
    jobTitle: text('jobTitle'),
    answers,
    consent: readValue('consent') === true,
    locale: lang(),
    website: String(readValue('website') ?? ''),
  };
};

/** The shared schema's verdict, or none when the validator could not be loaded. */
const validate = async (event: EventPublic, input: ReturnType<typeof payload>) => {
  const loaded = await loadValidator();
  if (!loaded) return {};
  const required = event.questions.filter((question) => question.required).map((question) => question.id);
  return loaded.registrationErrors(input, required, input.answers);
};

/**
 * Inline check as the visitor corrects a field: a field showing an error is checked again at
 * each change, so the message goes as soon as the value is right. New errors wait for the
 * submit: nothing appears (or moves the form about) while someone is still typing.
 */
const recheck = async (event: EventPublic, key: string): Promise<void> => {
  if (state.errors[key] === undefined || state.sending) return;
  const errors = await validate(event, payload(event));
  const raw = errors[key];
  if (raw === undefined) delete state.errors[key];
  else state.errors[key] = raw;
  showErrors(false);
};

const BLOCKING: Record<string, Key> = {
  registration_closed: 'closedMessage',
  event_cancelled: 'cancelledMessage',
  event_full: 'fullMessage',
  not_found: 'notFound',
};

/** Failures the visitor can get past by trying again (later), each with its own advice. */
const RETRYABLE: Record<string, Key> = {
  rate_limited: 'rateLimited',
  busy: 'busyError',
  network: 'networkError',
};

const submit = async (form: HTMLFormElement, event: EventPublic): Promise<void> => {
  if (state.sending) return;
  const input = payload(event);
  state.formError = undefined;
  state.errors = await validate(event, input);
  if (Object.keys(state.errors).length > 0) {
    showErrors()?.focus();
    return;
  }
  showErrors();
  state.sending = true;
  const button = form.querySelector<HTMLButtonElement>('button[type=submit]');
  if (button) {
    button.disabled = true;
    button.textContent = t('sending');
  }
  form.setAttribute('aria-busy', 'true');
  try {
    const result = await api.register(event.id, input);
    state.outcome =
      'registration' in result
        ? { kind: 'registered', registration: result.registration, manageUrl: result.manageUrl }
        : { kind: 'already', email: input.email.trim() };
  } catch (error) {
    const failure = error instanceof ApiError ? error : new ApiError(0, 'network', '');
    const blocking = BLOCKING[failure.code];
    if (blocking) state.outcome = { kind: 'blocked', key: blocking };
    else if (failure.code === 'validation_failed' && Object.keys(failure.fields).length > 0) {
      state.errors = failure.fields;
    } else {
      state.formError = RETRYABLE[failure.code] ?? 'genericError';
    }
  } finally {
    state.sending = false;
  }
  if (state.outcome) {
    render();
    const heading = document.getElementById('result-title');
    if (heading) focusOn(heading);
    // The seats shown above changed; refresh that line only, leaving the focus where it is.
    if (state.outcome.kind === 'registered') {
      api.event(event.id).then(
        (fresh) => {
          state.event = fresh;
          const seats = availability(fresh);
          const tag = document.getElementById('seats');
          if (tag) {
            tag.className = `tag tag-${seats.tone}`;
            tag.textContent = seats.text;
          }
        },
        () => undefined,
      );
    }
    return;
  }
  if (button) {
    button.disabled = false;
    button.textContent = submitLabel(event);
  }
  form.removeAttribute('aria-busy');
  const first = showErrors();
  if (first) first.focus();
};

const submitLabel = (event: EventPublic) =>
  event.seatsLeft === 0 && event.waitlistOpen ? t('submitWaitlist') : t('submit');

const blockedBy = (event: EventPublic, now = new Date()): Outcome | undefined => {
  if (event.status === 'cancelled') return { kind: 'blocked', key: 'cancelledMessage' };
  if (event.registrationClosesAt && new Date(event.registrationClosesAt) <= now) {
    return { kind: 'blocked', key: 'closedMessage' };
  }
  if (event.seatsLeft === 0 && !event.waitlistOpen) return { kind: 'blocked', key: 'fullMessage' };
  return undefined;
};

/** Google, Outlook and the .ics file. */
const calendarLinks = (links: RegistrationView['calendarLinks']) =>
  calendarButtons(t('addToCalendar'), [
    { href: links.google, label: t('googleCalendar') },
    { href: links.outlook, label: t('outlookCalendar') },
    { href: links.ics, label: t('icsFile'), download: true },
  ]);

const resultPanel = (outcome: Outcome) => {
  if (outcome.kind === 'blocked') {
    return h('div', { class: 'result result-closed' }, h('p', { id: 'result-title' }, t(outcome.key)));
  }
  if (outcome.kind === 'already') {
    return h(
      'div',
      { class: 'result' },
      h('h3', { id: 'result-title' }, t('alreadyTitle')),
      h('p', {}, t('alreadyText', { email: outcome.email })),
    );
  }
  const { registration, manageUrl } = outcome;
  const email = registration.email;
  const [title, text] =
    registration.status === 'waitlisted'
      ? [
          registration.waitlistPosition
            ? t('waitlistedTitle', { n: registration.waitlistPosition })
            : t('waitlistedTitleNoPos'),
          t('waitlistedText', { email }),
        ]
      : registration.status === 'pending_confirmation'
        ? [t('pendingTitle'), t('pendingText', { email })]
        : [t('confirmedTitle'), t('confirmedText', { email })];
  return h(
    'div',
    { class: `result result-${registration.status}` },
    h('h3', { id: 'result-title' }, title),
    h('p', {}, text),
    h(
      'p',
      {},
      h(
        'a',
        // In a frame on another site, the manage page opens in its own tab.
        { class: 'button', href: safeHref(manageUrl), target: embedded ? '_blank' : undefined },
        t('manageLink'),
      ),
    ),
    registration.status === 'cancelled' ? null : calendarLinks(registration.calendarLinks),
  );
};

const registrationForm = (event: EventPublic) => {
  controls = new Map();
  const form = h(
    'form',
    { id: 'register', novalidate: true, 'aria-labelledby': 'register-title' },
    h('p', { class: 'note' }, t('requiredNote')),
    event.seatsLeft === 0 ? h('p', { class: 'notice' }, t('fullWaitlistNote')) : null,
    fieldsOf(event).map(fieldBlock),
    consentBlock(),
    honeypotBlock(),
    h('p', { id: 'form-status', class: 'form-status', role: 'status', 'aria-live': 'polite' }),
    h('button', { type: 'submit', class: 'button primary' }, submitLabel(event)),
  );
  form.addEventListener('submit', (submitEvent) => {
    submitEvent.preventDefault();
    void submit(form, event);
  });
  form.addEventListener('focusin', () => void loadValidator(), { once: true });
  const onChange = (changeEvent: Event) => {
    const name = (changeEvent.target as HTMLInputElement).name;
    if (name && name !== 'website') void recheck(event, name);
  };
  form.addEventListener('input', onChange);
  form.addEventListener('change', onChange);
  return form;
};

const registerSection = (event: EventPublic) => {
  const outcome = state.outcome ?? blockedBy(event);
  const heading = h('h2', { id: 'register-title' }, t('registerTitle'));
  const section = (...children: (Node | null)[]) =>
    h(
      'section',
      { class: 'register', id: 'register-section', 'aria-labelledby': 'register-title' },
      ...children,
    );
  if (outcome) return section(heading, resultPanel(outcome));

  const opensAt = event.registrationOpensAt;
  if (opensAt && new Date(opensAt) > new Date()) {
    return section(
      heading,
      h(
        'p',
        { class: 'result result-closed' },
        t('opensMessage', { date: dateTime(opensAt, event.timeZone) }),
      ),
    );
  }
  return section(heading, registrationForm(event));
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

const facts = (event: EventPublic) => {
  const seats = availability(event);
  return h(
    'dl',
    { class: 'facts' },
    h('dt', {}, t('when')),
    when(event),
    h('dt', {}, t('where')),
    h('dd', {}, place(event)),
    h('dt', {}, t('availability')),
    h('dd', {}, h('span', { id: 'seats', class: `tag tag-${seats.tone}` }, seats.text)),
  );
};

/** The programme as a timeline: times down one side, a line with a dot per item, talks beside. */
const timeline = (event: EventPublic) =>
  h(
    'section',
    { 'aria-labelledby': 'agenda' },
    h(
      'h2',
      { id: 'agenda' },
      t('agenda'),
      ' ',
      h('span', { class: 'zone-note' }, `(${zoneCity(event.timeZone)})`),
    ),
    h(
      'ol',
      { class: 'timeline' },
      event.agenda.map((item) =>
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
    ),
  );

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

const details = (event: EventPublic) => {
  const calendarHref = safeHref(event.calendarUrl);
  return [
    h(
      'p',
      { class: 'organiser-name' },
      `${t('organiser')} `,
      h('a', { href: `/?organiser=${encodeURIComponent(event.organiserId)}` }, event.organiserName),
    ),
    h('h1', {}, event.title),
    event.summary ? h('p', { class: 'lead' }, event.summary) : null,
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

/** Embed mode: a card with the essentials; the button opens the form in place. */
const embedCard = (event: EventPublic) => {
  const seats = availability(event);
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
      h('span', { id: 'seats', class: `tag tag-${seats.tone}` }, seats.text),
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
    state.open || blocked || state.outcome ? registerSection(event) : null,
  ];
};

/** Re-renders in the current language, keeping what the visitor typed. */
const render = (): void => {
  const { event } = state;
  if (!event) return;
  const typed = new Map<string, string | boolean>();
  for (const key of controls.keys()) {
    const value = readValue(key);
    if (value !== undefined) typed.set(key, value);
  }
  const hadFocus = document.activeElement?.id;
  document.title = `${event.title} · ${t('siteName')}`;
  replace(
    byId('content'),
    h(
      'article',
      { class: 'event' },
      embedded ? embedCard(event) : [...details(event), registerSection(event)],
    ),
  );
  for (const [key, value] of typed) {
    const control = controls.get(key);
    if (!control) continue;
    if (control instanceof HTMLInputElement && control.type === 'checkbox') control.checked = value === true;
    else control.value = String(value);
  }
  showErrors();
  if (hadFocus) document.getElementById(hadFocus)?.focus();
};

/** Tells the host page (embed.js) how tall the frame's content is, so it never scrolls inside. */
const reportHeight = (): void => {
  if (!embedded || window.parent === window) return;
  const send = () =>
    window.parent.postMessage(
      // Only a height and the event id: nothing personal crosses to the host page.
      {
        type: 'inscriptions:height',
        eventId: state.event?.id,
        height: document.documentElement.scrollHeight,
      },
      '*',
    );
  new ResizeObserver(send).observe(document.body);
  send();
};

const load = async (): Promise<void> => {
  const id = eventIdFromUrl();
  try {
    if (!id) throw new ApiError(404, 'not_found', '');
    state.event = await api.event(id);
    setStatus(null);
    render();
  } catch (error) {
    const code = error instanceof ApiError ? error.code : 'network';
    setStatus(code === 'not_found' ? 'notFound' : code === 'network' ? 'networkError' : 'genericError');
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
reportHeight();
void load();
