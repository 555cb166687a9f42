import { loggedInOrganiserIdsOf, pickedOrganiserIds } from '../../http/auth.js';
import { httpApi, ok } from '../../http/handler.js';
import { toolServices } from '../../wiring/tool-services.js';

/** GET /api/admin/api-keys?organiser= — the caller's organisers' (or the picked one's) keys, newest first; never the keys themselves. */
export const handler = httpApi({}, async (request) => {
  const { apiKeys } = toolServices();
  const lists = await Promise.all(
    pickedOrganiserIds(request, loggedInOrganiserIdsOf(request)).map((id) => apiKeys.list(id)),
  );
  return ok({ apiKeys: lists.flat().sort((a, b) => b.createdAt.localeCompare(a.createdAt)) });
});
