import { ownEvent } from '../../http/admin-access.js';
import { httpApi, ok } from '../../http/handler.js';
import { countsByLink, linkView } from '../../sources/model.js';
import { services } from '../../wiring/services.js';

/** GET /api/admin/events/{eventId}/links — the event's tracking links, each with its conversion counts. */
export const handler = httpApi({}, async (request) => {
  const { event } = await ownEvent(request);
  const { trackingLinks, registrations, baseUrl } = services();
  const [links, all] = await Promise.all([trackingLinks.list(event.id), registrations.all(event.id)]);
  const counts = countsByLink(all);
  return ok({ links: links.map((link) => linkView(baseUrl, link, counts.get(link.code))) });
});
