import { adminView } from '../../events/model.js';
import { organiserIdsOf, pickedOrganiserIds } from '../../http/auth.js';
import { httpApi, ok } from '../../http/handler.js';
import { eventServices } from '../../wiring/event-services.js';

/** GET /api/admin/events?organiser= — every event of the caller's organisers (or of the one picked), soonest first. */
export const handler = httpApi({}, async (request) => {
  const organiserIds = pickedOrganiserIds(request, organiserIdsOf(request));
  const { events, baseUrl, clock } = eventServices();
  const now = clock();

  const lists = await Promise.all(organiserIds.map((id) => events.listByOrganiser(id)));
  const all = lists.flat().sort((a, b) => a.event.startsAt.localeCompare(b.event.startsAt));

  return ok({ events: all.map(({ event, seats }) => adminView(event, seats, baseUrl, now)) });
});
