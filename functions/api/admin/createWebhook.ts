// In AWS: loads the manage token key (webhook secrets are sealed with a key derived from it).
import '../../wiring/token-key.js';
import { organiserIdsOf } from '../../http/auth.js';
import { created, httpApi, parseInput } from '../../http/handler.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/tokens.js';
import { urlProblem } from '../../webhooks/address.js';
import { sealSecret } from '../../webhooks/deliver.js';
import { newWebhookSecret } from '../../webhooks/model.js';
import { webhookCreateInput } from '../../webhooks/schemas.js';
import { MAX_SUBSCRIPTIONS } from '../../webhooks/store.js';
import { toolServices } from '../../wiring/tool-services.js';

/** POST /api/admin/webhooks — a subscription; its secret is in this answer only (stored sealed). */
export const handler = httpApi({ jsonBody: true }, async (request) => {
  const input = parseInput(webhookCreateInput, request.body);
  const organiserIds = organiserIdsOf(request);
  const organiserId = input.organiserId ?? (organiserIds.length === 1 ? organiserIds[0] : undefined);
  if (!organiserId || !organiserIds.includes(organiserId)) {
    throw new AppError('validation_failed', 'Say which of your organisers this webhook belongs to', {
      organiserId: organiserId
        ? 'Not one of your organisers'
        : 'Required when you act for several organisers',
    });
  }
  const { webhooks, webhookPolicy, webhookSecretKey, clock } = toolServices();
  const problem = urlProblem(input.url, webhookPolicy);
  if (problem)
    throw new AppError('validation_failed', 'The request does not match the expected fields', {
      url: problem,
    });
  if ((await webhooks.list(organiserId)).length >= MAX_SUBSCRIPTIONS) {
    throw new AppError('validation_failed', `At most ${MAX_SUBSCRIPTIONS} webhooks`, {
      url: `At most ${MAX_SUBSCRIPTIONS} webhooks: delete one first`,
    });
  }
  const secret = newWebhookSecret();
  const id = newId('wh');
  await webhooks.create({
    id,
    organiserId,
    url: input.url,
    events: input.events,
    secretSealed: sealSecret(secret, webhookSecretKey()),
    createdAt: clock().toISOString(),
  });
  return created({ id, secret });
});
