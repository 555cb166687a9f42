// In AWS: loads the manage token key (the check-in code is tagged with a key derived from it).
import '../../wiring/token-key.js';
import { managedRegistration } from '../../http/access.js';
import { httpApi, ok } from '../../http/handler.js';
import { personalJoinUrl, registrationView } from '../../registrations/model.js';
import { services } from '../../wiring/services.js';

/** GET /api/registrations/{registrationId}?token= — the registrant's own view, personal join link included once confirmed. */
export const handler = httpApi({}, async (request) => {
  const { registration, event, token } = await managedRegistration(request);
  const { registrations, baseUrl, clock, attendanceCodes } = services();

  const waitlistPosition = await registrations.waitlistPosition(registration);

  return ok(
    registrationView(registration, event, {
      baseUrl,
      token,
      waitlistPosition,
      joinLink: personalJoinUrl(baseUrl, attendanceCodes, registration.id),
      checkInCode: attendanceCodes.for(registration.id),
      now: clock(),
    }),
  );
});
