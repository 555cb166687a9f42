import { ownEvent } from '../../http/admin-access.js';
import { httpApi } from '../../http/handler.js';
import { adminEventResponse } from './actions.js';

/** GET /api/admin/events/{eventId} — one of the caller's events, any status, with counts. */
export const handler = httpApi({}, async (request) => {
  const { event } = await ownEvent(request);
  return adminEventResponse(event.id);
});
