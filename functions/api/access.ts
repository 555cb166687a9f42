import type { EventRecord, Gate } from '../events/model.js';
import type { RegistrationRecord } from '../registrations/model.js';
import { manageQuery } from '../registrations/schemas.js';
import { organiserIdsOf } from '../shared/auth.js';
import { AppError, notFound } from '../shared/errors.js';
import { type ApiEvent, parseInput, pathParam, queryParams } from '../shared/http.js';
import { tokenMatches } from '../shared/secrets.js';
import { services } from '../shared/services.js';

/**
 * Who may reach what: the loading steps handlers share. Each returns the records the
 * caller may act on, or throws the contract's 403/404.
 */

/** A published or cancelled event; drafts do not exist for the public. */
export const publicEvent = async (event: ApiEvent): Promise<{ event: EventRecord; gate: Gate }> => {
  const found = await services().events.get(pathParam(event, 'eventId'));
  if (!found || found.event.status === 'draft') throw notFound('Event');
  return found;
};

/** The registration a manage link opens: the token must be one issued for it. */
export const managedRegistration = async (
  event: ApiEvent,
): Promise<{ registration: RegistrationRecord; event: EventRecord; token: string }> => {
  const { token } = parseInput(manageQuery, queryParams(event));
  const registration = await services().registrations.getById(pathParam(event, 'registrationId'));
  if (!registration) throw notFound('Registration');
  if (!tokenMatches(token, registration.tokenHashes)) {
    throw new AppError('forbidden', 'This link does not open this registration');
  }
  const found = await services().events.get(registration.eventId);
  if (!found) throw notFound('Event');
  return { registration, event: found.event, token };
};

/** An event of one of the caller's organisers; another organiser's is as good as absent. */
export const ownEvent = async (event: ApiEvent): Promise<{ event: EventRecord; gate: Gate }> => {
  const organiserIds = organiserIdsOf(event);
  const found = await services().events.get(pathParam(event, 'eventId'));
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
