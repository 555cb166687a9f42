import { organiserIdsOf, pickedOrganiserIds } from '../../http/auth.js';
import { httpApi, ok } from '../../http/handler.js';
import { publicSubscription } from '../../webhooks/model.js';
import { toolServices } from '../../wiring/tool-services.js';

/** GET /api/admin/webhooks?organiser= — the caller's organisers' (or the picked one's) subscriptions, without their secrets. */
export const handler = httpApi({}, async (request) => {
  const { webhooks } = toolServices();
  const lists = await Promise.all(
    pickedOrganiserIds(request, organiserIdsOf(request)).map((id) => webhooks.list(id)),
  );
  return ok({
    items: lists
      .flat()
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
      .map(publicSubscription),
  });
});
