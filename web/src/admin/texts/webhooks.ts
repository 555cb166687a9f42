import { viewTexts } from '../i18n.js';

/**
 * The Webhooks view's own strings, in French and English, over the common ones
 * (admin/i18n.ts): they load with the view, not with the page.
 */

const fr = {
  webhooksIntro:
    'Prévenez un autre outil (CRM, Zapier, Make, n8n…) de chaque inscription : une requête POST signée (Standard Webhooks) à l’adresse choisie, renvoyée pendant 24 heures en cas d’échec.',
  webhookUrl: 'Adresse (https://)',
  webhookUrlInvalid: 'Une adresse https:// publique (ni privée ni locale).',
  webhookEvents: 'Événements à envoyer',
  webhookCreate: 'Ajouter le webhook',
  webhookCreated: 'Webhook ajouté.',
  webhookSecretOnce:
    'Copiez ce secret maintenant : il ne sera plus affiché. Il sert à vérifier les signatures.',
  webhookSecretLabel: 'Secret de signature',
  webhookCopy: 'Copier',
  webhookCopied: 'Secret copié.',
  webhookNone: 'Aucun webhook pour l’instant.',
  webhookTest: 'Envoyer un test',
  webhookTestDone: 'Test envoyé : {status}.',
  webhookRotate: 'Changer le secret',
  webhookRotateTitle: 'Changer le secret ?',
  webhookRotateBody:
    'Un nouveau secret est créé. Pendant 24 heures, les envois sont signés avec l’ancien et le nouveau : mettez à jour votre récepteur pendant ce temps.',
  webhookRotated: 'Nouveau secret créé.',
  webhookDelete: 'Supprimer',
  webhookDeleteTitle: 'Supprimer ce webhook ?',
  webhookDeleteBody: 'Plus rien ne sera envoyé à {url}.',
  webhookDeleted: 'Webhook supprimé.',
  webhookDeliveries: 'Envois récents',
  webhookNoDeliveries: 'Aucun envoi pour l’instant.',
  deliveryWhen: 'Quand',
  deliveryType: 'Événement',
  deliveryStatus: 'État',
  deliveryCode: 'Réponse',
  deliveryAttempts: 'Essais',
  deliveryNext: 'Prochain essai',
};

const en: typeof fr = {
  webhooksIntro:
    'Tell another tool (CRM, Zapier, Make, n8n…) about every registration: a signed POST request (Standard Webhooks) to the address you choose, retried for 24 hours when it fails.',
  webhookUrl: 'Address (https://)',
  webhookUrlInvalid: 'A public https:// address (neither private nor local).',
  webhookEvents: 'Events to send',
  webhookCreate: 'Add the webhook',
  webhookCreated: 'Webhook added.',
  webhookSecretOnce: 'Copy this secret now: it will not be shown again. It verifies the signatures.',
  webhookSecretLabel: 'Signing secret',
  webhookCopy: 'Copy',
  webhookCopied: 'Secret copied.',
  webhookNone: 'No webhooks yet.',
  webhookTest: 'Send a test event',
  webhookTestDone: 'Test sent: {status}.',
  webhookRotate: 'Change the secret',
  webhookRotateTitle: 'Change the secret?',
  webhookRotateBody:
    'A new secret is made. For 24 hours, deliveries are signed with both the old and the new one: update your receiver meanwhile.',
  webhookRotated: 'New secret made.',
  webhookDelete: 'Delete',
  webhookDeleteTitle: 'Delete this webhook?',
  webhookDeleteBody: 'Nothing more will be sent to {url}.',
  webhookDeleted: 'Webhook deleted.',
  webhookDeliveries: 'Recent deliveries',
  webhookNoDeliveries: 'No deliveries yet.',
  deliveryWhen: 'When',
  deliveryType: 'Event',
  deliveryStatus: 'Status',
  deliveryCode: 'Answer',
  deliveryAttempts: 'Attempts',
  deliveryNext: 'Next attempt',
};

export const { t, plural } = viewTexts(fr, en);

/** A string this view can show: its own or a common one. */
export type AdminKey = Parameters<typeof t>[0];
