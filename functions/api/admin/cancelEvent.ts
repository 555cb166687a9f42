import { cancel } from '../../events/model.js';
import { eventTransition } from './actions.js';

/** POST /api/admin/events/{eventId}/cancel — registrations stay; registrants are told by email. */
export const handler = eventTransition(cancel);
