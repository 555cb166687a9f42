import { type EventRecord, type Organiser, type SeatQuotas, standInOrganiser } from '../events/model.js';
import { AppError, notFound } from '../platform/errors.js';
import { tokenMatches } from '../platform/tokens.js';
import { manageQuery } from '../registrations/manage-query.js';
import type { RegistrationRecord } from '../registrations/model.js';
import { eventServices } from '../wiring/event-services.js';
import { manageServices } from '../wiring/manage-services.js';
import { type ApiEvent, parseInput, pathParam, queryParams } from './handler.js';
import { guardManageToken } from './rate-limit.js';

/**
 * Who may reach what: the loading steps handlers share. Each returns the records the
 * caller may act on, or throws the contract's 403/404. The organisers' (admin) ones are in
 * admin-access.ts, so a function that needs no more than these (the invitation) leaves the
 * whole wiring (services.ts) out of its bundle.
 */

/** A published or cancelled event; drafts do not exist for the public. */
export const publicEvent = (event: ApiEvent, options: { maxAgeMs?: number } = {}) =>
  publicEventById(pathParam(event, 'eventId'), options);

/** `maxAgeMs` accepts a read that recent (the registration rush, whose writes re-check it all). */
export const publicEventById = async (
  eventId: string,
  { maxAgeMs = 0 }: { maxAgeMs?: number } = {},
): Promise<{ event: EventRecord; seats: SeatQuotas }> => {
  const { events } = eventServices();
  const found = maxAgeMs > 0 ? await events.getRecent(eventId, maxAgeMs) : await events.get(eventId);
  if (!found || found.event.status === 'draft') throw notFound('Event');
  return found;
};

/**
 * The id in a `{file}` path segment, which must read `<id>.ics` (HTTP API routes cannot put
 * `.ics` after a parameter, so the handler takes the whole segment).
 */
export const icsFileId = (event: ApiEvent): string => {
  // The id part has the shape pathParam accepts for ids.
  const id = /^([A-Za-z0-9_-]{1,64})\.ics$/.exec(event.pathParameters?.file ?? '')?.[1];
  if (!id) throw notFound('Calendar');
  return id;
};

/** Who signs an event's calendar entries (ORGANIZER). */
export const eventOrganiser = async (event: EventRecord): Promise<Organiser> =>
  (await eventServices().events.getOrganiser(event.organiserId)) ??
  standInOrganiser(event.organiserId, event.organiserName, eventServices().baseUrl);

/**
 * The registration a manage link opens: the token must be one issued for it. `fromEmail` says
 * whether it is one the emails carried (which proves the mailbox) rather than the `201`'s.
 */
export const managedRegistration = async (
  event: ApiEvent,
): Promise<{ registration: RegistrationRecord; event: EventRecord; token: string; fromEmail: boolean }> => {
  const { token } = parseInput(manageQuery, queryParams(event));
  const registration = await manageServices().registrations.getById(pathParam(event, 'registrationId'));
  if (!registration) throw notFound('Registration');
  const fromEmail = tokenMatches(token, registration.tokenHashes);
  const valid =
    fromEmail || tokenMatches(token, registration.answerTokenHash ? [registration.answerTokenHash] : []);
  // Repeated bad tokens (per registration and per client) are refused for a while: 429.
  await guardManageToken(event, registration.id, valid);
  if (!valid) {
    throw new AppError('forbidden', 'This link does not open this registration');
  }
  const found = await eventServices().events.get(registration.eventId);
  if (!found) throw notFound('Event');
  return { registration, event: found.event, token, fromEmail };
};
