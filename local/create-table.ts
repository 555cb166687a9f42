import {
  type AttributeDefinition,
  CreateTableCommand,
  type CreateTableCommandInput,
  DeleteTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  type KeySchemaElement,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { indexList, type KeyType, tableSchema } from '../functions/platform/table.js';

/**
 * Creates the single table from `tableSchema`, the same module the CDK stack reads,
 * so the local table and the deployed one have the same keys, indexes, stream and TTL.
 */

type Key = { name: string; type: KeyType };

const keySchema = (partitionKey: Key, sortKey: Key): KeySchemaElement[] => [
  { AttributeName: partitionKey.name, KeyType: 'HASH' },
  { AttributeName: sortKey.name, KeyType: 'RANGE' },
];

/** The CreateTable input derived from `tableSchema` alone (pure, for tests). */
export const createTableInput = (tableName: string): CreateTableCommandInput => {
  const keys: Key[] = [
    tableSchema.partitionKey,
    tableSchema.sortKey,
    ...indexList.flatMap((index) => [index.partitionKey, index.sortKey]),
  ];
  const types = new Map<string, KeyType>();
  for (const key of keys) {
    const known = types.get(key.name);
    if (known && known !== key.type)
      throw new Error(`Key attribute ${key.name} is declared both as ${known} and as ${key.type}`);
    types.set(key.name, key.type);
  }
  const attributeDefinitions: AttributeDefinition[] = [...types].map(([name, type]) => ({
    AttributeName: name,
    AttributeType: type,
  }));

  return {
    TableName: tableName,
    AttributeDefinitions: attributeDefinitions,
    KeySchema: keySchema(tableSchema.partitionKey, tableSchema.sortKey),
    GlobalSecondaryIndexes: indexList.map((index) => ({
      IndexName: index.name,
      KeySchema: keySchema(index.partitionKey, index.sortKey),
      Projection: { ProjectionType: 'ALL' },
    })),
    BillingMode: 'PAY_PER_REQUEST',
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
  };
};

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Waits until the table and all its indexes are ACTIVE (immediate on DynamoDB Local). */
const waitUntilActive = async (client: DynamoDBClient, tableName: string, timeoutMs = 60_000) => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
      const indexesActive = (Table?.GlobalSecondaryIndexes ?? []).every(
        (index) => index.IndexStatus === 'ACTIVE',
      );
      if (Table?.TableStatus === 'ACTIVE' && indexesActive) return;
    } catch (error) {
      // Right after CreateTable a real endpoint may not know the table yet.
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
    if (Date.now() > deadline)
      throw new Error(`Table ${tableName} did not become ACTIVE within ${timeoutMs / 1000} s`);
    await sleep(250);
  }
};

/** Enables TTL on `tableSchema.timeToLiveAttribute` unless it is already on. */
const ensureTimeToLive = async (client: DynamoDBClient, tableName: string) => {
  const attribute = tableSchema.timeToLiveAttribute;
  const { TimeToLiveDescription } = await client.send(
    new DescribeTimeToLiveCommand({ TableName: tableName }),
  );
  const status = TimeToLiveDescription?.TimeToLiveStatus;
  if ((status === 'ENABLED' || status === 'ENABLING') && TimeToLiveDescription?.AttributeName === attribute)
    return;
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: attribute, Enabled: true },
    }),
  );
};

/**
 * Creates the table, waits until it is ACTIVE and enables TTL. Idempotent: an existing
 * table is left as it is (its TTL is switched on if a previous run stopped before that).
 */
export const createTable = async (client: DynamoDBClient, tableName: string): Promise<void> => {
  try {
    await client.send(new CreateTableCommand(createTableInput(tableName)));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await waitUntilActive(client, tableName);
  await ensureTimeToLive(client, tableName);
};

/** Deletes the table; a missing table is fine. */
export const deleteTable = async (client: DynamoDBClient, tableName: string): Promise<void> => {
  try {
    await client.send(new DeleteTableCommand({ TableName: tableName }));
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
};
