import { registrationAction } from './actions.js';

/** POST .../registrations/{registrationId}/check-in — at the door; twice is harmless. */
export const handler = registrationAction((store, registration, now) => store.checkIn(registration, now));
