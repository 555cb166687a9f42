import { publish } from '../../events/model.js';
import { eventTransition } from './actions.js';

/** POST /api/admin/events/{eventId}/publish — draft to published; publishing twice is harmless. */
export const handler = eventTransition(publish);
