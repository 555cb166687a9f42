import { publicView } from '../../events/model.js';
import { httpApi, ok } from '../../shared/http.js';
import { services } from '../../shared/services.js';
import { publicEvent } from '../access.js';

/** GET /api/events/{eventId} — one published (or cancelled) event. */
export const handler = httpApi({}, async (request) => {
  const { event, gate } = await publicEvent(request);
  const { baseUrl, clock } = services();
  return ok(publicView(event, gate, baseUrl, clock()));
});
