import { registrationView } from '../../registrations/model.js';
import { httpApi, ok } from '../../shared/http.js';
import { withRetryAfter } from '../../shared/rate-limit.js';
import { services } from '../../shared/services.js';
import { managedRegistration } from '../access.js';

/** GET /api/registrations/{registrationId}?token= — the registrant's own view, join URL included once confirmed. */
export const handler = httpApi(
  {},
  withRetryAfter(async (request) => {
    const { registration, event, token } = await managedRegistration(request);
    const { registrations, baseUrl } = services();

    const waitlistPosition = await registrations.waitlistPosition(registration);

    return ok(registrationView(registration, event, { baseUrl, token, waitlistPosition, withJoinUrl: true }));
  }),
);
