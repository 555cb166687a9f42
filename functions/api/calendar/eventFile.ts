import { publicEventFile } from '../../calendar/ical.js';
import { eventOrganiser, icsFileId, publicEventById } from '../../http/access.js';
import { calendarFile, httpApi } from '../../http/handler.js';
import { eventServices } from '../../wiring/event-services.js';

/** GET /calendar/events/{eventId}.ics — one published (or cancelled) event to import, METHOD:PUBLISH. */
export const handler = httpApi({}, async (request) => {
  const { event } = await publicEventById(icsFileId(request));
  const { baseUrl, clock } = eventServices();

  const ics = publicEventFile(event, await eventOrganiser(event), baseUrl, clock());

  return calendarFile(request, ics, {
    cache: 'public',
    lastModified: event.updatedAt,
    filename: `${event.id}.ics`,
  });
});
