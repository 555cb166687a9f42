import { httpApi } from '../../shared/http.js';
import { ownEvent } from '../access.js';
import { adminEventResponse } from './actions.js';

/** GET /api/admin/events/{eventId} — one of the caller's events, any status, with counts. */
export const handler = httpApi({}, async (request) => {
  const { event } = await ownEvent(request);
  return adminEventResponse(event.id);
});
