import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  ListTablesCommand,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { indexList, tableSchema } from '../functions/platform/table.js';
import { createTable, createTableInput } from '../local/create-table.js';
import { localClientConfig, PID_FILE, startDynamoDbLocal } from '../local/dynamodb-local.js';
import { type FreshTable, freshTable } from './support/dynamo.js';

const keySchemaOf = (partitionKey: string, sortKey: string) => [
  { AttributeName: partitionKey, KeyType: 'HASH' },
  { AttributeName: sortKey, KeyType: 'RANGE' },
];

describe('createTableInput', () => {
  it('derives each key attribute once, with its type, from tableSchema', () => {
    const input = createTableInput('t');
    const names = input.AttributeDefinitions?.map((d) => d.AttributeName) ?? [];
    expect(new Set(names).size).toBe(names.length);

    const expected = new Map<string, string>([
      [tableSchema.partitionKey.name, tableSchema.partitionKey.type],
      [tableSchema.sortKey.name, tableSchema.sortKey.type],
    ]);
    for (const index of indexList) {
      expected.set(index.partitionKey.name, index.partitionKey.type);
      expected.set(index.sortKey.name, index.sortKey.type);
    }
    expect(new Map(input.AttributeDefinitions?.map((d) => [d.AttributeName, d.AttributeType]))).toEqual(
      expected,
    );
  });

  it('declares keys, indexes (projection ALL), on-demand billing and the stream', () => {
    const input = createTableInput('t');
    expect(input.TableName).toBe('t');
    expect(input.KeySchema).toEqual(keySchemaOf(tableSchema.partitionKey.name, tableSchema.sortKey.name));
    expect(input.GlobalSecondaryIndexes).toEqual(
      indexList.map((index) => ({
        IndexName: index.name,
        KeySchema: keySchemaOf(index.partitionKey.name, index.sortKey.name),
        Projection: { ProjectionType: 'ALL' },
      })),
    );
    expect(input.BillingMode).toBe('PAY_PER_REQUEST');
    expect(input.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
  });
});

describe('a fresh table on DynamoDB Local', () => {
  let fresh: FreshTable;
  let table: TableDescription;

  beforeAll(async () => {
    fresh = await freshTable();
    const described = await fresh.client.send(new DescribeTableCommand({ TableName: fresh.tableName }));
    if (!described.Table) throw new Error('DescribeTable returned no table');
    table = described.Table;
  });

  it('is ACTIVE with the table keys of tableSchema', () => {
    expect(table.TableStatus).toBe('ACTIVE');
    expect(table.KeySchema).toEqual(keySchemaOf(tableSchema.partitionKey.name, tableSchema.sortKey.name));
  });

  it('has both GSIs with their keys and projection ALL', () => {
    const indexes = [...(table.GlobalSecondaryIndexes ?? [])].sort((a, b) =>
      (a.IndexName ?? '').localeCompare(b.IndexName ?? ''),
    );
    expect(indexes.map((index) => index.IndexName)).toEqual(indexList.map((index) => index.name).sort());
    for (const index of indexList) {
      const actual = indexes.find((candidate) => candidate.IndexName === index.name);
      expect(actual?.KeySchema).toEqual(keySchemaOf(index.partitionKey.name, index.sortKey.name));
      expect(actual?.Projection?.ProjectionType).toBe('ALL');
    }
  });

  it('has typed attribute definitions (gsi2 sort key is a number)', () => {
    expect(table.AttributeDefinitions).toEqual(
      expect.arrayContaining(createTableInput(fresh.tableName).AttributeDefinitions ?? []),
    );
    expect(table.AttributeDefinitions).toContainEqual({
      AttributeName: tableSchema.indexes.waitlist.sortKey.name,
      AttributeType: 'N',
    });
  });

  it('streams new and old images', () => {
    expect(table.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
    expect(table.LatestStreamArn).toBeTruthy();
  });

  it('has TTL enabled on the TTL attribute', async () => {
    const { TimeToLiveDescription } = await fresh.client.send(
      new DescribeTimeToLiveCommand({ TableName: fresh.tableName }),
    );
    expect(TimeToLiveDescription).toEqual({
      TimeToLiveStatus: 'ENABLED',
      AttributeName: tableSchema.timeToLiveAttribute,
    });
  });

  it('createTable is idempotent on an existing table', async () => {
    await expect(createTable(fresh.client, fresh.tableName)).resolves.toBeUndefined();
  });

  it('the document client round-trips an item and drops undefined attributes', async () => {
    const { PutCommand, GetCommand } = await import('@aws-sdk/lib-dynamodb');
    await fresh.doc.send(
      new PutCommand({ TableName: fresh.tableName, Item: { pk: 'X#1', sk: 'X', note: undefined, n: 1 } }),
    );
    const { Item } = await fresh.doc.send(
      new GetCommand({ TableName: fresh.tableName, Key: { pk: 'X#1', sk: 'X' } }),
    );
    expect(Item).toEqual({ pk: 'X#1', sk: 'X', n: 1 });
  });
});

describe('a DynamoDB Local left running on a data folder', () => {
  it('is stopped by the next start on that folder, which then serves it alone', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'leftover-'));
    // The first one stands for the child of an `npm start` killed with -9: nobody stops it.
    const leftover = await startDynamoDbLocal({ dataDir });
    const leftoverPid = Number(await readFile(join(dataDir, PID_FILE), 'utf8'));
    const next = await startDynamoDbLocal({ dataDir });
    try {
      expect(() => process.kill(leftoverPid, 0)).toThrow();
      expect(Number(await readFile(join(dataDir, PID_FILE), 'utf8'))).not.toBe(leftoverPid);
      const client = new DynamoDBClient(localClientConfig(next.endpoint));
      await expect(client.send(new ListTablesCommand({}))).resolves.toBeDefined();
    } finally {
      await next.stop();
      await leftover.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
    await expect(readFile(join(dataDir, PID_FILE), 'utf8')).rejects.toThrow();
  }, 60_000);
});
