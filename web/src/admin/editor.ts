import { calendarChanges } from '../../../functions/events/changes.js';
import { SHORT_DAY } from '../../../functions/platform/dates.js';
import { ApiError } from '../api.js';
import { h } from '../dom.js';
import { type FieldProblem, problemsOfServerFields } from '../field-problems.js';
import { locale } from '../i18n-core.js';
import type { AdminApi, EventAdmin } from './api.js';
import { registrantsOf } from './events.js';
import { followUpOf, followUpSection } from './follow-up.js';
import { messageOf } from './problems.js';
import { type AdminKey, type AdminPluralKey, plural, t } from './texts/editor.js';
import { announce, confirmAction, errorText, labelled, setFieldError } from './ui.js';
import {
  agendaInstants,
  eventDays,
  fromLocalInput,
  localDelta,
  shiftLocal,
  toLocalInput,
  toTimeInput,
  zones,
} from './zones.js';

/**
 * The event editor: create (a draft) or edit. Times are typed on the event's own wall clock.
 * The shared schema checks the form before it is sent (and the API checks it again); a
 * change that will email every registrant (title, time, place, join URL) is confirmed first.
 */

type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

const input = (attrs: Record<string, string | number | boolean | undefined> = {}) =>
  h('input', { type: 'text', ...attrs });

const value = (form: HTMLElement, id: string): string =>
  (form.querySelector<Control>(`#${id}`)?.value ?? '').trim();

const checked = (form: HTMLElement, id: string): boolean =>
  form.querySelector<HTMLInputElement>(`#${id}`)?.checked ?? false;

// --- repeatable rows (agenda items, speakers, questions) ---

interface RowField {
  name: string;
  label: AdminKey;
  make: () => Control;
  required?: boolean;
  hint?: AdminKey;
}

/** Gives every control of every row its id from the row's position (`ed-agenda-2-title`). */
const reindex = (list: HTMLElement, key: string, itemLabel: AdminKey) => {
  list.querySelectorAll<HTMLFieldSetElement>(':scope > fieldset').forEach((row, index) => {
    const legend = row.querySelector('legend');
    if (legend) legend.textContent = t(itemLabel, { n: index + 1 });
    for (const control of row.querySelectorAll<Control>('[data-field]')) {
      const id = `ed-${key}-${index}-${control.dataset.field}`;
      const label = row.querySelector<HTMLLabelElement>(`label[for="${control.id}"]`);
      const error = row.querySelector<HTMLElement>(`[id="${control.id}-error"]`);
      const hint = row.querySelector<HTMLElement>(`[id="${control.id}-hint"]`);
      if (label) label.htmlFor = id;
      if (error) error.id = `${id}-error`;
      if (hint) hint.id = `${id}-hint`;
      control.id = id;
      control.setAttribute(
        'aria-describedby',
        [hint ? `${id}-hint` : '', `${id}-error`].filter(Boolean).join(' '),
      );
    }
  });
};

