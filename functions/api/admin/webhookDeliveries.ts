import { ownWebhook } from '../../http/admin-access.js';
import { httpApi, ok } from '../../http/handler.js';
import { services } from '../../wiring/services.js';

/** GET /api/admin/webhooks/{webhookId}/deliveries — the newest deliveries: status, code, attempts. */
export const handler = httpApi({}, async (request) => {
  const webhook = await ownWebhook(request);
  const lines = await services().webhooks.deliveries(webhook.id);
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
