import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
/**
 * The one definition of the single table: key names, indexes and the TTL attribute.
 * The CDK table (lib/) and the local runtime's CreateTable both read this module,
 * so the two can never drift apart. No AWS SDK or CDK imports here on purpose.
 *
 * Items (pk / sk):
 *   ORG#{organiserId}   / ORG             organiser profile
 *   EVENT#{eventId}     / EVENT           event details (gsi1: an organiser's events by start)
 *   EVENT#{eventId}     / GATE, GATE#{n}  seat shards: part of the capacity, counters, and the
 *                                          conditions a registration must meet (one per 250 seats)
 *   EVENT#{eventId}     / REG#{emailKey}  registration, unique per event and normalised email
 *                                          (gsi1: lookup by registration id; gsi2: waitlist order)
 *   RATE#{scope}#{hash} / W#{start}       a rate limit's count for one subject and window (TTL)
 *   CHALLENGE#{sha256}  / SPENT           a solved registration challenge, used (TTL)
 *   APIKEY#{sha256}     / APIKEY          an organiser's API key (gsi1: an organiser's keys)
 *   LINK#{code}         / LINK            a tracking link and its visit count (gsi1: an event's links)
 *   ORG#{org}#WEBHOOKS  / WEBHOOK#{id}    a webhook subscription (its secret sealed)
 *   WEBHOOK#{id}#DELIVERIES / {at}#{msgId}  one delivery's log line: status, code, attempts (TTL)
 */

export type KeyType = 'S' | 'N';

export interface IndexDefinition {
  name: string;
  partitionKey: { name: string; type: KeyType };
  sortKey: { name: string; type: KeyType };
}

export const tableSchema = {
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  /** Items carrying this attribute (epoch seconds) are purged by DynamoDB TTL. */
  timeToLiveAttribute: 'expiresAt',
  indexes: {
    /** Overloaded: an organiser's events by start time, and a registration by its id. */
    byParent: {
      name: 'gsi1',
      partitionKey: { name: 'gsi1pk', type: 'S' },
      sortKey: { name: 'gsi1sk', type: 'S' },
    },
    /** Sparse: only waitlisted registrations carry it, ordered by arrival ticket. */
    waitlist: {
      name: 'gsi2',
      partitionKey: { name: 'gsi2pk', type: 'S' },
      sortKey: { name: 'gsi2sk', type: 'N' },
    },
  },
} as const satisfies {
  partitionKey: { name: string; type: KeyType };
  sortKey: { name: string; type: KeyType };
  timeToLiveAttribute: string;
  indexes: Record<string, IndexDefinition>;
};

export const indexList: readonly IndexDefinition[] = Object.values(tableSchema.indexes);

/** The table as the stores reach it: the document client and the table's name. */
export interface TableAccess {
  db: DynamoDBDocumentClient;
  tableName: string;
}
