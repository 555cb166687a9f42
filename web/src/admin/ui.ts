import { ApiError } from '../api.js';
import { byId, h, replace } from '../dom.js';
import { type AdminKey, t } from './i18n.js';

/** Small pieces every admin view uses: announcements, the confirm dialog, error texts. */

/** The polite live region at the top of the page: what just happened, for everyone. */
export const announce = (text: string, tone: 'info' | 'error' = 'info'): void => {
  const status = byId('status');
  status.className = `status ${tone === 'error' ? 'status-error' : ''}`;
  status.textContent = text;
};

export const clearAnnouncement = (): void => announce('');

const ERRORS: Record<string, AdminKey> = {
  network: 'errNetwork',
  unauthorized: 'errUnauthorized',
  not_found: 'errNotFound',
  capacity_below_confirmed: 'errCapacityBelow',
  invalid_state: 'errInvalidState',
  validation_failed: 'errValidation',
  rate_limited: 'errRateLimited',
  event_full: 'errEventFull',
  join_url_required: 'errJoinUrlRequired',
  event_in_past: 'errEventInPast',
};

export const errorText = (error: unknown): string => {
  const code = error instanceof ApiError ? error.code : 'network';
  return t(ERRORS[code] ?? 'errGeneric');
};

export interface ConfirmOptions {
  title: string;
  body: string | string[];
  confirm: string;
  danger?: boolean;
}

/**
 * Asks before an action that cannot be taken back or that emails people. A native modal
 * <dialog>: focus moves in and is kept there, Escape says no, focus returns to the opener.
 */
export const confirmAction = (options: ConfirmOptions): Promise<boolean> => {
  const dialog = byId<HTMLDialogElement>('confirm-dialog');
  const opener = document.activeElement as HTMLElement | null;
  const yes = h(
    'button',
    { type: 'button', class: `button ${options.danger ? 'danger' : 'primary'}`, value: 'yes' },
    options.confirm,
  );
  const no = h('button', { type: 'button', class: 'button', value: 'no' }, t('cancelAction'));
  replace(
    dialog,
    h('h2', { id: 'confirm-title' }, options.title),
    (Array.isArray(options.body) ? options.body : [options.body]).map((text) => h('p', {}, text)),
    h('div', { class: 'actions' }, no, yes),
  );
  dialog.setAttribute('aria-labelledby', 'confirm-title');
  return new Promise((resolve) => {
    const done = (answer: boolean) => {
      dialog.removeEventListener('close', onClose);
      if (dialog.open) dialog.close();
      opener?.focus();
      resolve(answer);
    };
    const onClose = () => done(false);
    yes.addEventListener('click', () => done(true));
    no.addEventListener('click', () => done(false));
    dialog.addEventListener('close', onClose);
    dialog.showModal();
    // The safe choice has the focus: Enter by habit does not erase anyone.
    no.focus();
  });
};

/** A labelled control with its error line; the error is tied to the control for screen readers. */
export const labelled = (
  id: string,
  label: string,
  control: HTMLElement,
  options: { hint?: string; required?: boolean; className?: string } = {},
) => {
  const describedBy = [options.hint ? `${id}-hint` : '', `${id}-error`].filter(Boolean).join(' ');
  control.id = id;
  control.setAttribute('aria-describedby', describedBy);
  if (options.required) control.setAttribute('aria-required', 'true');
  const isCheck = control instanceof HTMLInputElement && control.type === 'checkbox';
  const labelElement = h(
    'label',
    { for: id },
    label,
    options.required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null,
  );
  return h(
    'div',
    { class: `field${isCheck ? ' check' : ''}${options.className ? ` ${options.className}` : ''}` },
    isCheck ? [control, labelElement] : [labelElement, control],
    options.hint ? h('p', { class: 'hint', id: `${id}-hint` }, options.hint) : null,
    h('p', { class: 'field-error', id: `${id}-error`, hidden: true }),
  );
};

/** Shows (or clears) the error of the control `id`; returns whether there was one. */
export const setFieldError = (id: string, message: string | undefined): boolean => {
  const control = document.getElementById(id);
  const error = document.getElementById(`${id}-error`);
  if (!control || !error) return false;
  error.textContent = message ?? '';
  error.hidden = !message;
  if (message) control.setAttribute('aria-invalid', 'true');
  else control.removeAttribute('aria-invalid');
  return Boolean(message);
};

export const downloadBlob = (blob: Blob, filename: string): void => {
  const url = URL.createObjectURL(blob);
  const link = h('a', { href: url, download: filename, class: 'sr-only' });
  document.body.append(link);
  link.click();
  link.remove();
  // Give the browser the time to start the download before the URL goes.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
};
