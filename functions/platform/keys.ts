/** Key builders for the single table (layout documented in table.ts). */

export const organiserKey = (organiserId: string) => ({ pk: 'ORGS', sk: `ORG#${organiserId}` });
export const eventKey = (eventId: string) => ({ pk: `EVENT#${eventId}`, sk: 'EVENT' });
export const GATE_SK = 'GATE';
/**
 * Every shard's sort key lies between GATE_SK and this one (shard numbers are digits, which
 * sort below `~`), so one query reads the shards alone. (Tables written by earlier versions
 * may also hold per-second waiting counts, `GATE#W...`, sorting after it: no longer read.)
 */
export const GATE_SK_LAST = 'GATE#9~';
export const isShardSk = (sk: string): boolean => sk === GATE_SK || /^GATE#\d+$/.test(sk);
/** Seat quota (shard) `n` of an event; quota 0 has the plain `GATE` key, so one event has one such item. */
export const seatQuotaKey = (eventId: string, shard = 0) => ({
  pk: `EVENT#${eventId}`,
  sk: shard === 0 ? GATE_SK : `${GATE_SK}#${shard}`,
});
export const quotaOfSk = (sk: string): number => (sk === GATE_SK ? 0 : Number(sk.slice(GATE_SK.length + 1)));
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

/** A solved registration challenge, spent (functions/challenges/): one item each, gone by TTL. */
export const spentChallengeKey = (challenge: string) => ({ pk: `CHALLENGE#${challenge}`, sk: 'SPENT' });

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

/** An API key, under the SHA-256 of the key (functions/apikeys/). */
export const apiKeyItemKey = (hash: string) => ({ pk: `APIKEY#${hash}`, sk: 'APIKEY' });
/** gsi1: an organiser's API keys, by creation. */
export const organiserApiKeysPartition = (organiserId: string) => `ORG#${organiserId}#APIKEYS`;
export const organiserApiKeysIndexKey = (organiserId: string, createdAt: string, id: string) => ({
  gsi1pk: organiserApiKeysPartition(organiserId),
  gsi1sk: `${createdAt}#${id}`,
});
/** A tracking link (functions/sources/): found by its code, and listed by event on gsi1. */
export const trackingLinkKey = (code: string) => ({ pk: `LINK#${code}`, sk: 'LINK' });
export const eventLinksIndexKey = (eventId: string, createdAt: string, code: string) => ({
  gsi1pk: `EVENT#${eventId}#LINKS`,
  gsi1sk: `${createdAt}#${code}`,
});
export const eventLinksPartition = (eventId: string) => `EVENT#${eventId}#LINKS`;
/** An organiser's webhook subscriptions (functions/webhooks/). */
export const webhookKey = (organiserId: string, webhookId: string) => ({
  pk: `ORG#${organiserId}#WEBHOOKS`,
  sk: `WEBHOOK#${webhookId}`,
});
export const webhooksPartition = (organiserId: string) => `ORG#${organiserId}#WEBHOOKS`;
/** A subscription's delivery log, newest last in key order (read backwards). */
export const webhookDeliveryKey = (webhookId: string, occurredAt: string, messageId: string) => ({
  pk: `WEBHOOK#${webhookId}#DELIVERIES`,
  sk: `${occurredAt}#${messageId}`,
});
export const webhookDeliveriesPartition = (webhookId: string) => `WEBHOOK#${webhookId}#DELIVERIES`;
