import { managedRegistration } from '../../http/access.js';
import { httpApi, json } from '../../http/handler.js';
import { services } from '../../wiring/services.js';

/**
 * DELETE /api/registrations/{registrationId}?token= — the registrant erases their own data
 * (GDPR art. 17) from the manage link: the same erasure as the organiser's, so a seat they
 * held goes to the waitlist and only anonymous counts stay. The link stops working after.
 */
export const handler = httpApi({}, async (request) => {
  const { registration } = await managedRegistration(request);
  const { registrations, clock } = services();

  await registrations.erase(registration, clock());

  return json(200, { id: registration.id, erased: true });
});
