import { adminView } from '../../events/model.js';
import { organiserIdsOf } from '../../http/auth.js';
import { httpApi, ok } from '../../http/handler.js';
import { services } from '../../wiring/services.js';

/** GET /api/admin/events — every event of the caller's organisers, soonest first. */
export const handler = httpApi({}, async (request) => {
  const organiserIds = organiserIdsOf(request);
  const { events, baseUrl, clock } = services();
  const now = clock();

  const lists = await Promise.all(organiserIds.map((id) => events.listByOrganiser(id)));
  const all = lists.flat().sort((a, b) => a.event.startsAt.localeCompare(b.event.startsAt));

  return ok({ events: all.map(({ event, seats }) => adminView(event, seats, baseUrl, now)) });
});
