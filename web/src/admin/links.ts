import { h, replace } from '../dom.js';
import { problemsOfServerFields } from '../field-problems.js';
import { locale } from '../i18n-core.js';
import type { AdminApi, TrackingLink } from './api.js';
import { messageOf } from './problems.js';
import { t } from './texts/links.js';
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
              h(
                'span',
                { class: 'who' },
                [link.utm_source, link.utm_medium, link.utm_campaign].filter(Boolean).join(' · '),
              ),
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

  const text = (name: string) => h('input', { type: 'text', name, maxlength: 100, autocomplete: 'off' });
  const label = text('label');
  const channel = text('utm_source');
  channel.setAttribute('list', 'link-channels');
  const medium = text('utm_medium');
  const campaign = text('utm_campaign');
  // Most links need only a name and a channel: the other two parameters wait behind a disclosure.
  const more = h(
    'details',
    { class: 'link-more' },
    h('summary', {}, t('linkMore')),
    labelled('link-medium', t('linkMedium'), medium, { hint: t('linkMediumHint') }),
    labelled('link-campaign', t('linkCampaign'), campaign, { hint: t('linkCampaignHint') }),
  );
  /** The form's controls by the API's names for them. */
  const controls: Record<string, HTMLInputElement> = {
    label,
    utm_source: channel,
    utm_medium: medium,
    utm_campaign: campaign,
  };
  /** Each message beside its field (the others cleared), the focus on the first; whether there was one. */
  const showProblems = (messages: Record<string, string | undefined>): boolean => {
    let first: HTMLInputElement | undefined;
    for (const [name, control] of Object.entries(controls)) {
      if (setFieldError(control.id, messages[name])) first ??= control;
    }
    if (first && more.contains(first)) more.open = true;
    first?.focus();
    return Boolean(first);
  };
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
    more,
    h('button', { type: 'submit', class: 'button primary' }, t('linkCreate')),
  );
  form.addEventListener('submit', async (submitEvent) => {
    submitEvent.preventDefault();
    const missing = {
      label: label.value.trim() ? undefined : t('vRequired'),
      utm_source: channel.value.trim() ? undefined : t('vRequired'),
    };
    if (showProblems(missing)) return;
    try {
      await api.createLink(eventId, {
        label: label.value.trim(),
        utm_source: channel.value.trim(),
        // Left empty: not sent, and the landing address goes without the parameter.
        ...(medium.value.trim() ? { utm_medium: medium.value.trim() } : {}),
        ...(campaign.value.trim() ? { utm_campaign: campaign.value.trim() } : {}),
      });
      announce(t('linkCreated'));
      form.reset();
      await load();
    } catch (error) {
      // An ApiError, read by shape: importing its module here would split the pages' shared chunk.
      const problems = problemsOfServerFields((error as { fields?: Record<string, string> }).fields ?? {});
      showProblems(
        Object.fromEntries(Object.entries(problems).map(([name, problem]) => [name, messageOf(problem)])),
      );
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
