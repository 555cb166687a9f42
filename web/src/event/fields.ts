import type { EventPublic, Question } from '../api.js';
import { h } from '../dom.js';
import { SOURCE_PARAMS } from '../embed-contract.js';
import { lang } from '../i18n.js';
import { t } from '../texts/event.js';
import { params } from './state.js';

/** The registration form's controls: the person, the event's questions, consent and the honeypot. */

type Control = HTMLInputElement | HTMLSelectElement;

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

/** The form's controls by field key, filled as the form is built. */
export const controls = new Map<string, Control>();

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
  let control: Control;
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

/** The event's optional marketing box: unticked, never required, its text the organiser's. */
const marketingBlock = (text: string) => {
  const control = h('input', { type: 'checkbox', id: 'f-marketing', name: 'marketingConsent' });
  controls.set('marketingConsent', control);
  return h('div', { class: 'field check' }, control, h('label', { for: 'f-marketing' }, text));
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

/** Every block of the form, in order; `controls` then holds this form's controls only. */
export const fieldBlocks = (event: EventPublic) => {
  controls.clear();
  return [
    ...fieldsOf(event).map(fieldBlock),
    consentBlock(),
    event.marketingConsentText ? marketingBlock(event.marketingConsentText) : null,
    honeypotBlock(),
  ];
};

export const readValue = (key: string): string | boolean | undefined => {
  const control = controls.get(key);
  if (!control) return undefined;
  return control instanceof HTMLInputElement && control.type === 'checkbox' ? control.checked : control.value;
};

/** What the visitor typed, to put back after the page is rebuilt (a language switch). */
export const typedValues = (): Map<string, string | boolean> => {
  const typed = new Map<string, string | boolean>();
  for (const key of controls.keys()) {
    const value = readValue(key);
    if (value !== undefined) typed.set(key, value);
  }
  return typed;
};

export const restoreValues = (typed: Map<string, string | boolean>): void => {
  for (const [key, value] of typed) {
    const control = controls.get(key);
    if (!control) continue;
    if (control instanceof HTMLInputElement && control.type === 'checkbox') control.checked = value === true;
    else control.value = String(value);
  }
};

/** Not a control character, bidi override or lone surrogate: what the API refuses in a line. */
const PLAIN = /^[^\p{Cc}\p{Cs}\u202a-\u202e\u2066-\u2069]*$/u;

/**
 * Where the visitor came from, from this page's address only (no cookie, nothing stored): its
 * utm/ref parameters and, in a frame, the host page (embed.js). A value the API would refuse is
 * left out, never a reason for the registration to fail.
 */
const source = () => {
  const found: Record<string, string> = {};
  for (const name of [...SOURCE_PARAMS, 'referrer']) {
    const value = params.get(name)?.trim();
    const max = name === 'referrer' ? 500 : name === 'ref' ? 64 : 100;
    if (value && value.length <= max && PLAIN.test(value)) found[name] = value;
  }
  return Object.keys(found).length > 0 ? found : undefined;
};

/** The registration as the API takes it; empty optional fields are left out. */
export const payload = (event: EventPublic) => {
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
    source: source(),
    ...(readValue('marketingConsent') === true ? { marketingConsent: true } : {}),
  };
};
