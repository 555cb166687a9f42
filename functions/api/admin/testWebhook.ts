// In AWS: loads the manage token key (webhook secrets are sealed with a key derived from it).
import '../../wiring/token-key.js';
import { randomBytes } from 'node:crypto';
import { ownWebhook } from '../../http/admin-access.js';
import { httpApi, ok } from '../../http/handler.js';
import { systemResolver } from '../../webhooks/address.js';
import { attemptDelivery, postOnce } from '../../webhooks/deliver.js';
import { TEST_EVENT_TYPE } from '../../webhooks/model.js';
import { services } from '../../wiring/services.js';

/**
 * POST /api/admin/webhooks/{webhookId}/test — a `webhook.test` delivery, sent now, once (no
 * retries: the organiser is watching), logged like the others; the answer says how it went.
 */
export const handler = httpApi({}, async (request) => {
  const webhook = await ownWebhook(request);
  const { webhooks, webhookPolicy, webhookSecretKey, events, registrations, baseUrl, clock } = services();
  const now = clock();
  const job = {
    organiserId: webhook.organiserId,
    webhookId: webhook.id,
    messageId: `msg_${randomBytes(20).toString('base64url')}`,
    type: TEST_EVENT_TYPE,
    occurredAt: now.toISOString(),
  } as const;
  await webhooks.logDelivery({ ...job, status: 'pending', attempts: 0 }, now);
  await attemptDelivery(
    job,
    1,
    {
      store: webhooks,
      events,
      registrations,
      secretKey: webhookSecretKey,
      post: (url, headers, body) =>
        postOnce(url, headers, body, { policy: webhookPolicy, resolver: systemResolver }),
      baseUrl,
      clock,
    },
    { retry: false },
  );
  const line = await webhooks.delivery(webhook.id, job.occurredAt, job.messageId);
  return ok({
    id: job.messageId,
    status: line?.status ?? 'failed',
    ...(line?.responseCode !== undefined ? { responseCode: line.responseCode } : {}),
    ...(line?.error ? { error: line.error } : {}),
  });
});
