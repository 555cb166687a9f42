import type { EventRecord, SeatQuotas } from '../events/model.js';
import { notFound } from '../platform/errors.js';
import type { RegistrationRecord } from '../registrations/model.js';
import type { WebhookSubscription } from '../webhooks/model.js';
import { eventServices } from '../wiring/event-services.js';
import { services } from '../wiring/services.js';
import { toolServices } from '../wiring/tool-services.js';
import { organiserIdsOf } from './auth.js';
import { type ApiEvent, pathParam } from './handler.js';

/**
 * Who may reach what in the admin API: the records of the caller's organisers, or the
 * contract's 404. The public and manage checks are in access.ts.
 */

/** An event of one of the caller's organisers; another organiser's is as good as absent. */
export const ownEvent = async (event: ApiEvent): Promise<{ event: EventRecord; seats: SeatQuotas }> => {
  const organiserIds = organiserIdsOf(event);
  const found = await eventServices().events.get(pathParam(event, 'eventId'));
  if (!found || !organiserIds.includes(found.event.organiserId)) throw notFound('Event');
  return found;
};

export const ownRegistration = async (
  event: ApiEvent,
): Promise<{ registration: RegistrationRecord; event: EventRecord }> => {
  const { event: record } = await ownEvent(event);
  const registration = await services().registrations.getById(pathParam(event, 'registrationId'));
  if (!registration || registration.eventId !== record.id) throw notFound('Registration');
  return { registration, event: record };
};

/** A webhook subscription of one of the caller's organisers; another organiser's is as good as absent. */
export const ownWebhook = async (event: ApiEvent): Promise<WebhookSubscription> => {
  const webhookId = pathParam(event, 'webhookId');
  for (const organiserId of organiserIdsOf(event)) {
    const found = await toolServices().webhooks.get(organiserId, webhookId);
    if (found) return found;
  }
  throw notFound('Webhook');
};
