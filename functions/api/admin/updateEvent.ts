import { applyUpdate } from '../../events/model.js';
import { eventUpdateInput } from '../../events/schemas.js';
import { ownEvent } from '../../http/admin-access.js';
import { httpApi, parseInput } from '../../http/handler.js';
import { services } from '../../wiring/services.js';
import { adminEventResponse } from './actions.js';

/**
 * PATCH /api/admin/events/{eventId} — edit an event. A calendar-relevant change bumps the
 * sequence (registrants are told through the stream); more capacity seats the waitlist.
 */
export const handler = httpApi({ jsonBody: true }, async (request) => {
  const input = parseInput(eventUpdateInput, request.body);
  const { event } = await ownEvent(request);
  const { events, registrations, clock } = services();
  const now = clock();

  const next = applyUpdate(event, input, now);
  await events.save(event, next);
  await registrations.fillFreeSeats(event.id, now);
  // Personal data is kept a set time after the event: a moved event moves that date.
  if (next.endsAt !== event.endsAt)
    await services().registrations.restampPersonalDataExpiry(event.id, next.endsAt);

  return adminEventResponse(event.id);
});
