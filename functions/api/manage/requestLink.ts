// In AWS: loads the manage token key (it seals or unseals tokens) before the handler can run.
import '../../wiring/token-key.js';
import { httpApi, ok, pathParam } from '../../http/handler.js';
import { notFound } from '../../platform/errors.js';
import { MANAGE_LINK_RESEND_MINUTES } from '../../registrations/model.js';
import { assertStillEmailed } from '../../registrations/personal-data.js';
import { services } from '../../wiring/services.js';

/**
 * POST /api/registrations/{registrationId}/manage-link — no token: emails the registrant a
 * manage link, to their own address only, at most once per MANAGE_LINK_RESEND_MINUTES. What a
 * calendar entry's link leads to (it carries the registration's id, never its secret).
 */
export const handler = httpApi({}, async (request) => {
  const { registrations, clock } = services();
  const registration = await registrations.getById(pathParam(request, 'registrationId'));
  if (!registration) throw notFound('Registration');
  assertStillEmailed(registration);

  // Asked again within the interval: the same answer, and no second email.
  await registrations.requestManageLink(registration, clock());
  return ok({ status: 'sent', everyMinutes: MANAGE_LINK_RESEND_MINUTES });
});
