// In AWS: loads the manage token key (it seals or unseals tokens) before the handler can run.
import '../../wiring/token-key.js';
import { AppError } from '../../platform/errors.js';
import { MANAGE_LINK_RESEND_MINUTES, manageLinkSentRecently } from '../../registrations/model.js';
import { assertStillEmailed } from '../../registrations/personal-data.js';
import { registrationAction } from './actions.js';

/** POST .../registrations/{registrationId}/resend — email the registrant a fresh manage link. */
export const handler = registrationAction((store, registration, now) => {
  assertStillEmailed(registration);
  if (manageLinkSentRecently(registration, now)) {
    throw new AppError(
      'rate_limited',
      `A link was sent less than ${MANAGE_LINK_RESEND_MINUTES} minutes ago; try again later`,
    );
  }
  return store.requestManageLink(registration, now);
});
