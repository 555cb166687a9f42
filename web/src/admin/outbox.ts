import { ApiError } from '../api.js';
import { shortDateTime } from '../dates.js';
import { h } from '../dom.js';
import type { AdminApi } from './api.js';
import { plural, t } from './i18n.js';
import { errorText } from './ui.js';

/**
 * Local runtime only: the emails the system "sent" (written as .eml files instead of going
 * through SES), newest first, each downloadable byte for byte.
 */
export const outboxView = async (api: AdminApi) => {
  const heading = h('h1', { id: 'view-title', tabindex: '-1' }, t('outboxTitle'));
  try {
    const { emails } = await api.outbox();
    return [
      heading,
      h('p', { class: 'lead' }, t('outboxIntro')),
      h('p', { class: 'reg-summary' }, plural('outboxCount', emails.length)),
      emails.length
        ? h(
            'div',
            { class: 'table-wrap' },
            h(
              'table',
              { class: 'registrations outbox', 'aria-labelledby': 'view-title' },
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  h('th', { scope: 'col' }, t('outboxSent')),
                  h('th', { scope: 'col' }, t('outboxTo')),
                  h('th', { scope: 'col' }, t('outboxSubject')),
                  h('th', { scope: 'col' }, t('outboxRaw')),
                ),
              ),
              h(
                'tbody',
                {},
                emails.map((email) =>
                  h(
                    'tr',
                    {},
                    h('td', { 'data-label': t('outboxSent') }, shortDateTime(email.sentAt)),
                    h('td', { 'data-label': t('outboxTo') }, email.to),
                    h('td', { 'data-label': t('outboxSubject') }, email.subject),
                    h(
                      'td',
                      { 'data-label': t('outboxRaw') },
                      h(
                        'a',
                        {
                          href: `/local/outbox/${encodeURIComponent(email.id)}.eml`,
                          download: `${email.id}.eml`,
                        },
                        t('outboxDownload'),
                      ),
                    ),
                  ),
                ),
              ),
            ),
          )
        : h('p', { class: 'notice' }, t('outboxEmpty')),
    ];
  } catch (error) {
    const missing = error instanceof ApiError && (error.status === 404 || error.status === 405);
    return [heading, h('p', { class: 'notice' }, missing ? t('outboxMissing') : errorText(error))];
  }
};
