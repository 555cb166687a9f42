import { registrationAction } from './actions.js';

/** POST .../registrations/{registrationId}/promote — seat someone from the waitlist out of turn. */
export const handler = registrationAction((store, registration, now) =>
  store.promoteManually(registration, now),
);