const repeater = (
  key: string,
  fields: RowField[],
  rows: Record<string, string | boolean>[],
  labels: { title: AdminKey; item: AdminKey; add: AdminKey; remove: AdminKey },
  /** Called with each row as it is added, before it takes the focus. */
  onAdd: (row: HTMLFieldSetElement) => void = () => {},
) => {
  const list = h('div', { class: 'rows', id: `ed-${key}` });
  const addRow = (values: Record<string, string | boolean> = {}, focus = false) => {
    const row = h(
      'fieldset',
      { class: 'row' },
      h('legend', {}, ''),
      fields.map((field) => {
        const control = field.make();
        control.dataset.field = field.name;
        const given = values[field.name];
        if (control instanceof HTMLInputElement && control.type === 'checkbox')
          control.checked = given === true;
        // A new row keeps the control's own default (a select's first choice); a stored value
        // that is no longer among the choices stays one (shown, for the organiser to change).
        else if (given !== undefined) {
          if (control instanceof HTMLSelectElement && ![...control.options].some((o) => o.value === given))
            control.append(h('option', { value: String(given) }, String(given)));
          control.value = String(given);
        }
        const block = labelled(
          `tmp-${key}-${field.name}-${Math.random().toString(36).slice(2)}`,
          t(field.label),
          control,
          {
            required: field.required,
            hint: field.hint ? t(field.hint) : undefined,
          },
        );
        return block;
      }),
    );
    for (const [name, data] of Object.entries(values))
      if (name.startsWith('data-')) row.setAttribute(name, String(data));
    const remove = h('button', { type: 'button', class: 'button small danger-outline' }, t(labels.remove));
    remove.addEventListener('click', () => {
      const next = (row.nextElementSibling ?? row.previousElementSibling) as HTMLElement | null;
      row.remove();
      reindex(list, key, labels.item);
      (next?.querySelector<HTMLElement>('[data-field]') ?? addButton).focus();
    });
    row.append(remove);
    list.append(row);
    reindex(list, key, labels.item);
    onAdd(row);
    if (focus) row.querySelector<HTMLElement>('.field:not([hidden]) [data-field]')?.focus();
  };
  const addButton = h('button', { type: 'button', class: 'button small' }, t(labels.add));
  addButton.addEventListener('click', () => addRow({}, true));
  for (const values of rows) addRow(values);
  return h(
    'section',
    { class: 'editor-section', 'aria-labelledby': `ed-${key}-title` },
    h('h2', { id: `ed-${key}-title` }, t(labels.title)),
    list,
    addButton,
  );
};

const rowsOf = (form: HTMLElement, key: string) =>
  [...form.querySelectorAll<HTMLFieldSetElement>(`#ed-${key} > fieldset`)].map((row) => {
    const read = (field: string) => row.querySelector<Control>(`[data-field="${field}"]`);
    return {
      row,
      text: (field: string) => (read(field)?.value ?? '').trim(),
      checked: (field: string) => (read(field) as HTMLInputElement | null)?.checked ?? false,
    };
  });

// --- the form ---

const FORMATS = ['in_person', 'online', 'hybrid'] as const;
const FORMAT_KEYS: Record<(typeof FORMATS)[number], AdminKey> = {
  in_person: 'formatInPerson',
  online: 'formatOnline',
  hybrid: 'formatHybrid',
};

const select = (options: [string, string][], selected: string) =>
  h(
    'select',
    {},
    options.map(([optionValue, label]) =>
      h('option', { value: optionValue, selected: optionValue === selected }, label),
    ),
  );

const defaultStart = (): string => {
  const start = new Date(Date.now() + 14 * 86_400_000);
  start.setUTCHours(16, 0, 0, 0);
  return start.toISOString();
};

/**
 * The reminder offsets typed (`P1D, PT1H`): unchanged ones are not sent, so an event on its
 * format's defaults stays on them; emptied, the defaults again (null; on a new event, left out).
 */
const remindersOf = (form: HTMLElement, original?: EventAdmin): { reminders?: string[] | null } => {
  const typed = value(form, 'ed-reminders')
    .split(',')
    .map((offset) => offset.trim().toUpperCase())
    .filter(Boolean);
  if (original && typed.join(',') === original.reminders.join(',')) return {};
  if (typed.length === 0) return original ? { reminders: null } : {};
  return { reminders: typed };
};

