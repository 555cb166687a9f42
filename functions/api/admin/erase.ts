import { httpApi, json } from '../../shared/http.js';
import { services } from '../../shared/services.js';
import { ownRegistration } from '../access.js';

/** DELETE .../registrations/{registrationId} — GDPR erasure; anonymous counts stay. */
export const handler = httpApi({}, async (request) => {
  const { registration } = await ownRegistration(request);
  const { registrations, clock } = services();

  await registrations.erase(registration, clock());

  return json(200, { id: registration.id, erased: true });
});
