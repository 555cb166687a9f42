import { publicView } from '../../events/model.js';
import { publicEvent } from '../../http/access.js';
import { httpApi, ok } from '../../http/handler.js';
import { services } from '../../wiring/services.js';

/** GET /api/events/{eventId} — one published (or cancelled) event. */
export const handler = httpApi({}, async (request) => {
  const { event, seats } = await publicEvent(request);
  const { baseUrl, clock } = services();
  return ok(publicView(event, seats, baseUrl, clock()));
});
