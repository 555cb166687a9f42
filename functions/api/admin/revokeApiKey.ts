import { loggedInOrganiserIdsOf } from '../../http/auth.js';
import { httpApi, ok, pathParam } from '../../http/handler.js';
import { notFound } from '../../platform/errors.js';
import { toolServices } from '../../wiring/tool-services.js';

/** DELETE /api/admin/api-keys/{apiKeyId} — the key stops working (in AWS, once the authorizer's short cache lapses). */
export const handler = httpApi({}, async (request) => {
  const id = pathParam(request, 'apiKeyId');
  const { apiKeys } = toolServices();
  for (const organiserId of loggedInOrganiserIdsOf(request)) {
    if (await apiKeys.revoke(organiserId, id)) return ok({ id, revoked: true });
  }
  throw notFound('API key');
});
