import { registrationAction } from './actions.js';

/** POST .../registrations/{registrationId}/cancel — the organiser cancels; the seat goes to the waitlist. */
export const handler = registrationAction((store, registration, now) =>
  store.cancel(registration, 'organiser', now),
);
