import { setTimeout as delay } from 'node:timers/promises';
import {
  ThrottlingException,
  TransactionCanceledException,
  TransactionConflictException,
} from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { tableSchema } from '../functions/platform/table.js';
import { belowRetries } from './below-retries.js';
import { itemSize } from './item-size.js';

/**
 * What DynamoDB Local does not model and a real table does: one item sustains about
 * 1,000 write units per second, and transactions touching the same item at the same time
 * cancel each other (TransactionConflict). This wraps a Document client so that a bench
 * shows a hot item capping throughput, and tests can see the conflicts the stores retry.
 * Errors are the SDK's own classes, so functions/platform/retry.ts recognises them.
 */

export interface ContentionOptions {
  /** Write units per second one item sustains (DynamoDB: about 1,000). */
  itemWcuPerSecond?: number;
  /** How long a transaction holds its items at least, in ms (models real transaction latency; DynamoDB Local answers in ~1 ms). */
  transactionMs?: number;
  /** Clock in ms for the write budgets, injectable for tests (default performance.now). */
  now?: () => number;
}

export interface ContentionStats {
  /** Transactions forwarded to the real client. */
  transactions: number;
  /** Transactions and plain writes rejected because an item was held by a transaction. */
  conflicts: number;
  /** Transactions and plain writes rejected for lack of an item's write units. */
  throttled: number;
  /** Plain writes (Put, Update, Delete) forwarded to the real client. */
  writes: number;
  /** The item that consumed the most write units since the last reset. */
  hottestItem?: { key: string; wcu: number };
}

interface Target {
  TableName?: string;
  Key?: Record<string, unknown>;
  Item?: Record<string, unknown>;
}

/** The table's keys (pk, sk); a Put names its item only through them. */
const KEY_ATTRIBUTES = [tableSchema.partitionKey.name, tableSchema.sortKey.name];

const itemKey = ({ TableName, Key, Item }: Target): string => {
  const key =
    Key ??
    Object.fromEntries(KEY_ATTRIBUTES.filter((a) => Item?.[a] !== undefined).map((a) => [a, Item?.[a]]));
  // Sorted so that { pk, sk } and { sk, pk } name the same item.
  return `${TableName}:${JSON.stringify(Object.entries(key).sort(([a], [b]) => (a < b ? -1 : 1)))}`;
};

/**
 * Units of 1 KB the write is charged on. A Put is charged on its item (DynamoDB's size
 * rules, scripts/item-size.ts); an Update, Delete or ConditionCheck on the stored item,
 * which we do not read, so 1 KB: the project's items are well under that.
 */
const kilobytes = ({ Item }: Target): number => (Item ? Math.max(1, Math.ceil(itemSize(Item) / 1024)) : 1);

const cancelled = (codes: string[]) =>
  new TransactionCanceledException({
    message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(', ')}]`,
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

export const withContention = <C extends { send: (...args: never[]) => Promise<unknown> }>(
  client: C,
  options: ContentionOptions = {},
): { client: C; stats: () => ContentionStats; reset(): void } => {
  const { itemWcuPerSecond = 1000, transactionMs = 10, now = () => performance.now() } = options;
  // One entry per item written since reset(): a bench touches thousands, a few hundred bytes each.
  const buckets = new Map<string, { units: number; at: number; used: number }>();
  const held = new Set<string>();
  let stats: ContentionStats = { transactions: 0, conflicts: 0, throttled: 0, writes: 0 };

  // Token bucket: one second of burst, refilled continuously.
  const bucket = (key: string) => {
    const entry = buckets.get(key) ?? { units: itemWcuPerSecond, at: now(), used: 0 };
    const t = now();
    entry.units = Math.min(itemWcuPerSecond, entry.units + ((t - entry.at) * itemWcuPerSecond) / 1000);
    entry.at = t;
    buckets.set(key, entry);
    return entry;
  };
  const consume = (key: string, wcu: number) => {
    const entry = bucket(key);
    entry.units -= wcu;
    entry.used += wcu;
    if (entry.used > (stats.hottestItem?.wcu ?? 0)) stats.hottestItem = { key, wcu: entry.used };
  };

  const transact = async (command: TransactWriteCommand, forward: () => Promise<unknown>) => {
    const targets = (command.input.TransactItems ?? []).map((entry) => {
      const target: Target = entry.Put ?? entry.Update ?? entry.Delete ?? entry.ConditionCheck ?? {};
      return { key: itemKey(target), wcu: 2 * kilobytes(target) };
    });
    if (targets.some(({ key }) => held.has(key))) {
      stats.conflicts++;
      throw cancelled(targets.map(({ key }) => (held.has(key) ? 'TransactionConflict' : 'None')));
    }
    // The same item may appear twice (DynamoDB then refuses the call): charge it once for both.
    const needs = new Map<string, number>();
    for (const { key, wcu } of targets) needs.set(key, (needs.get(key) ?? 0) + wcu);
    const short = new Set([...needs].filter(([key, wcu]) => bucket(key).units < wcu).map(([key]) => key));
    if (short.size > 0) {
      stats.throttled++;
      throw cancelled(targets.map(({ key }) => (short.has(key) ? 'ThrottlingError' : 'None')));
    }
    for (const [key, wcu] of needs) consume(key, wcu);
    for (const key of needs.keys()) held.add(key);
    stats.transactions++;
    // The caller hears back when the items are released, as from a real transaction's commit.
    const minimum = delay(transactionMs);
    const result = forward();
    try {
      await Promise.allSettled([result, minimum]);
      return await result;
    } finally {
      for (const key of needs.keys()) held.delete(key);
    }
  };

  const write = async (target: Target, forward: () => Promise<unknown>) => {
    const key = itemKey(target);
    if (held.has(key)) {
      stats.conflicts++;
      throw new TransactionConflictException({
        message: 'Transaction is ongoing for the item',
        $metadata: {},
      });
    }
    const wcu = kilobytes(target);
    if (bucket(key).units < wcu) {
      stats.throttled++;
      throw new ThrottlingException({
        message: 'Throughput exceeds the current capacity for one or more items.',
        $metadata: {},
        throttlingReasons: [{ reason: 'TableWriteKeyRangeThroughputExceeded' }],
      });
    }
    consume(key, wcu);
    stats.writes++;
    return forward();
  };

  // The model sits below the SDK's retry layer, as DynamoDB does: a throttle it answers is retried
  // by the client's strategy, a cancelled transaction or a conflict by the application.
  const model = async (command: unknown, forward: () => Promise<unknown>) => {
    if (command instanceof TransactWriteCommand) return transact(command, forward);
    if (command instanceof PutCommand || command instanceof UpdateCommand || command instanceof DeleteCommand)
      return write(command.input, forward);
    return forward();
  };
  const proxy = belowRetries(client, 'contention-model', model);

  return {
    client: proxy,
    stats: () => ({ ...stats, hottestItem: stats.hottestItem && { ...stats.hottestItem } }),
    reset() {
      buckets.clear();
      stats = { transactions: 0, conflicts: 0, throttled: 0, writes: 0 };
    },
  };
};
