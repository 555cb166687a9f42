import { adminView, type EventRecord } from '../../events/model.js';
import { ownEvent, ownRegistration } from '../../http/admin-access.js';
import { type ApiResult, httpApi, ok } from '../../http/handler.js';
import { adminRegistrationView, type RegistrationRecord } from '../../registrations/model.js';
import type { Registrations } from '../../registrations/registrations.js';
import { eventServices } from '../../wiring/event-services.js';
import { services } from '../../wiring/services.js';

/**
 * The admin endpoints that are one action on one record share this shape:
 * load what the organiser owns -> act -> answer with the fresh admin view.
 */

export const registrationAction = (
  act: (store: Registrations, registration: RegistrationRecord, now: Date) => Promise<RegistrationRecord>,
) =>
  httpApi({}, async (request) => {
    const { registration } = await ownRegistration(request);
    const { registrations, clock } = services();

    const updated = await act(registrations, registration, clock());

    return ok(adminRegistrationView(updated, await registrations.waitlistPosition(updated)));
  });

export const eventTransition = (transition: (event: EventRecord, now: Date) => EventRecord) =>
  httpApi({}, async (request) => {
    const { event } = await ownEvent(request);
    const { events, clock } = eventServices();

    const next = transition(event, clock());
    if (next !== event) await events.save(event, next);

    return adminEventResponse(event.id);
  });

export const adminEventResponse = async (eventId: string, status = 200): Promise<ApiResult> => {
  const { events, baseUrl, clock } = eventServices();
  const saved = await events.get(eventId);
  if (!saved) throw new Error(`Event ${eventId} vanished after saving`);
  const body = adminView(saved.event, saved.seats, baseUrl, clock());
  return status === 200 ? ok(body) : { ...ok(body), statusCode: status };
};
