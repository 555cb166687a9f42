// In AWS: loads the manage token key (the check-in code is tagged with a key derived from it).
import '../../wiring/token-key.js';
import { managedRegistration } from '../../http/access.js';
import { httpApi, ok } from '../../http/handler.js';
import { AppError } from '../../platform/errors.js';
import { personalJoinUrl, registrationView } from '../../registrations/model.js';
import { services } from '../../wiring/services.js';

/** POST /api/registrations/{registrationId}/confirm?token= — double opt-in: the held seat becomes confirmed. */
export const handler = httpApi({}, async (request) => {
  const { registration, event, token, fromEmail } = await managedRegistration(request);
  if (!fromEmail) {
    // The token from the registration's answer: whoever sent the form, not proof of the mailbox.
    throw new AppError('forbidden', 'Please confirm with the link in the email we sent you');
  }
  const { registrations, baseUrl, clock, attendanceCodes } = services();

  const confirmed = await registrations.confirm(registration, clock());

  const waitlistPosition = await registrations.waitlistPosition(confirmed);
  const joinLink = personalJoinUrl(baseUrl, attendanceCodes, confirmed.id);
  return ok(
    registrationView(confirmed, event, {
      baseUrl,
      token,
      waitlistPosition,
      joinLink,
      checkInCode: attendanceCodes.for(confirmed.id),
      now: clock(),
    }),
  );
});
