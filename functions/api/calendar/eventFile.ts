import { publicEventFile } from '../../calendar/ical.js';
import { calendarFile, httpApi } from '../../shared/http.js';
import { services } from '../../shared/services.js';
import { eventOrganiser, icsFileId, publicEventById } from '../access.js';

/** GET /calendar/events/{eventId}.ics — one published (or cancelled) event to import, METHOD:PUBLISH. */
export const handler = httpApi({}, async (request) => {
  const { event } = await publicEventById(icsFileId(request));
  const { baseUrl } = services();

  const ics = publicEventFile(event, await eventOrganiser(event), baseUrl);

  return calendarFile(request, ics, {
    cache: 'public',
    lastModified: event.updatedAt,
    filename: `${event.id}.ics`,
  });
});
