import { log } from '../functions/shared/log.js';
import type { Services } from '../functions/shared/services.js';

/**
 * What the scheduled sweep does in AWS, run by the local runtime every minute: lapsed
 * confirmation holds give their seats back and the waitlist moves up into free seats.
 */
export const tick = async (
  services: Pick<Services, 'events' | 'registrations'>,
  now: Date,
): Promise<void> => {
  const { events, registrations } = services;
  for (const organiser of await events.listOrganisers()) {
    for (const { event } of await events.listByOrganiser(organiser.id)) {
      // Past events have nobody left to seat.
      if (event.status !== 'published' || event.endsAt <= now.toISOString()) continue;
      try {
        await registrations.releaseExpiredHolds(event.id, now);
        await registrations.fillFreeSeats(event.id, now);
      } catch (error) {
        // One event failing must not stop the sweep for the others.
        log.error('tick failed', { eventId: event.id, error });
      }
    }
  }
};
