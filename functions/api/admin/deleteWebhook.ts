import { ownWebhook } from '../../http/admin-access.js';
import { httpApi } from '../../http/handler.js';
import { toolServices } from '../../wiring/tool-services.js';

/** DELETE /api/admin/webhooks/{webhookId} — no more deliveries (queued ones are dropped). */
export const handler = httpApi({}, async (request) => {
  const webhook = await ownWebhook(request);
  await toolServices().webhooks.delete(webhook.organiserId, webhook.id);
  return { statusCode: 204, headers: { 'cache-control': 'no-store' } };
});
