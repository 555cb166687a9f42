import { organiserFeedLinks } from '../../calendar/links.js';
import { publicView } from '../../events/model.js';
import { eventListQuery } from '../../events/schemas.js';
import { httpApi, ok, parseInput, queryParams } from '../../http/handler.js';
import { eventServices } from '../../wiring/event-services.js';

/**
 * GET /api/events?organiser= — an organiser's published events that have not ended, soonest
 * first, with the organiser's calendar feed (`calendar.feedUrl`, `calendar.subscribeUrl`).
 */
export const handler = httpApi({}, async (request) => {
  const { organiser } = parseInput(eventListQuery, queryParams(request));
  const { events, baseUrl, clock } = eventServices();
  const now = clock();

  const listed = await events.listByOrganiser(organiser);
  const upcoming = listed.filter(
    ({ event }) => event.status === 'published' && event.endsAt > now.toISOString(),
  );

  return ok({
    events: upcoming.map(({ event, seats }) => publicView(event, seats, baseUrl, now)),
    calendar: organiserFeedLinks(baseUrl, organiser),
  });
});
