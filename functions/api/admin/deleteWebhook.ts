import { ownWebhook } from '../../http/admin-access.js';
import { httpApi } from '../../http/handler.js';
import { services } from '../../wiring/services.js';

/** DELETE /api/admin/webhooks/{webhookId} — no more deliveries (queued ones are dropped). */
export const handler = httpApi({}, async (request) => {
  const webhook = await ownWebhook(request);
  await services().webhooks.delete(webhook.organiserId, webhook.id);
  return { statusCode: 204, headers: { 'cache-control': 'no-store' } };
});
