import { ApiError, api, type EventPublic } from '../api.js';
import { h } from '../dom.js';
import { problemsOfServerFields } from '../field-problems.js';
import { fieldMessage } from '../messages.js';
import { type Key, plural, t } from '../texts/event.js';
import { challengePending, challengeSolution, prepareChallenge, renewChallenge } from './challenge.js';
import { controls, fieldBlocks, payload, readValue } from './fields.js';
import { state } from './state.js';

/**
 * The registration form's behaviour: checking it with the shared schema, showing the errors
 * next to their fields, and sending it. What the API answers becomes `state.outcome`.
 */

type Validator = typeof import('../validate.js');
let validator: Promise<Validator | undefined> | undefined;
/** Fetched when the visitor reaches the form; a failed load leaves the checks to the API. */
const loadValidator = (): Promise<Validator | undefined> => {
  validator ??= import('../validate.js').catch(() => {
    validator = undefined;
    return undefined;
  });
  return validator;
};

/**
 * Shows the errors in `state.errors` next to their fields; returns the first invalid control.
 * `summary` also updates the form's live count (on submit, not on every field left).
 */
export const showErrors = (summary = true): HTMLElement | undefined => {
  let first: HTMLElement | undefined;
  for (const [key, control] of controls) {
    const error = document.getElementById(`${control.id}-error`);
    if (!error) continue;
    const problem = state.errors[key];
    if (problem === undefined) {
      control.removeAttribute('aria-invalid');
      control.removeAttribute('aria-describedby');
      error.hidden = true;
      error.textContent = '';
      continue;
    }
    const message = fieldMessage(problem, readValue(key));
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
  const problem = errors[key];
  if (problem === undefined) delete state.errors[key];
  else state.errors[key] = problem;
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
  challenge_required: 'challengeFailed',
};

/**
 * The solution the event's challenge needs, waited for with a word in the status line; one
 * new try when solving failed. Undefined for events that ask for none.
 */
const solvedChallenge = async (event: EventPublic): Promise<string | undefined> => {
  if (!event.requireChallenge) return undefined;
  const status = document.getElementById('form-status');
  if (status && challengePending(event)) status.textContent = t('challengeWaiting');
  const solution = (await challengeSolution(event)) ?? (await challengeSolution(event));
  if (status) status.textContent = '';
  if (!solution) throw new ApiError(0, 'challenge_required', '');
  return solution;
};

/**
 * Sends the registration, with the solved challenge when the event asks for one. A sent
 * solution is spent (or was refused): a new one is solved for the next send, and a refusal
 * (expired while the form stayed open) is tried once more with it.
 */
const send = async (event: EventPublic, input: ReturnType<typeof payload>) => {
  for (let attempt = 1; ; attempt++) {
    const challenge = await solvedChallenge(event);
    try {
      return await api.register(event.id, challenge ? { ...input, challenge } : input);
    } catch (error) {
      if (challenge) renewChallenge(event);
      if (attempt === 1 && error instanceof ApiError && error.code === 'challenge_required') continue;
      throw error;
    }
  }
};

const submitLabel = (event: EventPublic) =>
  event.seatsLeft === 0 && event.waitlistOpen ? t('submitWaitlist') : t('submit');

/** Sends the form; `onOutcome` shows what came of it (the form is then gone). */
const submit = async (form: HTMLFormElement, event: EventPublic, onOutcome: () => void): Promise<void> => {
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
    const result = await send(event, input);
    state.outcome =
      'registration' in result
        ? { kind: 'registered', registration: result.registration, manageUrl: result.manageUrl }
        : { kind: 'already', email: input.email.trim() };
  } catch (error) {
    const failure = error instanceof ApiError ? error : new ApiError(0, 'network', '');
    const blocking = BLOCKING[failure.code];
    if (blocking) state.outcome = { kind: 'blocked', key: blocking };
    else if (failure.code === 'validation_failed' && Object.keys(failure.fields).length > 0) {
      state.errors = problemsOfServerFields(failure.fields);
    } else {
      state.formError = RETRYABLE[failure.code] ?? 'genericError';
    }
  } finally {
    state.sending = false;
  }
  if (state.outcome) {
    onOutcome();
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

export const registrationForm = (event: EventPublic, onOutcome: () => void) => {
  const form = h(
    'form',
    { id: 'register', novalidate: true, 'aria-labelledby': 'register-title' },
    h('p', { class: 'note' }, t('requiredNote')),
    event.seatsLeft === 0 ? h('p', { class: 'notice' }, t('fullWaitlistNote')) : null,
    fieldBlocks(event),
    h('p', { id: 'form-status', class: 'form-status', role: 'status', 'aria-live': 'polite' }),
    h('button', { type: 'submit', class: 'button primary' }, submitLabel(event)),
  );
  form.addEventListener('submit', (submitEvent) => {
    submitEvent.preventDefault();
    void submit(form, event, onOutcome);
  });
  form.addEventListener('focusin', () => void loadValidator(), { once: true });
  // Solved while the visitor fills the form in; said only if it fails.
  prepareChallenge(event);
  void challengeSolution(event).then((solution) => {
    if (event.requireChallenge && !solution && !state.sending && !state.formError) {
      state.formError = 'challengeFailed';
      showErrors();
    }
  });
  const onChange = (changeEvent: Event) => {
    const name = (changeEvent.target as HTMLInputElement).name;
    if (name && name !== 'website') void recheck(event, name);
  };
  form.addEventListener('input', onChange);
  form.addEventListener('change', onChange);
  return form;
};
