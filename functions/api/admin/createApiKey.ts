import { apiKeyCreateInput, newApiKey } from '../../apikeys/model.js';
import { loggedInOrganiserIdsOf } from '../../http/auth.js';
import { created, httpApi, parseInput } from '../../http/handler.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/tokens.js';
import { toolServices } from '../../wiring/tool-services.js';

/** POST /api/admin/api-keys — a key for one of the caller's organisers, shown this once and never again. */
export const handler = httpApi({ jsonBody: true }, async (request) => {
  const input = parseInput(apiKeyCreateInput, request.body);
  const organiserIds = loggedInOrganiserIdsOf(request);
  // As for events: the one organiser of the caller, or the one named among theirs.
  const organiserId = input.organiserId ?? (organiserIds.length === 1 ? organiserIds[0] : undefined);
  if (!organiserId || !organiserIds.includes(organiserId)) {
    throw new AppError('validation_failed', 'Say which of your organisers this key acts for', {
      organiserId: organiserId
        ? 'Not one of your organisers'
        : 'Required when you act for several organisers',
    });
  }
  const { apiKeys, clock } = toolServices();
  const key = newApiKey();
  const record = { id: newId('key'), organiserId, label: input.label, createdAt: clock().toISOString() };
  await apiKeys.create(record, key);
  return created({ ...record, key });
});
