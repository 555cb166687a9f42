/** Key builders for the single table (layout documented in table.ts). */

export const organiserKey = (organiserId: string) => ({ pk: 'ORGS', sk: `ORG#${organiserId}` });
export const eventKey = (eventId: string) => ({ pk: `EVENT#${eventId}`, sk: 'EVENT' });
export const gateKey = (eventId: string) => ({ pk: `EVENT#${eventId}`, sk: 'GATE' });
export const registrationKey = (eventId: string, emailKey: string) => ({
  pk: `EVENT#${eventId}`,
  sk: `REG#${emailKey}`,
});
export const erasedKey = (eventId: string, registrationId: string) => ({
  pk: `EVENT#${eventId}`,
  sk: `ERASED#${registrationId}`,
});

export const REGISTRATION_PREFIX = 'REG#';
export const ERASED_PREFIX = 'ERASED#';

/** gsi1: an organiser's events, by start time. */
export const organiserEventsIndexKey = (organiserId: string, startsAt: string, eventId: string) => ({
  gsi1pk: `ORG#${organiserId}#EVENTS`,
  gsi1sk: `${startsAt}#${eventId}`,
});
export const organiserEventsPartition = (organiserId: string) => `ORG#${organiserId}#EVENTS`;

/** gsi1: a registration found by its id (manage links carry only the id). */
export const registrationIdIndexKey = (registrationId: string) => ({
  gsi1pk: `REGID#${registrationId}`,
  gsi1sk: 'REG',
});

/** gsi2 (sparse): an event's waitlist in arrival order. */
export const waitlistIndexKey = (eventId: string, ticket: number) => ({
  gsi2pk: `EVENT#${eventId}#WAIT`,
  gsi2sk: ticket,
});
export const waitlistPartition = (eventId: string) => `EVENT#${eventId}#WAIT`;