/** The form's content as the API's input (unknown values left for the schema to refuse). */
const readForm = (form: HTMLElement, original?: EventAdmin) => {
  const zone = value(form, 'ed-timeZone') || 'Europe/Paris';
  const format = (form.querySelector<HTMLInputElement>('input[name="format"]:checked')?.value ??
    'in_person') as 'in_person' | 'online' | 'hybrid';
  // A field still showing the stored instant keeps it: the input shows minutes only, and rounding
  // away the seconds an API client set would be a change of time, emailed to everyone.
  const instant = (id: string, stored: string | null | undefined) => {
    const raw = value(form, id);
    if (stored && raw === toLocalInput(stored, zone)) return stored;
    return raw ? (fromLocalInput(raw, zone) ?? raw) : null;
  };
  const startsAt = instant('ed-startsAt', original?.startsAt);
  const endsAt = instant('ed-endsAt', original?.endsAt);
  const capacityText = value(form, 'ed-capacity');
  const existingQuestions = new Set(original?.questions.map((question) => question.id));
  return {
    title: value(form, 'ed-title'),
    summary: value(form, 'ed-summary'),
    description: (form.querySelector<HTMLTextAreaElement>('#ed-description')?.value ?? '').replace(
      /\r\n/g,
      '\n',
    ),
    format,
    venue:
      format === 'online'
        ? null
        : {
            name: value(form, 'ed-venue-name'),
            address: value(form, 'ed-venue-address'),
            city: value(form, 'ed-venue-city'),
          },
    joinUrl: format === 'in_person' ? null : value(form, 'ed-joinUrl') || null,
    startsAt,
    endsAt,
    timeZone: zone,
    language: value(form, 'ed-language') === 'en' ? 'en' : 'fr',
    capacity: capacityText === '' ? null : Number(capacityText),
    waitlistEnabled: checked(form, 'ed-waitlistEnabled'),
    requireConfirmation: checked(form, 'ed-requireConfirmation'),
    requireChallenge: checked(form, 'ed-requireChallenge'),
    marketingConsentText:
      (form.querySelector<HTMLTextAreaElement>('#ed-marketingConsentText')?.value ?? '').trim() || null,
    registrationOpensAt: instant('ed-registrationOpensAt', original?.registrationOpensAt),
    registrationClosesAt: instant('ed-registrationClosesAt', original?.registrationClosesAt),
    ...remindersOf(form, original),
    reconfirmBy: instant('ed-reconfirmBy', original?.reconfirmBy),
    reconfirmAskAt: instant('ed-reconfirmAskAt', original?.reconfirmAskAt),
    followUp: followUpOf(form),
    agenda: rowsOf(form, 'agenda').map(({ text }) => {
      // A row without a day of its own (a one-day event) is on the event's day.
      const day = text('day') || value(form, 'ed-startsAt').slice(0, 10);
      const at = agendaInstants({ day, start: text('start'), end: text('end') }, zone);
      return {
        // Unreadable: left as typed, for the schema to refuse beside the field.
        startsAt: at.startsAt ?? text('start'),
        ...(text('end') ? { endsAt: at.endsAt ?? text('end') } : {}),
        title: text('title'),
        speakers: text('speakers')
          .split(',')
          .map((name) => name.trim())
          .filter(Boolean),
      };
    }),
    speakers: rowsOf(form, 'speakers').map(({ text }) => ({
      name: text('name'),
      ...(text('title') ? { title: text('title') } : {}),
    })),
    questions: rowsOf(form, 'questions').map(({ row, text, checked: isChecked }, index) => {
      const kept = row.dataset.qid && existingQuestions.has(row.dataset.qid) ? row.dataset.qid : undefined;
      const type = text('type') as 'text' | 'select' | 'checkbox';
      const options = text('options')
        .split('\n')
        .map((option) => option.trim())
        .filter(Boolean);
      return {
        // A question keeps its id once people have answered it; a new one gets a fresh one.
        id: kept ?? row.dataset.qid ?? `q${Date.now().toString(36)}${index}`,
        label: text('label'),
        type,
        required: isChecked('required'),
        ...(type === 'select' ? { options } : {}),
      };
    }),
  };
};

type EditorInput = ReturnType<typeof readForm>;

/** Field path (`venue.name`, `agenda.1.title`) -> the control showing it. */
const controlIdOf = (path: string): string => {
  const parts = path.split('.');
  if (parts[0] === 'reminders') return 'ed-reminders';
  if ((parts[0] === 'agenda' || parts[0] === 'speakers' || parts[0] === 'questions') && parts.length >= 3) {
    const field = parts[2] === 'startsAt' ? 'start' : parts[2] === 'endsAt' ? 'end' : parts[2];
    return `ed-${parts[0]}-${parts[1]}-${field}`;
  }
  return `ed-${parts.join('-')}`;
};

