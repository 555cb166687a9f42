import { countsOf } from '../../events/model.js';
import { ownEvent } from '../../http/admin-access.js';
import { httpApi, ok } from '../../http/handler.js';
import { attendanceStats, registrationsByDay } from '../../registrations/report.js';
import { bySource } from '../../sources/model.js';
import { services } from '../../wiring/services.js';

/** GET /api/admin/events/{eventId}/stats — counts, registrations per day and attendance, erased people included anonymously. */
export const handler = httpApi({}, async (request) => {
  const { event, seats } = await ownEvent(request);
  const { registrations, trackingLinks, clock } = services();

  const [live, erased, links] = await Promise.all([
    registrations.all(event.id),
    registrations.erased(event.id),
    trackingLinks.list(event.id),
  ]);

  return ok({
    counts: countsOf(seats),
    registrationsByDay: registrationsByDay([...live, ...erased], event.timeZone),
    attendance: attendanceStats(live, erased, event, clock()),
    // Erased registrations kept no source: these count the live ones.
    bySource: bySource(live, links),
  });
});
