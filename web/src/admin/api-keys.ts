import { shortDateTime } from '../dates.js';
import { h, replace } from '../dom.js';
import type { AdminApi, ApiKey } from './api.js';
import { t } from './texts/api-keys.js';
import { announce, confirmAction, errorText, labelled, setFieldError } from './ui.js';

/**
 * `#/api-keys`: the organiser's API keys, for integrations (docs/integrations.md). A new key is
 * shown once, to copy; the list says when each was last used; revoking asks first. Keys are
 * made and revoked from a login only (the API refuses a key doing it).
 */
export const apiKeysView = async (api: AdminApi): Promise<Node[]> => {
  const fresh = h('div', { id: 'new-key' });
  const list = h('div', { id: 'api-key-list' });

  const renderList = (keys: ApiKey[]) => {
    if (keys.length === 0) return replace(list, h('p', { class: 'notice' }, t('apiKeysEmpty')));
    replace(
      list,
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { class: 'registrations api-keys', 'aria-label': t('apiKeysListTitle') },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              h('th', { scope: 'col' }, t('apiKeyLabel')),
              h('th', { scope: 'col' }, t('apiKeyCreated')),
              h('th', { scope: 'col' }, t('apiKeyLastUsed')),
              h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, t('apiKeyActions'))),
            ),
          ),
          h('tbody', {}, keys.map(row)),
        ),
      ),
    );
  };

  const refresh = async () => renderList((await api.apiKeys()).apiKeys);

  const row = (key: ApiKey) => {
    const revoke = h('button', { type: 'button', class: 'button small danger' }, t('apiKeyRevoke'));
    revoke.setAttribute('aria-label', t('apiKeyRevokeNamed', { label: key.label }));
    revoke.addEventListener('click', async () => {
      const sure = await confirmAction({
        title: t('apiKeyRevokeTitle', { label: key.label }),
        body: t('apiKeyRevokeBody'),
        confirm: t('apiKeyRevoke'),
        danger: true,
      });
      if (!sure) return;
      try {
        await api.revokeApiKey(key.id);
        announce(t('apiKeyRevoked', { label: key.label }));
        await refresh();
      } catch (error) {
        announce(errorText(error), 'error');
      }
    });
    return h(
      'tr',
      {},
      h('td', { 'data-label': t('apiKeyLabel') }, key.label),
      h('td', { 'data-label': t('apiKeyCreated') }, shortDateTime(key.createdAt)),
      h(
        'td',
        { 'data-label': t('apiKeyLastUsed') },
        key.lastUsedAt ? shortDateTime(key.lastUsedAt) : t('apiKeyNeverUsed'),
      ),
      h('td', {}, revoke),
    );
  };

  const showKey = (label: string, key: string) => {
    const field = h('input', {
      type: 'text',
      readonly: true,
      spellcheck: 'false',
      value: key,
      class: 'api-key-value',
    });
    const copy = h('button', { type: 'button', class: 'button small' }, t('copy'));
    copy.addEventListener('click', async () => {
      try {
        await navigator.clipboard.writeText(key);
        announce(t('apiKeyCopied'));
      } catch {
        field.select();
      }
    });
    replace(
      fresh,
      h(
        'section',
        { class: 'notice new-key', 'aria-labelledby': 'new-key-title' },
        h('h2', { id: 'new-key-title', tabindex: '-1' }, t('apiKeyCreatedTitle', { label })),
        h('p', {}, t('apiKeyShownOnce')),
        labelled('new-key-value', t('apiKeyValue'), field),
        copy,
      ),
    );
    document.getElementById('new-key-title')?.focus();
  };

  const label = h('input', { type: 'text', maxlength: 100, autocomplete: 'off' });
  const create = h('button', { type: 'submit', class: 'button primary' }, t('apiKeyCreate'));
  const form = h(
    'form',
    { id: 'api-key-form', novalidate: true, 'aria-labelledby': 'create-key-title' },
    h('h2', { id: 'create-key-title' }, t('apiKeyCreateTitle')),
    labelled('api-key-label', t('apiKeyLabel'), label, { required: true, hint: t('apiKeyLabelHint') }),
    create,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const name = label.value.trim();
    if (setFieldError('api-key-label', name ? undefined : t('vRequired'))) return label.focus();
    create.disabled = true;
    try {
      const made = await api.createApiKey(name);
      label.value = '';
      showKey(made.label, made.key);
      await refresh();
    } catch (error) {
      setFieldError('api-key-label', errorText(error));
      label.focus();
    } finally {
      create.disabled = false;
    }
  });

  await refresh();
  return [
    h('h1', { id: 'view-title', tabindex: '-1' }, t('apiKeysTitle')),
    h(
      'p',
      { class: 'lead' },
      t('apiKeysIntro'),
      ' ',
      h('a', { href: '/api/openapi.json' }, t('apiKeysOpenApi')),
    ),
    fresh,
    form,
    h('h2', {}, t('apiKeysListTitle')),
    list,
  ];
};
