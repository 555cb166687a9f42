import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { apiKeyItemKey, organiserApiKeysIndexKey, organiserApiKeysPartition } from '../platform/keys.js';
import { isConditionFailure, retrying } from '../platform/retry.js';
import { type ApiKeyRecord, apiKeyHash, LAST_USED_RESOLUTION_MS } from './model.js';

const recordOf = (item: Record<string, unknown>): ApiKeyRecord => ({
  id: String(item.id),
  organiserId: String(item.organiserId),
  label: String(item.label),
  createdAt: String(item.createdAt),
  ...(typeof item.lastUsedAt === 'string' ? { lastUsedAt: item.lastUsedAt } : {}),
});

/**
 * One item per key, under its hash (what a request brings), listed per organiser through gsi1.
 */
export class ApiKeyStore {
  private readonly db: DynamoDBDocumentClient;

  constructor(
    db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {
    this.db = retrying(db);
  }

  async create(record: ApiKeyRecord, key: string): Promise<void> {
    const hash = apiKeyHash(key);
    if (!hash) throw new Error('Not an API key');
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...apiKeyItemKey(hash),
          ...organiserApiKeysIndexKey(record.organiserId, record.createdAt, record.id),
          ...record,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  /** Newest first. */
  async list(organiserId: string): Promise<ApiKeyRecord[]> {
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': organiserApiKeysPartition(organiserId) },
        ScanIndexForward: false,
      }),
    );
    return Items.map(recordOf);
  }

  /** Whether the organiser had that key (and now has not). */
  async revoke(organiserId: string, id: string): Promise<boolean> {
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        FilterExpression: 'id = :id',
        ExpressionAttributeValues: { ':pk': organiserApiKeysPartition(organiserId), ':id': id },
      }),
    );
    const item = Items[0];
    if (!item) return false;
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: { pk: item.pk, sk: item.sk } }));
    return true;
  }

  /** The key's record; strongly consistent, so a revoked key stops at once. */
  async find(key: string): Promise<ApiKeyRecord | undefined> {
    const hash = apiKeyHash(key);
    if (!hash) return undefined;
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: apiKeyItemKey(hash), ConsistentRead: true }),
    );
    return Item ? recordOf(Item) : undefined;
  }

  /** Notes a use, unless one was noted in the last minute (then the condition saves the write). */
  async noteUse(key: string, now: Date): Promise<void> {
    const hash = apiKeyHash(key);
    if (!hash) return;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: apiKeyItemKey(hash),
          UpdateExpression: 'SET lastUsedAt = :now',
          ConditionExpression:
            'attribute_exists(pk) AND (attribute_not_exists(lastUsedAt) OR lastUsedAt < :staleBefore)',
          ExpressionAttributeValues: {
            ':now': now.toISOString(),
            ':staleBefore': new Date(now.getTime() - LAST_USED_RESOLUTION_MS).toISOString(),
          },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
}