/** Refusals that are about one field: said beside it. */
const FIELD_OF_ERROR: Record<string, string> = { capacity_below_confirmed: 'ed-capacity' };

/** A field's error goes as soon as the field is changed: it no longer describes what is there. */
const clearErrorsAsFixed = (form: HTMLElement): void => {
  const clear = (event: Event) => {
    const control = event.target as HTMLElement | null;
    if (control?.id && control.getAttribute('aria-invalid') === 'true') setFieldError(control.id, undefined);
  };
  form.addEventListener('input', clear);
  form.addEventListener('change', clear);
};

const showErrors = (form: HTMLElement, errors: Record<string, FieldProblem>): HTMLElement | undefined => {
  for (const element of form.querySelectorAll<HTMLElement>('.field-error')) {
    const id = element.id.replace(/-error$/, '');
    setFieldError(id, undefined);
  }
  let first: HTMLElement | undefined;
  const unplaced: string[] = [];
  for (const [path, problem] of Object.entries(errors)) {
    const id = controlIdOf(path);
    if (setFieldError(id, messageOf(problem))) first ??= document.getElementById(id) ?? undefined;
    else unplaced.push(`${path}: ${messageOf(problem)}`);
  }
  const summary = form.querySelector<HTMLElement>('#ed-summary-errors');
  if (summary) {
    const count = Object.keys(errors).length;
    summary.textContent = count ? [plural('vSummary', count), ...unplaced].join(' ') : '';
  }
  return first;
};

/**
 * Whether saving emails every registrant: the API's own rule (title, time, place, join URL,
 * compared by value), so the warning comes exactly when the emails do.
 */
const noticeableChange = (before: EventAdmin, after: EditorInput): boolean =>
  calendarChanges(before, after).length > 0;

/** "mar. 12 mai" / "Tue 12 May" for a `YYYY-MM-DD` (a wall-clock day: read in UTC). */
const dayLabel = (day: string): string =>
  new Intl.DateTimeFormat(locale(), { ...SHORT_DAY, timeZone: 'UTC' }).format(new Date(`${day}T12:00:00Z`));

/** "d'1 jour" / "by 1 day": a wall-clock span in its largest whole unit. */
const spanText = (ms: number): string => {
  const minutes = Math.round(Math.abs(ms) / 60_000);
  const [key, n]: [AdminPluralKey, number] =
    minutes % 1440 === 0
      ? ['agendaByDays', minutes / 1440]
      : minutes % 60 === 0
        ? ['agendaByHours', minutes / 60]
        : ['agendaByMinutes', minutes];
  return plural(key, n);
};

/**
 * The programme follows the event: when the organiser moves the start, every row moves by as
 * much on the wall clock (a day stays a day across a clock change), and a note says so, with a
 * box to keep the rows where they were. Rows show a day choice when the event spans several
 * days (or when a row is on a day the event no longer has).
 */
