import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SEAT_COUNTERS } from '../../events/model.js';
import { eventKey, quotaOfSk } from '../../platform/keys.js';
import { retrying } from '../../platform/retry.js';
import { failedConditions, Transaction } from '../../platform/transaction.js';
import type { CounterRepairs, Drift } from '../reconcile.js';

/**
 * Writes recomputed seat counters (reconcile.ts), in one transaction, only if each drifted
 * quota's counters (and its `version`, once the stores keep one) are still those the drift was
 * computed from. False when they moved.
 */
export class DynamoDbCounterRepairs implements CounterRepairs {
  private readonly db: DynamoDBDocumentClient;

  constructor(
    db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {
    this.db = retrying(db);
  }

  async apply(eventId: string, seen: Record<string, unknown>[], drift: Drift[]): Promise<boolean> {
    const repairs = seen.flatMap((item) => {
      const shard = quotaOfSk(String(item.sk));
      const fixes = drift.filter((d) => d.shard === shard);
      if (fixes.length === 0) return [];
      const names: Record<string, string> = {};
      const values: Record<string, unknown> = {};
      const conditions: string[] = [];
      for (const name of [...SEAT_COUNTERS, 'version']) {
        names[`#${name}`] = name;
        if (item[name] === undefined) conditions.push(`attribute_not_exists(#${name})`);
        else {
          conditions.push(`#${name} = :seen_${name}`);
          values[`:seen_${name}`] = item[name];
        }
      }
      const sets = fixes.map(({ counter, actual }) => {
        values[`:actual_${counter}`] = actual;
        return `#${counter} = :actual_${counter}`;
      });
      return [
        {
          Update: {
            TableName: this.tableName,
            Key: { pk: eventKey(eventId).pk, sk: item.sk },
            UpdateExpression: `SET ${sets.join(', ')}`,
            ConditionExpression: conditions.join(' AND '),
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          },
        },
      ];
    });
    if (repairs.length === 0) return true;
    try {
      await new Transaction().add('repairs', ...repairs).run(this.db);
      return true;
    } catch (error) {
      // A counter moved since it was read: the caller reads and compares again.
      if (failedConditions(error).has('repairs')) return false;
      throw error;
    }
  }
}
