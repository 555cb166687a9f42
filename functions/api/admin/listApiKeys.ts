import { loggedInOrganiserIdsOf, pickedOrganiserIds } from '../../http/auth.js';
import { httpApi, ok } from '../../http/handler.js';
import { services } from '../../wiring/services.js';

/** GET /api/admin/api-keys?organiser= — the caller's organisers' (or the picked one's) keys, newest first; never the keys themselves. */
export const handler = httpApi({}, async (request) => {
  const { apiKeys } = services();
  const lists = await Promise.all(
    pickedOrganiserIds(request, loggedInOrganiserIdsOf(request)).map((id) => apiKeys.list(id)),
  );
  return ok({ apiKeys: lists.flat().sort((a, b) => b.createdAt.localeCompare(a.createdAt)) });
});
