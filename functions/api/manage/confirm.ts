import { managedRegistration } from '../../http/access.js';
import { httpApi, ok } from '../../http/handler.js';
import { registrationView } from '../../registrations/model.js';
import { services } from '../../wiring/services.js';

/** POST /api/registrations/{registrationId}/confirm?token= — double opt-in: the held seat becomes confirmed. */
export const handler = httpApi({}, async (request) => {
  const { registration, event, token } = await managedRegistration(request);
  const { registrations, baseUrl, clock } = services();

  const confirmed = await registrations.confirm(registration, clock());

  const waitlistPosition = await registrations.waitlistPosition(confirmed);
  return ok(registrationView(confirmed, event, { baseUrl, token, waitlistPosition, withJoinUrl: true }));
});