const followingProgramme = (
  form: HTMLElement,
  section: HTMLElement,
  origin: string,
  setDays: (days: string[]) => void,
) => {
  const keep = h('input', { type: 'checkbox' });
  const note = h('p', { id: 'ed-agenda-note', class: 'form-status', role: 'status' });
  const keepField = labelled('ed-agenda-keep', t('agendaKeep'), keep);
  keepField.hidden = true;
  section.querySelector('h2')?.after(note, keepField);
  const wallClock = (id: string) => {
    const raw = value(form, id);
    return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(raw) ? raw : undefined;
  };
  const rows = () => rowsOf(form, 'agenda');
  let applied = 0;

  const showDays = () => {
    const start = wallClock('ed-startsAt');
    const end = wallClock('ed-endsAt');
    if (!start || !end) return;
    const eventDaysNow = eventDays(start, end);
    setDays(eventDaysNow);
    for (const { row } of rows()) {
      const choice = row.querySelector<HTMLSelectElement>('[data-field="day"]');
      if (!choice) continue;
      const chosen = choice.value || start.slice(0, 10);
      const choices = eventDaysNow.includes(chosen) ? eventDaysNow : [...eventDaysNow, chosen].sort();
      choice.replaceChildren(...choices.map((day) => h('option', { value: day }, dayLabel(day))));
      choice.value = chosen;
      const field = choice.closest<HTMLElement>('.field');
      if (field) field.hidden = eventDaysNow.length === 1 && chosen === eventDaysNow[0];
    }
  };

  const follow = () => {
    const start = wallClock('ed-startsAt');
    const total = start ? localDelta(origin, start) : Number.NaN;
    if (Number.isNaN(total)) return;
    const target = keep.checked ? 0 : total;
    const by = target - applied;
    let moved = 0;
    for (const { row, text } of rows()) {
      const at = (field: string) => row.querySelector<Control>(`[data-field="${field}"]`);
      const day = text('day') || (start as string).slice(0, 10);
      const startAt = shiftLocal(`${day}T${text('start')}`, by);
      if (!startAt) continue;
      moved++;
      if (by === 0) continue;
      // The day first: a day no longer among the choices is added by showDays.
      const choice = at('day') as HTMLSelectElement | null;
      if (choice) {
        choice.append(h('option', { value: startAt.slice(0, 10) }, ''));
        choice.value = startAt.slice(0, 10);
      }
      (at('start') as HTMLInputElement).value = startAt.slice(11);
      const end = text('end') ? shiftLocal(`${day}T${text('end')}`, by) : '';
      if (end) (at('end') as HTMLInputElement).value = end.slice(11);
    }
    applied = target;
    showDays();
    keepField.hidden = total === 0 || moved === 0;
    note.textContent =
      total === 0 || moved === 0
        ? ''
        : keep.checked
          ? t('agendaKept')
          : t('agendaFollowed', {
              items: plural(total > 0 ? 'agendaMovedLater' : 'agendaMovedEarlier', moved),
              by: spanText(total),
            });
  };

  for (const id of ['ed-startsAt', 'ed-endsAt']) {
    const field = form.querySelector<HTMLInputElement>(`#${id}`);
    for (const type of ['input', 'change'])
      field?.addEventListener(type, id === 'ed-startsAt' ? follow : showDays);
  }
  keep.addEventListener('change', follow);
  showDays();
  return showDays;
};

