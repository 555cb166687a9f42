import { setTimeout as delay } from 'node:timers/promises';
import {
  ThrottlingException,
  TransactionCanceledException,
  TransactionConflictException,
} from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { dynamoDbRetryStrategy, isRetryable, retrying } from '../functions/platform/retry.js';
import { createDocumentClient } from '../functions/wiring/clients.js';
import { localClientConfig } from '../local/dynamodb-local.js';
import { withContention } from '../scripts/contention.js';
import { type FreshTable, freshTable } from './support/dynamo.js';

/**
 * The contention model against the real DynamoDB Local: what it rejects never reaches the
 * table, what it lets through is applied there, and what it throws is what retry.ts retries.
 */

let table: FreshTable;

/** The application's client, but sending each command once: what the model answers, unretried. */
const clientWithoutRetries = () =>
  createDocumentClient({
    ...localClientConfig(inject('dynamoEndpoint')),
    retryStrategy: dynamoDbRetryStrategy({ attempts: 1 }),
  });
let unique = 0;

beforeAll(async () => {
  table = await freshTable();
});

/** A key no other test uses. */
const newKey = (name: string) => ({ pk: `TEST#${name}#${++unique}`, sk: 'META' });

const add = (key: Record<string, string>) => ({
  Update: {
    TableName: table.tableName,
    Key: key,
    UpdateExpression: 'ADD n :one',
    ExpressionAttributeValues: { ':one': 1 },
  },
});

const increment = (key: Record<string, string>) => new TransactWriteCommand({ TransactItems: [add(key)] });

const counter = async (key: Record<string, string>) =>
  (await table.doc.send(new GetCommand({ TableName: table.tableName, Key: key, ConsistentRead: true }))).Item
    ?.n;

const reasons = (error: unknown) =>
  error instanceof TransactionCanceledException
    ? error.CancellationReasons?.map((reason) => reason.Code)
    : error;

const rejection = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
};

describe('transactions on the same item', () => {
  it('started together: one is applied, the other cancelled with TransactionConflict at its index', async () => {
    const contention = withContention(table.doc, { transactionMs: 100 });
    const hot = newKey('hot');
    const other = newKey('other');
    const both = new TransactWriteCommand({
      TransactItems: [{ Put: { TableName: table.tableName, Item: { ...other, n: 1 } } }, add(hot)],
    });
    const [first, second] = await Promise.allSettled([
      contention.client.send(increment(hot)),
      contention.client.send(both),
    ]);
    expect(first.status).toBe('fulfilled');
    expect(second.status).toBe('rejected');
    const error = second.status === 'rejected' ? second.reason : undefined;
    expect(error).toBeInstanceOf(TransactionCanceledException);
    expect(reasons(error)).toEqual(['None', 'TransactionConflict']);
    expect(isRetryable(error)).toBe(true);
    // Nothing of the cancelled transaction reached the table.
    expect(await counter(hot)).toBe(1);
    expect(await counter(other)).toBeUndefined();

    await contention.client.send(both);
    expect(await counter(hot)).toBe(2);
    expect(await counter(other)).toBe(1);
    expect(contention.stats()).toMatchObject({ transactions: 2, conflicts: 1, throttled: 0 });
  });

  it('holds its items for transactionMs even when the table answered at once', async () => {
    const contention = withContention(table.doc, { transactionMs: 300 });
    const hot = newKey('hot');
    const started = performance.now();
    const first = contention.client.send(increment(hot));
    await delay(100); // DynamoDB Local has long answered; the item is still held
    expect(reasons(await rejection(contention.client.send(increment(hot))))).toEqual(['TransactionConflict']);
    await first;
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    await contention.client.send(increment(hot));
    expect(await counter(hot)).toBe(2);
  });

  it('releases its items and passes the table error on unchanged when the real call fails', async () => {
    const contention = withContention(table.doc, { transactionMs: 0 });
    const key = newKey('missing');
    const failing = new TransactWriteCommand({
      TransactItems: [
        { ...add(key), Update: { ...add(key).Update, ConditionExpression: 'attribute_exists(pk)' } },
      ],
    });
    const error = await rejection(contention.client.send(failing));
    expect(reasons(error)).toEqual(['ConditionalCheckFailed']);
    expect(isRetryable(error)).toBe(false);
    await contention.client.send(increment(key));
    expect(await counter(key)).toBe(1);
  });
});

describe('transactions on different items', () => {
  it('run concurrently without conflict', async () => {
    const contention = withContention(table.doc, { transactionMs: 100 });
    const keys = Array.from({ length: 5 }, () => newKey('spread'));
    const results = await Promise.allSettled(keys.map((key) => contention.client.send(increment(key))));
    expect(results.map((result) => result.status)).toEqual(Array(5).fill('fulfilled'));
    for (const key of keys) expect(await counter(key)).toBe(1);
    expect(contention.stats()).toMatchObject({ transactions: 5, conflicts: 0 });
  });
});

