import { viewTexts } from '../i18n.js';

/**
 * The API keys view's own strings, in French and English, over the common ones
 * (admin/i18n.ts): they load with the view, not with the page.
 */

const fr = {
  apiKeysTitle: "Clés d'API",
  apiKeysIntro:
    "Une clé d'API permet à un autre outil (CRM, Zapier, Make, n8n…) d'agir pour votre organisation sur l'API d'administration, sans votre mot de passe. Donnez une clé par outil : vous pourrez la révoquer seule.",
  apiKeysOpenApi: "Description de l'API (OpenAPI)",
  apiKeyCreateTitle: 'Nouvelle clé',
  apiKeyLabel: 'Nom',
  apiKeyLabelHint: "L'outil qui s'en servira, par exemple « CRM » ou « Zapier ».",
  apiKeyCreate: 'Créer la clé',
  apiKeyCreatedTitle: 'Clé « {label} » créée',
  apiKeyShownOnce:
    'Copiez-la maintenant et gardez-la en lieu sûr : elle ne sera plus jamais affichée. Perdue, elle se remplace par une nouvelle.',
  apiKeyValue: 'Clé',
  apiKeyCopied: 'Clé copiée.',
  apiKeysListTitle: 'Clés actives',
  apiKeysEmpty: "Aucune clé pour l'instant.",
  apiKeyCreated: 'Créée',
  apiKeyLastUsed: 'Dernière utilisation',
  apiKeyNeverUsed: 'Jamais',
  apiKeyActions: 'Actions',
  apiKeyRevoke: 'Révoquer',
  apiKeyRevokeNamed: 'Révoquer la clé « {label} »',
  apiKeyRevokeTitle: 'Révoquer la clé « {label} » ?',
  apiKeyRevokeBody:
    "Les outils qui s'en servent n'auront plus accès (dans la minute). Cela ne se défait pas.",
  apiKeyRevoked: 'Clé « {label} » révoquée.',
};

const en: typeof fr = {
  apiKeysTitle: 'API keys',
  apiKeysIntro:
    'An API key lets another tool (a CRM, Zapier, Make, n8n…) act for your organisation on the admin API, without your password. Give each tool its own key: you can then revoke it alone.',
  apiKeysOpenApi: 'API description (OpenAPI)',
  apiKeyCreateTitle: 'New key',
  apiKeyLabel: 'Name',
  apiKeyLabelHint: 'The tool that will use it, for example “CRM” or “Zapier”.',
  apiKeyCreate: 'Create the key',
  apiKeyCreatedTitle: 'Key “{label}” created',
  apiKeyShownOnce:
    'Copy it now and keep it somewhere safe: it will never be shown again. If lost, replace it with a new one.',
  apiKeyValue: 'Key',
  apiKeyCopied: 'Key copied.',
  apiKeysListTitle: 'Active keys',
  apiKeysEmpty: 'No keys yet.',
  apiKeyCreated: 'Created',
  apiKeyLastUsed: 'Last used',
  apiKeyNeverUsed: 'Never',
  apiKeyActions: 'Actions',
  apiKeyRevoke: 'Revoke',
  apiKeyRevokeNamed: 'Revoke the key “{label}”',
  apiKeyRevokeTitle: 'Revoke the key “{label}”?',
  apiKeyRevokeBody: 'The tools using it lose access (within a minute). This cannot be undone.',
  apiKeyRevoked: 'Key “{label}” revoked.',
};

export const { t, plural } = viewTexts(fr, en);

/** A string this view can show: its own or a common one. */
export type AdminKey = Parameters<typeof t>[0];
