import { organiserIdsOf } from '../../http/auth.js';
import { httpApi, ok } from '../../http/handler.js';
import { publicSubscription } from '../../webhooks/model.js';
import { services } from '../../wiring/services.js';

/** GET /api/admin/webhooks — the caller's organisers' subscriptions, without their secrets. */
export const handler = httpApi({}, async (request) => {
  const { webhooks } = services();
  const lists = await Promise.all(organiserIdsOf(request).map((id) => webhooks.list(id)));
  return ok({
    items: lists
      .flat()
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
      .map(publicSubscription),
  });
});
