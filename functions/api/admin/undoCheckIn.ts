import { registrationAction } from './actions.js';

/** DELETE .../registrations/{registrationId}/check-in — undo a check-in tapped by mistake. */
export const handler = registrationAction((store, registration, now) => store.undoCheckIn(registration, now));
