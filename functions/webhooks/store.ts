import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  webhookDeliveriesPartition,
  webhookDeliveryKey,
  webhookKey,
  webhooksPartition,
} from '../platform/keys.js';
import { isConditionFailure } from '../platform/retry.js';
import type { DeliveryRecord, WebhookSubscription } from './model.js';

/** Subscriptions per organiser: a handful is plenty, and every change reads them all. */
export const MAX_SUBSCRIPTIONS = 10;
/** Lines of the delivery log the admin sees, newest first. */
export const DELIVERY_LOG_LIMIT = 50;
/** How long a delivery's log line is kept. */
const LOG_DAYS = 30;

const subscriptionOf = (item: Record<string, unknown>): WebhookSubscription => {
  const { pk: _pk, sk: _sk, ...subscription } = item;
  return subscription as unknown as WebhookSubscription;
};

const deliveryOf = (item: Record<string, unknown>): DeliveryRecord => {
  const { pk: _pk, sk: _sk, expiresAt: _expiresAt, ...delivery } = item;
  return delivery as unknown as DeliveryRecord;
};

/** Webhook subscriptions and their delivery log, on the single table. */
export class WebhookStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(subscription: WebhookSubscription): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...webhookKey(subscription.organiserId, subscription.id), ...subscription },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async list(organiserId: string): Promise<WebhookSubscription[]> {
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': webhooksPartition(organiserId) },
        Limit: MAX_SUBSCRIPTIONS * 2,
      }),
    );
    return Items.map(subscriptionOf);
  }

  /** One of the organiser's subscriptions; another organiser's is as good as absent. */
  async get(organiserId: string, webhookId: string): Promise<WebhookSubscription | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: webhookKey(organiserId, webhookId),
        ConsistentRead: true,
      }),
    );
    return Item ? subscriptionOf(Item) : undefined;
  }

  /** Whether there was such a subscription. */
  async delete(organiserId: string, webhookId: string): Promise<boolean> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: webhookKey(organiserId, webhookId),
          ConditionExpression: 'attribute_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** A new secret; the one it replaces keeps signing until `previousUntil`. */
  async rotate(
    organiserId: string,
    webhookId: string,
    secrets: { secretSealed: string; previousSecretSealed: string; previousUntil: string },
  ): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: webhookKey(organiserId, webhookId),
          UpdateExpression: 'SET secretSealed = :s, previousSecretSealed = :p, previousUntil = :u',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: {
            ':s': secrets.secretSealed,
            ':p': secrets.previousSecretSealed,
            ':u': secrets.previousUntil,
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /**
   * A new line in the log, unless the same change was logged already (a stream record read
   * twice): whether it is new, so the caller queues each delivery once.
   */
  async logDelivery(record: DeliveryRecord, now: Date): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...webhookDeliveryKey(record.webhookId, record.occurredAt, record.messageId),
            ...record,
            expiresAt: Math.floor(now.getTime() / 1000) + LOG_DAYS * 86_400,
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

  async delivery(
    webhookId: string,
    occurredAt: string,
    messageId: string,
  ): Promise<DeliveryRecord | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: webhookDeliveryKey(webhookId, occurredAt, messageId),
        ConsistentRead: true,
      }),
    );
    return Item ? deliveryOf(Item) : undefined;
  }

  /** Records an attempt's outcome on the log line. */
  async recordAttempt(
    key: Pick<DeliveryRecord, 'webhookId' | 'occurredAt' | 'messageId'>,
    outcome: Pick<DeliveryRecord, 'status' | 'attempts' | 'lastAttemptAt'> &
      Partial<Pick<DeliveryRecord, 'responseCode' | 'error' | 'nextAttemptAt'>>,
  ): Promise<void> {
    const set: Record<string, unknown> = {
      status: outcome.status,
      attempts: outcome.attempts,
      lastAttemptAt: outcome.lastAttemptAt,
      ...(outcome.responseCode !== undefined ? { responseCode: outcome.responseCode } : {}),
      ...(outcome.error !== undefined ? { error: outcome.error } : {}),
      ...(outcome.nextAttemptAt !== undefined ? { nextAttemptAt: outcome.nextAttemptAt } : {}),
    };
    const remove = ['responseCode', 'error', 'nextAttemptAt'].filter((name) => !(name in set));
    const names = Object.keys(set);
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: webhookDeliveryKey(key.webhookId, key.occurredAt, key.messageId),
        UpdateExpression: `SET ${names.map((name) => `#${name} = :${name}`).join(', ')}${
          remove.length ? ` REMOVE ${remove.map((name) => `#${name}`).join(', ')}` : ''
        }`,
        ExpressionAttributeNames: Object.fromEntries([...names, ...remove].map((name) => [`#${name}`, name])),
        ExpressionAttributeValues: Object.fromEntries(names.map((name) => [`:${name}`, set[name]])),
      }),
    );
  }

  /** The newest lines of a subscription's log. */
  async deliveries(webhookId: string, limit = DELIVERY_LOG_LIMIT): Promise<DeliveryRecord[]> {
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': webhookDeliveriesPartition(webhookId) },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return Items.map(deliveryOf);
  }
}