describe('plain writes and reads on an item held by a transaction', () => {
  it('a plain Update is refused with TransactionConflictException, a read passes', async () => {
    const contention = withContention(table.doc, { transactionMs: 500 });
    const hot = newKey('held');
    await table.doc.send(new PutCommand({ TableName: table.tableName, Item: { ...hot, n: 10 } }));
    let settled = false;
    const pending = contention.client.send(increment(hot)).finally(() => {
      settled = true;
    });

    const error = await rejection(
      contention.client.send(
        new UpdateCommand({ ...add(hot).Update, ExpressionAttributeValues: { ':one': 5 } }),
      ),
    );
    expect(error).toBeInstanceOf(TransactionConflictException);
    expect(isRetryable(error)).toBe(true);

    const read = await contention.client.send(
      new GetCommand({ TableName: table.tableName, Key: hot, ConsistentRead: true }),
    );
    // Before or after DynamoDB Local applied the transaction (separate connections), but
    // answered while the item is still held.
    expect([10, 11]).toContain(read.Item?.n);
    expect(settled).toBe(false);
    await pending;
    expect(await counter(hot)).toBe(11);
    expect(contention.stats()).toMatchObject({ transactions: 1, conflicts: 1, writes: 0 });

    await contention.client.send(new PutCommand({ TableName: table.tableName, Item: { ...hot, n: 0 } }));
    expect(contention.stats().writes).toBe(1);
  });
});

describe('per-item write budget (injected clock)', () => {
  it('lets about itemWcuPerSecond/2 transactional writes through per second, then throttles', async () => {
    let clock = 0;
    const contention = withContention(table.doc, {
      itemWcuPerSecond: 10,
      transactionMs: 0,
      now: () => clock,
    });
    const hot = newKey('budget');
    for (let i = 0; i < 5; i++) await contention.client.send(increment(hot));

    const error = await rejection(contention.client.send(increment(hot)));
    expect(reasons(error)).toEqual(['ThrottlingError']);
    expect(isRetryable(error)).toBe(true);
    expect(await counter(hot)).toBe(5);

    const cold = newKey('cold');
    await contention.client.send(increment(cold));
    expect(await counter(cold)).toBe(1);

    clock += 100; // 1 unit back: not yet enough for a transactional write
    expect(reasons(await rejection(contention.client.send(increment(hot))))).toEqual(['ThrottlingError']);
    clock += 100;
    await contention.client.send(increment(hot));
    expect(await counter(hot)).toBe(6);
    expect(contention.stats()).toMatchObject({ transactions: 7, throttled: 2, conflicts: 0 });
    expect(contention.stats().hottestItem).toEqual({ key: expect.stringContaining(hot.pk), wcu: 12 });
  });

  it('charges 2 units per started KB of a Put in a transaction, 1 per KB for a plain write', async () => {
    let clock = 0;
    // The model alone: a client that sends each command once, so each answer is counted once.
    const contention = withContention(clientWithoutRetries(), {
      itemWcuPerSecond: 10,
      transactionMs: 0,
      now: () => clock,
    });
    const key = newKey('large');
    const item = { ...key, text: 'x'.repeat(2500) }; // 3 KB
    const put = new TransactWriteCommand({
      TransactItems: [{ Put: { TableName: table.tableName, Item: item } }],
    });
    await contention.client.send(put); // 6 units, 4 left
    expect(reasons(await rejection(contention.client.send(put)))).toEqual(['ThrottlingError']);
    const plain = new PutCommand({ TableName: table.tableName, Item: item });
    await contention.client.send(plain); // 3 units, 1 left
    const error = await rejection(contention.client.send(plain));
    expect(error).toBeInstanceOf(ThrottlingException);
    expect(isRetryable(error)).toBe(true);
    clock += 1000;
    await contention.client.send(put);
    expect(contention.stats()).toMatchObject({ transactions: 2, writes: 1, throttled: 2 });
  });

  it('a throttled plain write is retried by the client’s own strategy, below the application', async () => {
    let clock = 0;
    // Time moves 20 ms at each look at the clock (two per write, one per refused try): a write
    // takes a unit and 0.4 come back, so about the sixteenth is refused; five tries later it
    // has its unit.
    const contention = withContention(table.doc, {
      itemWcuPerSecond: 10,
      transactionMs: 0,
      now: () => (clock += 20),
    });
    const key = newKey('plain');
    const write = (n: number) => new PutCommand({ TableName: table.tableName, Item: { ...key, n } });
    for (let n = 0; n < 24; n++) await contention.client.send(write(n));
    expect(contention.stats().throttled).toBeGreaterThan(0);
    expect(contention.stats().writes).toBe(24);
  });
});

describe('through the stores’ retrying client', () => {
  it('20 concurrent increments of one counter all apply, after conflicts', async () => {
    const contention = withContention(table.doc, { transactionMs: 5 });
    const db: DynamoDBDocumentClient = retrying(contention.client);
    const hot = newKey('counter');
    await Promise.all(Array.from({ length: 20 }, () => db.send(increment(hot))));
    expect(await counter(hot)).toBe(20);
    const stats = contention.stats();
    expect(stats.conflicts).toBeGreaterThan(0);
    expect(stats.transactions).toBe(20);
    expect(stats.hottestItem).toEqual({ key: expect.stringContaining(hot.pk), wcu: 40 });

    contention.reset();
    expect(contention.stats()).toEqual({ transactions: 0, conflicts: 0, throttled: 0, writes: 0 });
  });
});
