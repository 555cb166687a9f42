import { ownWebhook } from '../../http/admin-access.js';
import { httpApi, ok } from '../../http/handler.js';
import { toolServices } from '../../wiring/tool-services.js';

/** GET /api/admin/webhooks/{webhookId}/deliveries — the newest deliveries: status, code, attempts. */
export const handler = httpApi({}, async (request) => {
  const webhook = await ownWebhook(request);
  const lines = await toolServices().webhooks.deliveries(webhook.id);
  return ok({
    items: lines.map(
      ({
        messageId,
        type,
        occurredAt,
        status,
        attempts,
        responseCode,
        error,
        lastAttemptAt,
        nextAttemptAt,
      }) => ({
        id: messageId,
        type,
        occurredAt,
        status,
        attempts,
        ...(responseCode !== undefined ? { responseCode } : {}),
        ...(error ? { error } : {}),
        ...(lastAttemptAt ? { lastAttemptAt } : {}),
        ...(nextAttemptAt && status === 'pending' ? { nextAttemptAt } : {}),
      }),
    ),
  });
});
