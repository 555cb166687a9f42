import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Services } from './services.js';

/**
 * The client and table the services' stores use, for the few modules that keep their own
 * items in the table (rate limits, reconciliation). Services does not carry them yet; the
 * event store holds both (its client already retries throttling). Once Services has `db`
 * and `tableName`, those are taken and this reach into the store goes away.
 */
export const tableOf = (wired: Services): { db: DynamoDBDocumentClient; tableName: string } => {
  const own = wired as Services & { db?: DynamoDBDocumentClient; tableName?: string };
  if (own.db && own.tableName) return { db: own.db, tableName: own.tableName };
  const store = wired.events as unknown as { db?: DynamoDBDocumentClient; tableName?: string };
  if (!store.db || !store.tableName) throw new Error('The services carry no table client');
  return { db: store.db, tableName: store.tableName };
};
