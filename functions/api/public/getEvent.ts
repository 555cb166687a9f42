import { publicView } from '../../events/model.js';
import { publicEvent } from '../../http/access.js';
import { httpApi, ok } from '../../http/handler.js';
import { eventServices } from '../../wiring/event-services.js';

/** GET /api/events/{eventId} — one published (or cancelled) event. */
export const handler = httpApi({}, async (request) => {
  const { event, seats } = await publicEvent(request);
  const { baseUrl, clock } = eventServices();
  return ok(publicView(event, seats, baseUrl, clock()));
});
