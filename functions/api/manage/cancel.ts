import { managedRegistration } from '../../http/access.js';
import { httpApi, ok } from '../../http/handler.js';
import { registrationView } from '../../registrations/model.js';
import { services } from '../../wiring/services.js';

/** POST /api/registrations/{registrationId}/cancel?token= — frees the seat for the next in line; twice is harmless. */
export const handler = httpApi({}, async (request) => {
  const { registration, event, token } = await managedRegistration(request);
  const { registrations, baseUrl, clock } = services();

  const cancelled = await registrations.cancel(registration, 'attendee', clock());

  return ok(registrationView(cancelled, event, { baseUrl, token, now: clock() }));
});
