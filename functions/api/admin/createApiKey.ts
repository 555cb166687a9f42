import { apiKeyCreateInput, newApiKey } from '../../apikeys/model.js';
import { loggedInOrganiserIdsOf } from '../../http/auth.js';
import { created, httpApi, parseInput } from '../../http/handler.js';
import { newId } from '../../platform/tokens.js';
import { services } from '../../wiring/services.js';

/** POST /api/admin/api-keys — a key for the caller's organiser, shown this once and never again. */
export const handler = httpApi({ jsonBody: true }, async (request) => {
  const { label } = parseInput(apiKeyCreateInput, request.body);
  // A key acts for one organiser: the first of the caller's (one per login in practice).
  const [organiserId = ''] = loggedInOrganiserIdsOf(request);
  const { apiKeys, clock } = services();
  const key = newApiKey();
  const record = { id: newId('key'), organiserId, label, createdAt: clock().toISOString() };
  await apiKeys.create(record, key);
  return created({ ...record, key });
});