export const editorView = (
  api: AdminApi,
  original: EventAdmin | undefined,
  onSaved: (event: EventAdmin) => void,
) => {
  const zone = original?.timeZone ?? 'Europe/Paris';
  const startsAt = original?.startsAt ?? defaultStart();
  const endsAt = original?.endsAt ?? new Date(new Date(startsAt).getTime() + 2 * 3_600_000).toISOString();
  const local = (instant: string | null | undefined) => (instant ? toLocalInput(instant, zone) : '');
  const format = original?.format ?? 'in_person';

  const formatGroup = h(
    'fieldset',
    { class: 'field choice', id: 'ed-format' },
    h('legend', {}, t('format')),
    FORMATS.map((option) =>
      h(
        'label',
        { class: 'choice-item' },
        h('input', { type: 'radio', name: 'format', value: option, checked: option === format }),
        ` ${t(FORMAT_KEYS[option])}`,
      ),
    ),
    h('p', { class: 'field-error', id: 'ed-format-error', hidden: true }),
  );

  const venueBlock = h(
    'div',
    { class: 'group', id: 'ed-venue-block' },
    labelled('ed-venue-name', t('venueName'), input({ value: original?.venue?.name ?? '', maxlength: 200 }), {
      required: true,
    }),
    labelled(
      'ed-venue-address',
      t('venueAddress'),
      input({ value: original?.venue?.address ?? '', maxlength: 300 }),
    ),
    labelled('ed-venue-city', t('venueCity'), input({ value: original?.venue?.city ?? '', maxlength: 100 })),
  );
  const joinBlock = h(
    'div',
    { class: 'group', id: 'ed-join-block' },
    labelled(
      'ed-joinUrl',
      t('joinUrl'),
      input({ type: 'url', value: original?.joinUrl ?? '', placeholder: 'https://' }),
      {
        hint: t('joinUrlHint'),
      },
    ),
  );
  const showFormatFields = () => {
    const chosen = formatGroup.querySelector<HTMLInputElement>('input:checked')?.value ?? 'in_person';
    venueBlock.hidden = chosen === 'online';
    joinBlock.hidden = chosen === 'in_person';
  };
  formatGroup.addEventListener('change', showFormatFields);

  const zoneSelect = select(
    zones().map((name) => [name, name.replace(/_/g, ' ')]),
    zone,
  );

  const capacity = input({
    type: 'number',
    min: 1,
    max: 1_000_000,
    step: 1,
    inputmode: 'numeric',
    value: original?.capacity ?? '',
  });
  const waitlist = h('input', { type: 'checkbox', checked: original?.waitlistEnabled ?? true });
  const confirmation = h('input', { type: 'checkbox', checked: original?.requireConfirmation ?? false });
  const challenge = h('input', { type: 'checkbox', checked: original?.requireChallenge ?? false });

  // The days a programme row may be on: the event's, as its start and end fields say.
  let days = eventDays(local(startsAt), local(endsAt));
  // Set once the form is built (followingProgramme); rows added before that are shown then.
  let showDays = () => {};
  const agenda = repeater(
    'agenda',
    [
      {
        name: 'day',
        label: 'agendaDay',
        make: () =>
          select(
            days.map((day) => [day, dayLabel(day)]),
            days[0] ?? '',
          ),
      },
      { name: 'start', label: 'agendaStart', make: () => input({ type: 'time' }), required: true },
      { name: 'end', label: 'agendaEnd', make: () => input({ type: 'time' }) },
      { name: 'title', label: 'agendaItemTitle', make: () => input({ maxlength: 300 }), required: true },
      { name: 'speakers', label: 'agendaSpeakers', make: () => input(), hint: 'agendaSpeakersHint' },
    ],
    (original?.agenda ?? []).map((item) => ({
      day: local(item.startsAt).slice(0, 10),
      start: toTimeInput(item.startsAt, zone),
      end: item.endsAt ? toTimeInput(item.endsAt, zone) : '',
      title: item.title,
      speakers: item.speakers.join(', '),
    })),
    { title: 'agendaTitle', item: 'agendaItem', add: 'agendaAdd', remove: 'remove' },
    () => showDays(),
  );
  const speakers = repeater(
    'speakers',
    [
      { name: 'name', label: 'speakerName', make: () => input({ maxlength: 200 }), required: true },
      { name: 'title', label: 'speakerTitle', make: () => input({ maxlength: 200 }) },
    ],
    (original?.speakers ?? []).map((speaker) => ({ name: speaker.name, title: speaker.title ?? '' })),
    { title: 'speakersTitle', item: 'speakerItem', add: 'speakerAdd', remove: 'remove' },
  );
  const questions = repeater(
    'questions',
    [
      { name: 'label', label: 'questionLabel', make: () => input({ maxlength: 300 }), required: true },
      {
        name: 'type',
        label: 'questionType',
        make: () =>
          select(
            [
              ['text', t('questionText')],
              ['select', t('questionSelect')],
              ['checkbox', t('questionCheckbox')],
            ],
            'text',
          ),
      },
      {
        name: 'options',
        label: 'questionOptions',
        make: () => h('textarea', { rows: 3 }),
        hint: 'questionOptionsHint',
      },
      { name: 'required', label: 'questionRequired', make: () => h('input', { type: 'checkbox' }) },
    ],
    (original?.questions ?? []).map((question) => ({
      'data-qid': question.id,
      label: question.label,
      type: question.type,
      options: (question.options ?? []).join('\n'),
      required: question.required,
    })),
    { title: 'questionsTitle', item: 'questionItem', add: 'questionAdd', remove: 'remove' },
  );

  const submit = h(
    'button',
    { type: 'submit', class: 'button primary' },
    original ? t('save') : t('createDraft'),
  );
  const form = h(
    'form',
    { id: 'event-editor', class: 'editor', novalidate: true, 'aria-labelledby': 'view-title' },
    h('p', { class: 'note' }, t('requiredNote')),
    h(
      'section',
      { class: 'editor-section', 'aria-labelledby': 'ed-main-title' },
      h('h2', { id: 'ed-main-title' }, t('sectionMain')),
      labelled('ed-title', t('title'), input({ value: original?.title ?? '', maxlength: 200 }), {
        required: true,
      }),
      labelled('ed-summary', t('summary'), input({ value: original?.summary ?? '', maxlength: 500 })),
      labelled('ed-description', t('description'), h('textarea', { rows: 6 }, original?.description ?? '')),
      labelled(
        'ed-language',
        t('language'),
        select(
          [
            ['fr', 'Français'],
            ['en', 'English'],
          ],
          original?.language ?? 'fr',
        ),
      ),
    ),
    h(
      'section',
      { class: 'editor-section', 'aria-labelledby': 'ed-when-title' },
      h('h2', { id: 'ed-when-title' }, t('sectionWhen')),
      labelled('ed-timeZone', t('timeZone'), zoneSelect, { hint: t('timeZoneHint') }),
      h(
        'div',
        { class: 'two' },
        labelled('ed-startsAt', t('startsAt'), input({ type: 'datetime-local', value: local(startsAt) }), {
          required: true,
        }),
        labelled('ed-endsAt', t('endsAt'), input({ type: 'datetime-local', value: local(endsAt) }), {
          required: true,
        }),
      ),
    ),
    h(
      'section',
      { class: 'editor-section', 'aria-labelledby': 'ed-where-title' },
      h('h2', { id: 'ed-where-title' }, t('sectionWhere')),
      formatGroup,
      venueBlock,
      joinBlock,
    ),
    h(
      'section',
      { class: 'editor-section', 'aria-labelledby': 'ed-seats-title' },
      h('h2', { id: 'ed-seats-title' }, t('sectionSeats')),
      labelled('ed-capacity', t('capacity'), capacity, { hint: t('capacityHint') }),
      labelled('ed-waitlistEnabled', t('waitlistEnabled'), waitlist),
      labelled('ed-requireConfirmation', t('requireConfirmation'), confirmation, {
        hint: t('requireConfirmationHint'),
      }),
      labelled('ed-requireChallenge', t('requireChallenge'), challenge, { hint: t('requireChallengeHint') }),
      labelled(
        'ed-marketingConsentText',
        t('marketingConsentText'),
        h('textarea', { rows: 2, maxlength: 1000 }, original?.marketingConsentText ?? ''),
        { hint: t('marketingConsentHint') },
      ),
      h(
        'div',
        { class: 'two' },
        labelled(
          'ed-registrationOpensAt',
          t('opensAt'),
          input({ type: 'datetime-local', value: local(original?.registrationOpensAt) }),
          {
            hint: t('opensAtHint'),
          },
        ),
        labelled(
          'ed-registrationClosesAt',
          t('closesAt'),
          input({
            type: 'datetime-local',
            value:
              original?.registrationClosesAt && original.registrationClosesAt !== original.startsAt
                ? local(original.registrationClosesAt)
                : '',
          }),
          { hint: t('closesAtHint') },
        ),
      ),
    ),
    h(
      'section',
      { class: 'editor-section', 'aria-labelledby': 'ed-attendance-title' },
      h('h2', { id: 'ed-attendance-title' }, t('sectionAttendance')),
      labelled(
        'ed-reminders',
        t('reminders'),
        input({ type: 'text', value: original?.reminders.join(', ') ?? '', placeholder: 'P1D, PT1H' }),
        { hint: t('remindersHint') },
      ),
      h(
        'div',
        { class: 'two' },
        labelled(
          'ed-reconfirmBy',
          t('reconfirmBy'),
          input({ type: 'datetime-local', value: local(original?.reconfirmBy) }),
          { hint: t('reconfirmByHint') },
        ),
        labelled(
          'ed-reconfirmAskAt',
          t('reconfirmAskAt'),
          input({ type: 'datetime-local', value: local(original?.reconfirmAskAt) }),
          { hint: t('reconfirmAskAtHint') },
        ),
      ),
    ),
    // The follow-ups' preview reads the event as the form has it now.
    followUpSection(original, {
      event: () => {
        const data = readForm(form, original);
        return {
          ...data,
          startsAt: data.startsAt ?? '',
          endsAt: data.endsAt ?? '',
          venue: data.venue,
          language: data.language as 'fr' | 'en',
          organiserName: original?.organiserName ?? '',
        };
      },
    }),
    agenda,
    speakers,
    questions,
    h('p', { id: 'ed-summary-errors', class: 'form-status', role: 'status', tabindex: -1 }),
    h(
      'div',
      { class: 'actions sticky-actions' },
      submit,
      h(
        'a',
        { class: 'button', href: original ? `#/events/${encodeURIComponent(original.id)}` : '#/' },
        t('cancelAction'),
      ),
    ),
  );
  showFormatFields();
  showDays = followingProgramme(form, agenda, local(startsAt), (next) => {
    days = next;
  });

  // The validator (the API's schemas) loads with the editor, while the organiser types.
  const validator = import('./validate-event.js').catch(() => undefined);

  let sending = false;
  clearErrorsAsFixed(form);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (sending) return;
    const data = readForm(form, original);
    const checker = await validator;
    const errors = checker ? checker.eventErrors(data, !original) : {};
    if (data.startsAt && data.endsAt && data.endsAt <= data.startsAt && !errors.endsAt)
      errors.endsAt = { kind: 'endBeforeStart' };
    const first = showErrors(form, errors);
    if (Object.keys(errors).length) {
      (first ?? form.querySelector<HTMLElement>('#ed-summary-errors'))?.focus();
      return;
    }
    if (
      original &&
      original.status !== 'draft' &&
      registrantsOf(original) > 0 &&
      noticeableChange(original, data)
    ) {
      const go = await confirmAction({
        title: t('warnChangeTitle'),
        body: [plural('warnChangeBody', registrantsOf(original)), t('warnChangeCalendar')],
        confirm: t('warnChangeConfirm'),
      });
      if (!go) return;
    }
    sending = true;
    submit.disabled = true;
    form.setAttribute('aria-busy', 'true');
    try {
      const saved = original ? await api.update(original.id, data) : await api.create(data);
      announce(original ? t('savedNotice') : t('createdNotice'));
      onSaved(saved);
    } catch (error) {
      const field = error instanceof ApiError ? FIELD_OF_ERROR[error.code] : undefined;
      if (
        error instanceof ApiError &&
        error.code === 'validation_failed' &&
        Object.keys(error.fields).length
      ) {
        showErrors(form, problemsOfServerFields(error.fields))?.focus();
      } else if (field && setFieldError(field, errorText(error))) {
        // Where the organiser must act, not at the top of a long page: beside the field, focused.
        announce(errorText(error), 'error');
        document.getElementById(field)?.focus();
      } else {
        // No field to blame: said beside the save button, where the eye is, and focused.
        const text =
          error instanceof ApiError && error.code === 'invalid_state'
            ? t('errSaveInvalidState')
            : errorText(error);
        announce(text, 'error');
        const summary = form.querySelector<HTMLElement>('#ed-summary-errors');
        if (summary) {
          summary.textContent = text;
          summary.focus();
        }
      }
    } finally {
      sending = false;
      submit.disabled = false;
      form.removeAttribute('aria-busy');
    }
  });

  return [
    h(
      'p',
      { class: 'back' },
      h(
        'a',
        { href: original ? `#/events/${encodeURIComponent(original.id)}` : '#/' },
        original ? original.title : t('eventsTitle'),
      ),
    ),
    h('h1', { id: 'view-title', tabindex: '-1' }, original ? t('editTitle') : t('newEvent')),
    form,
  ];
};
