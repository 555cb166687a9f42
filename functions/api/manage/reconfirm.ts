// In AWS: loads the manage token key (the check-in code is tagged with a key derived from it).
import '../../wiring/token-key.js';
import { managedRegistration } from '../../http/access.js';
import { httpApi, ok } from '../../http/handler.js';
import { personalJoinUrl, registrationView } from '../../registrations/model.js';
import { services } from '../../wiring/services.js';

/** POST /api/registrations/{registrationId}/reconfirm?token= — "I'm coming": a confirmed seat kept; twice is harmless. */
export const handler = httpApi({}, async (request) => {
  const { registration, event, token } = await managedRegistration(request);
  const { registrations, baseUrl, clock, attendanceCodes } = services();

  const reconfirmed = await registrations.reconfirm(registration, event, clock());

  const joinLink = personalJoinUrl(baseUrl, attendanceCodes, reconfirmed.id);
  return ok(
    registrationView(reconfirmed, event, {
      baseUrl,
      token,
      joinLink,
      checkInCode: attendanceCodes.for(reconfirmed.id),
      now: clock(),
    }),
  );
});
