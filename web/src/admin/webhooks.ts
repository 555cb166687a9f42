import { webhookEventTypes } from '../../../functions/webhooks/event-types.js';
import { ApiError } from '../api.js';
import { shortDateTime } from '../dates.js';
import { h, replace } from '../dom.js';
import type { AdminApi, DeliveryAdmin, WebhookAdmin } from './api.js';
import { type AdminKey, t } from './texts/webhooks.js';
import { announce, confirmAction, errorText, labelled, setFieldError } from './ui.js';

/**
 * `#/webhooks` (loaded on demand): the organiser's webhooks, one form to add one, each with
 * its test button, secret rotation, deletion and recent deliveries. A secret is shown once,
 * right after it is made, with a copy button.
 */

/** The types an organiser may subscribe to. */
const EVENT_TYPES = webhookEventTypes;

const deliveryStatus = (status: DeliveryAdmin['status']) => t(`delivery_${status}` as AdminKey);

/** The secret, once: a read-only field to select and a copy button. */
const secretPanel = (secret: string) => {
  const field = h('input', { type: 'text', readonly: true, value: secret, spellcheck: 'false' });
  const copy = h('button', { type: 'button', class: 'button small' }, t('webhookCopy'));
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(secret);
      announce(t('webhookCopied'));
    } catch {
      field.select();
    }
  });
  return h(
    'div',
    { class: 'notice webhook-secret', id: 'webhook-secret' },
    h('p', {}, t('webhookSecretOnce')),
    labelled('webhook-secret-value', t('webhookSecretLabel'), field),
    copy,
  );
};

const deliveriesTable = (items: DeliveryAdmin[]) =>
  items.length
    ? h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { class: 'registrations deliveries' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              (
                [
                  'deliveryWhen',
                  'deliveryType',
                  'deliveryStatus',
                  'deliveryCode',
                  'deliveryAttempts',
                  'deliveryNext',
                ] as const
              ).map((key) => h('th', { scope: 'col' }, t(key))),
            ),
          ),
          h(
            'tbody',
            {},
            items.map((item) =>
              h(
                'tr',
                { 'data-status': item.status },
                h(
                  'td',
                  { 'data-label': t('deliveryWhen') },
                  shortDateTime(item.lastAttemptAt ?? item.occurredAt),
                ),
                h('td', { 'data-label': t('deliveryType') }, item.type),
                h('td', { 'data-label': t('deliveryStatus') }, deliveryStatus(item.status)),
                h('td', { 'data-label': t('deliveryCode') }, item.responseCode ?? item.error ?? '–'),
                h('td', { 'data-label': t('deliveryAttempts') }, item.attempts),
                h(
                  'td',
                  { 'data-label': t('deliveryNext') },
                  item.nextAttemptAt ? shortDateTime(item.nextAttemptAt) : '–',
                ),
              ),
            ),
          ),
        ),
      )
    : h('p', { class: 'muted' }, t('webhookNoDeliveries'));

/**
 * The view's nodes; `draw` draws it again (after a change), with a new secret on top when
 * there is one.
 */
