import { ownEvent } from '../../http/access.js';
import { httpApi } from '../../http/handler.js';
import { registrationsCsv } from '../../registrations/report.js';
import { services } from '../../wiring/services.js';

/** GET /api/admin/events/{eventId}/registrations.csv — every registration, safe to open in a spreadsheet. */
export const handler = httpApi({}, async (request) => {
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
    body: registrationsCsv(all, event.questions, positions),
  };
});
