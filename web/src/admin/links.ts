import { h, replace } from '../dom.js';
import { locale } from '../i18n-core.js';
import type { AdminApi, TrackingLink } from './api.js';
import { t } from './i18n.js';
import { announce, errorText, labelled, setFieldError } from './ui.js';

/**
 * The event's tracking links (functions/sources/): one per channel, made here, copied into a
 * post or a newsletter; then how each converts (visits, registrations, confirmed, came) as a
 * table, and as a bar chart (chart.ts, loaded on demand).
 */

/** Usual channels, offered as suggestions; any other name goes too. */
const CHANNELS = ['linkedin', 'newsletter', 'twitter', 'facebook', 'blog', 'email'];

const copyButton = (link: TrackingLink) => {
  const button = h('button', { type: 'button', class: 'button small' }, t('copy'));
  button.setAttribute('aria-label', `${t('copy')} ${link.label}`);
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(link.url);
      announce(t('linkCopied'));
    } catch {
      // No clipboard (an insecure origin): the address stays selectable in the table.
    }
  });
  return button;
};

const number = (n: number) => n.toLocaleString(locale());

const linksTable = (links: TrackingLink[]) =>
  h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'chart-data links-table', id: 'links-table' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, t('colLink')),
          h('th', { scope: 'col' }, t('colVisits')),
          h('th', { scope: 'col' }, t('colRegistrations')),
          h('th', { scope: 'col' }, t('colLinkConfirmed')),
          h('th', { scope: 'col' }, t('colCame')),
        ),
      ),
      h(
        'tbody',
        {},
        links.map((link) =>
          h(
            'tr',
            { 'data-code': link.code },
            h(
              'th',
              { scope: 'row' },
              h('span', { class: 'link-label' }, link.label),
              h('span', { class: 'who' }, link.utm_source),
              h('span', { class: 'link-url' }, h('code', {}, link.url), ' ', copyButton(link)),
            ),
            h('td', {}, number(link.visits)),
            h('td', {}, number(link.registrations)),
            h('td', {}, number(link.confirmed)),
            h('td', {}, number(link.attended)),
          ),
        ),
      ),
    ),
  );

export const linksSection = (api: AdminApi, eventId: string) => {
  const body = h('div', { class: 'links-body' }, h('p', { class: 'muted' }, t('loading')));
  let destroyChart: (() => void) | undefined;

  const show = (links: TrackingLink[]) => {
    destroyChart?.();
    destroyChart = undefined;
    if (links.length === 0) {
      replace(body, h('p', { class: 'muted' }, t('linksEmpty')));
      return;
    }
    const canvas = h('div', { class: 'chart', role: 'img', 'aria-label': t('linksChart') });
    replace(body, linksTable(links), canvas);
    import('./chart.js').then(
      ({ drawLinkBars }) => {
        destroyChart = drawLinkBars(canvas, links, {
          link: t('colLink'),
          registered: t('colRegistrations'),
          came: t('colCame'),
        });
      },
      () => replace(canvas, h('p', { class: 'muted' }, t('chartUnavailable'))),
    );
  };
  const load = () =>
    api.links(eventId).then(
      ({ links }) => show(links),
      (error) => replace(body, h('p', { class: 'field-error' }, errorText(error))),
    );

  const label = h('input', { type: 'text', name: 'label', maxlength: 100, autocomplete: 'off' });
  const channel = h('input', {
    type: 'text',
    name: 'utm_source',
    maxlength: 100,
    list: 'link-channels',
    autocomplete: 'off',
  });
  const form = h(
    'form',
    { id: 'link-form', class: 'link-form', novalidate: true },
    labelled('link-label', t('linkLabel'), label, { required: true, hint: t('linkLabelHint') }),
    labelled('link-channel', t('linkChannel'), channel, { required: true, hint: t('linkChannelHint') }),
    h(
      'datalist',
      { id: 'link-channels' },
      CHANNELS.map((name) => h('option', { value: name })),
    ),
    h('button', { type: 'submit', class: 'button primary' }, t('linkCreate')),
  );
  form.addEventListener('submit', async (submitEvent) => {
    submitEvent.preventDefault();
    const missing = [
      setFieldError('link-label', label.value.trim() ? undefined : t('vRequired')),
      setFieldError('link-channel', channel.value.trim() ? undefined : t('vRequired')),
    ];
    if (missing.some(Boolean)) {
      (missing[0] ? label : channel).focus();
      return;
    }
    try {
      await api.createLink(eventId, { label: label.value.trim(), utm_source: channel.value.trim() });
      announce(t('linkCreated'));
      form.reset();
      await load();
    } catch (error) {
      // An ApiError, read by shape: importing its module here would split the pages' shared chunk.
      const fields = (error as { fields?: Record<string, string> }).fields ?? {};
      setFieldError('link-label', fields.label ? t('errValidation') : undefined);
      setFieldError('link-channel', fields.utm_source ? t('errValidation') : undefined);
      announce(errorText(error), 'error');
    }
  });

  void load();
  return {
    element: h(
      'section',
      { class: 'links', id: 'links', 'aria-labelledby': 'links-title' },
      h('h2', { id: 'links-title' }, t('linksTitle')),
      h('p', { class: 'hint' }, t('linksHelp')),
      form,
      body,
    ),
    stop: () => destroyChart?.(),
  };
};