export const webhooksView = async (
  api: AdminApi,
  draw: (secret?: string) => Promise<void>,
  secret?: string,
) => {
  const { items } = await api.webhooks();

  const url = h('input', { type: 'url', inputmode: 'url', spellcheck: 'false', autocomplete: 'off' });
  const boxes = EVENT_TYPES.map((type) =>
    h('input', { type: 'checkbox', value: type, checked: type === 'registration.created' }),
  );
  const submit = h('button', { type: 'submit', class: 'button primary' }, t('webhookCreate'));
  const form = h(
    'form',
    { id: 'webhook-form', class: 'webhook-form', novalidate: true },
    labelled('webhook-url', t('webhookUrl'), url, { required: true }),
    h(
      'fieldset',
      { class: 'webhook-events', 'aria-describedby': 'webhook-events-error' },
      h('legend', {}, t('webhookEvents')),
      boxes.map((box) => labelled(`webhook-event-${box.value.replace('.', '-')}`, box.value, box)),
      h('p', { class: 'field-error', id: 'webhook-events-error', hidden: true }),
    ),
    submit,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const events = boxes.filter((box) => box.checked).map((box) => box.value);
    const noUrl = setFieldError('webhook-url', url.value.trim() ? undefined : t('vRequired'));
    const eventsError = document.getElementById('webhook-events-error');
    if (eventsError) {
      eventsError.textContent = events.length ? '' : t('vRequired');
      eventsError.hidden = events.length > 0;
    }
    if (noUrl || !events.length) return (noUrl ? url : boxes[0])?.focus();
    submit.disabled = true;
    try {
      const created = await api.createWebhook({ url: url.value.trim(), events });
      announce(t('webhookCreated'));
      await draw(created.secret);
    } catch (error) {
      // The server's reason is English; the organiser reads theirs.
      if (error instanceof ApiError && error.fields?.url) {
        setFieldError('webhook-url', t('webhookUrlInvalid'));
        url.focus();
      } else announce(errorText(error), 'error');
    } finally {
      submit.disabled = false;
    }
  });

  const card = (webhook: WebhookAdmin) => {
    const log = h('div', { class: 'webhook-log', id: `log-${webhook.id}` });
    const loadLog = async () => {
      try {
        replace(
          log,
          h('h3', {}, t('webhookDeliveries')),
          deliveriesTable((await api.webhookDeliveries(webhook.id)).items),
        );
      } catch (error) {
        replace(log, h('p', { class: 'notice error' }, errorText(error)));
      }
    };
    const test = h('button', { type: 'button', class: 'button small' }, t('webhookTest'));
    test.addEventListener('click', async () => {
      test.disabled = true;
      try {
        const result = await api.testWebhook(webhook.id);
        const code = result.responseCode ?? result.error;
        announce(
          t('webhookTestDone', { status: `${deliveryStatus(result.status)}${code ? ` (${code})` : ''}` }),
        );
        await loadLog();
      } catch (error) {
        announce(errorText(error), 'error');
      } finally {
        test.disabled = false;
      }
    });
    const rotate = h('button', { type: 'button', class: 'button small' }, t('webhookRotate'));
    rotate.addEventListener('click', async () => {
      const ok = await confirmAction({
        title: t('webhookRotateTitle'),
        body: t('webhookRotateBody'),
        confirm: t('webhookRotate'),
      });
      if (!ok) return;
      try {
        const rotated = await api.rotateWebhook(webhook.id);
        announce(t('webhookRotated'));
        await draw(rotated.secret);
      } catch (error) {
        announce(errorText(error), 'error');
      }
    });
    const remove = h('button', { type: 'button', class: 'button small danger' }, t('webhookDelete'));
    remove.addEventListener('click', async () => {
      const ok = await confirmAction({
        title: t('webhookDeleteTitle'),
        body: t('webhookDeleteBody', { url: webhook.url }),
        confirm: t('webhookDelete'),
        danger: true,
      });
      if (!ok) return;
      try {
        await api.deleteWebhook(webhook.id);
        announce(t('webhookDeleted'));
        await draw();
      } catch (error) {
        announce(errorText(error), 'error');
      }
    });
    void loadLog();
    return h(
      'li',
      { class: 'webhook', 'data-id': webhook.id },
      h('h2', { class: 'webhook-url' }, webhook.url),
      h('p', { class: 'muted' }, webhook.events.join(', ')),
      h('div', { class: 'actions' }, test, rotate, remove),
      log,
    );
  };

  return [
    h('h1', { id: 'view-title', tabindex: '-1' }, t('webhooksTitle')),
    h('p', { class: 'lead' }, t('webhooksIntro')),
    secret ? secretPanel(secret) : null,
    form,
    items.length
      ? h('ul', { class: 'webhooks' }, items.map(card))
      : h('p', { class: 'notice' }, t('webhookNone')),
  ];
};
