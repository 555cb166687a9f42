import { ownRegistration } from '../../http/admin-access.js';
import { httpApi, json } from '../../http/handler.js';
import { services } from '../../wiring/services.js';

/** DELETE .../registrations/{registrationId} — GDPR erasure; anonymous counts stay. */
export const handler = httpApi({}, async (request) => {
  const { registration } = await ownRegistration(request);
  const { registrations, clock } = services();

  await registrations.erase(registration, clock());

  return json(200, { id: registration.id, erased: true });
});
