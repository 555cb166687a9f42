// In AWS: loads the manage token key (webhook secrets are sealed with a key derived from it).
import '../../wiring/token-key.js';
import { ownWebhook } from '../../http/admin-access.js';
import { httpApi, ok } from '../../http/handler.js';
import { notFound } from '../../platform/errors.js';
import { sealSecret } from '../../webhooks/deliver.js';
import { newWebhookSecret, ROTATION_GRACE_MS } from '../../webhooks/model.js';
import { toolServices } from '../../wiring/tool-services.js';

/**
 * POST /api/admin/webhooks/{webhookId}/rotate — a new secret, in this answer only. For a day
 * deliveries carry both signatures, so the receiver can switch without missing one.
 */
export const handler = httpApi({}, async (request) => {
  const webhook = await ownWebhook(request);
  const { webhooks, webhookSecretKey, clock } = toolServices();
  const secret = newWebhookSecret();
  const previousUntil = new Date(clock().getTime() + ROTATION_GRACE_MS).toISOString();
  const rotated = await webhooks.rotate(webhook.organiserId, webhook.id, {
    secretSealed: sealSecret(secret, webhookSecretKey()),
    previousSecretSealed: webhook.secretSealed,
    previousUntil,
  });
  if (!rotated) throw notFound('Webhook');
  return ok({ id: webhook.id, secret, previousSecretUntil: previousUntil });
});
