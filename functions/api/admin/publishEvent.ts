import { publishByOrganiser } from '../../events/model.js';
import { eventTransition } from './actions.js';

/**
 * POST /api/admin/events/{eventId}/publish — draft to published; publishing twice is harmless.
 * 409 join_url_required (online or hybrid without a join link), 409 event_in_past (already over).
 */
export const handler = eventTransition(publishByOrganiser);
