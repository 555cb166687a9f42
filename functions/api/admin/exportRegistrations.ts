import { ownEvent } from '../../http/admin-access.js';
import { httpApi, parseInput, queryParams } from '../../http/handler.js';
import { registrationsCsv } from '../../registrations/report.js';
import { registrationExportQuery } from '../../registrations/schemas.js';
import { services } from '../../wiring/services.js';

/**
 * GET /api/admin/events/{eventId}/registrations.csv?lang=fr|en — every registration, safe to
 * open in a spreadsheet of that language (the admin page passes its own; default: the event's).
 */
export const handler = httpApi({}, async (request) => {
  const query = parseInput(registrationExportQuery, queryParams(request));
  const { event } = await ownEvent(request);
  const { registrations } = services();

  const all = await registrations.all(event.id);
  const positions = await registrations.waitlistPositions(event.id);

  return {
    statusCode: 200,
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="registrations-${event.id}.csv"`,
      'cache-control': 'no-store',
    },
    body: registrationsCsv(all, event.questions, positions, {
      language: query.lang ?? event.language,
      timeZone: event.timeZone,
    }),
  };
});
