// In AWS: loads the manage token key (attendance codes are tagged with a key derived from it).
import '../../wiring/token-key.js';
import { ownEvent } from '../../http/admin-access.js';
import { httpApi, ok, parseInput } from '../../http/handler.js';
import { notFound } from '../../platform/errors.js';
import { adminRegistrationView } from '../../registrations/model.js';
import { checkInCodeInput } from '../../registrations/schemas.js';
import { services } from '../../wiring/services.js';

/**
 * POST /api/admin/events/{eventId}/check-in-by-code `{"code"}` — the door scanner. A forged
 * code, another event's registration and another organiser's are one and the same 404.
 */
export const handler = httpApi({ jsonBody: true }, async (request) => {
  const { event } = await ownEvent(request);
  const { code } = parseInput(checkInCodeInput, request.body);
  const { registrations, attendanceCodes, clock } = services();

  const registrationId = attendanceCodes.registrationOf(code);
  const registration = registrationId ? await registrations.getById(registrationId) : undefined;
  if (!registration || registration.eventId !== event.id) throw notFound('Registration');
  const updated = await registrations.checkInByCode(registration, clock());

  return ok(adminRegistrationView(updated));
});
