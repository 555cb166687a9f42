import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateQuery,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { eventLinksIndexKey, eventLinksPartition, trackingLinkKey } from '../platform/keys.js';
import { isConditionFailure, retrying } from '../platform/retry.js';
import { tableSchema } from '../platform/table.js';
import type { TrackingLink } from './model.js';

const LINK_FIELDS = [
  'code',
  'eventId',
  'label',
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'visits',
  'createdAt',
] as const satisfies readonly (keyof TrackingLink)[];

const toLink = (item: Record<string, unknown>): TrackingLink =>
  Object.fromEntries(
    LINK_FIELDS.filter((name) => item[name] !== undefined).map((name) => [name, item[name]]),
  ) as unknown as TrackingLink;

/** DynamoDB adapter for tracking links: one item per link, its visits an atomic counter. */
export class TrackingLinkStore {
  private readonly db: DynamoDBDocumentClient;

  constructor(
    db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {
    this.db = retrying(db);
  }

  /** Saves a new link; false when its code is already taken (the caller draws another). */
  async create(link: TrackingLink): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...trackingLinkKey(link.code),
            ...eventLinksIndexKey(link.eventId, link.createdAt, link.code),
            ...link,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async get(code: string): Promise<TrackingLink | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: trackingLinkKey(code) }),
    );
    return Item ? toLink(Item) : undefined;
  }

  /** The event's links, oldest first. */
  async list(eventId: string): Promise<TrackingLink[]> {
    const { name, partitionKey } = tableSchema.indexes.byParent;
    const links: TrackingLink[] = [];
    const pages = paginateQuery(
      { client: this.db },
      {
        TableName: this.tableName,
        IndexName: name,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': partitionKey.name },
        ExpressionAttributeValues: { ':pk': eventLinksPartition(eventId) },
      },
    );
    for await (const page of pages) links.push(...(page.Items ?? []).map(toLink));
    return links;
  }

  /** One more visit, added atomically (no read, no per-visit record). */
  async countVisit(code: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: trackingLinkKey(code),
        UpdateExpression: 'ADD visits :one',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':one': 1 },
      }),
    );
  }
}
