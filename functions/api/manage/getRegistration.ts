import { managedRegistration } from '../../http/access.js';
import { httpApi, ok } from '../../http/handler.js';
import { registrationView } from '../../registrations/model.js';
import { services } from '../../wiring/services.js';

/** GET /api/registrations/{registrationId}?token= — the registrant's own view, join URL included once confirmed. */
export const handler = httpApi({}, async (request) => {
  const { registration, event, token } = await managedRegistration(request);
  const { registrations, baseUrl, clock } = services();

  const waitlistPosition = await registrations.waitlistPosition(registration);

  return ok(
    registrationView(registration, event, {
      baseUrl,
      token,
      waitlistPosition,
      withJoinUrl: true,
      now: clock(),
    }),
  );
});
