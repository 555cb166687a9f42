import {
  type DynamoDBDocumentClient,
  GetCommand,
  paginateQuery,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ERASED_PREFIX, eventKey, REGISTRATION_PREFIX, waitlistPartition } from '../../platform/keys.js';
import { isConditionFailure, retrying } from '../../platform/retry.js';
import { tableSchema } from '../../platform/table.js';
import type { Transaction } from '../../platform/transaction.js';
import { archivedEmailKey } from '../lifecycle.js';
import { byArrival, type RegistrationRecord } from '../model.js';
import type { ErasedRegistration, RegistrationTablePort } from '../ports.js';
import type { RegistrationStatus } from '../schemas.js';
import { registrationById } from './by-id.js';
import { keyOf, toRegistration } from './mapper.js';
import { RegistrationWrites } from './writes.js';

/**
 * The DynamoDB adapter for registrations: it reads and writes, and decides nothing. Every call
 * but `writeOnce` also retries transaction conflicts (the SDK client retries throttling for all).
 */
export class RegistrationTable implements RegistrationTablePort {
  private readonly db: DynamoDBDocumentClient;
  readonly writes: RegistrationWrites;

  constructor(
    private readonly direct: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {
    this.db = retrying(direct);
    this.writes = new RegistrationWrites(tableName);
  }

  write(transaction: Transaction): Promise<void> {
    return transaction.run(this.db);
  }

  writeOnce(transaction: Transaction): Promise<void> {
    return transaction.run(this.direct);
  }

  get(registration: Pick<RegistrationRecord, 'eventId' | 'emailKey'>) {
    return this.getByKey(keyOf(registration));
  }

  /** Manage links carry only the registration id (by-id.ts). */
  getById(registrationId: string): Promise<RegistrationRecord | undefined> {
    return registrationById(this.db, this.tableName, registrationId);
  }

  private async getByKey(key: { pk: string; sk: string }): Promise<RegistrationRecord | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
    );
    return Item ? toRegistration(Item) : undefined;
  }

  async setManageLinks(
    registration: RegistrationRecord,
    tokenHashes: string[],
    tokenSealed: string,
    now: Date,
  ): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keyOf(registration),
        UpdateExpression: 'SET tokenHashes = :hashes, tokenSealed = :sealed, linkRequestedAt = :now',
        ConditionExpression: 'id = :id',
        ExpressionAttributeValues: {
          ':hashes': tokenHashes,
          ':sealed': tokenSealed,
          ':now': now.toISOString(),
          ':id': registration.id,
        },
      }),
    );
  }

  /**
   * Moves every registration's deletion date (DynamoDB TTL). Keys only are read; each item is
   * updated only while it still exists (an erasure meanwhile stays an erasure).
   */
  async setPersonalDataExpiry(eventId: string, expiresAt: number): Promise<number> {
    let updated = 0;
    for await (const page of paginateQuery(
      { client: this.db },
      { ...this.registrationsQuery(eventId), ProjectionExpression: 'pk, sk' },
    )) {
      for (const key of page.Items ?? []) {
        try {
          await this.db.send(
            new UpdateCommand({
              TableName: this.tableName,
              Key: { pk: key.pk, sk: key.sk },
              UpdateExpression: 'SET #expiresAt = :expiresAt',
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeNames: { '#expiresAt': tableSchema.timeToLiveAttribute },
              ExpressionAttributeValues: { ':expiresAt': expiresAt },
            }),
          );
          updated++;
        } catch (error) {
          if (!isConditionFailure(error)) throw error;
        }
      }
    }
    return updated;
  }

  async waitlistHead(eventId: string, limit: number): Promise<RegistrationRecord[]> {
    const { ProjectionExpression: _everything, ...query } = this.waitlistQuery(eventId);
    const { Items = [] } = await this.db.send(new QueryCommand({ ...query, Limit: Math.max(1, limit) }));
    return Items.map(toRegistration).sort(byArrival);
  }

  async waitlistQueue(eventId: string): Promise<Pick<RegistrationRecord, 'id' | 'waitTicket'>[]> {
    return (await this.queryAll(this.waitlistQuery(eventId)))
      .map((item) => ({ id: String(item.id), waitTicket: Number(item.gsi2sk) }))
      .sort(byArrival);
  }

  /** Those waiting with an earlier ticket (ties: by id), from the index. */
  async aheadInQueue(registration: RegistrationRecord): Promise<number> {
    const query = this.waitlistQuery(registration.eventId);
    const upToMine = await this.queryAll({
      ...query,
      KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk <= :ticket',
      ExpressionAttributeValues: {
        ...query.ExpressionAttributeValues,
        ':ticket': registration.waitTicket ?? 0,
      },
    });
    return upToMine.filter(
      (item) => byArrival({ id: String(item.id), waitTicket: Number(item.gsi2sk) }, registration) < 0,
    ).length;
  }

  async list(
    eventId: string,
    options: { status?: RegistrationStatus; limit?: number; cursor?: Record<string, unknown> },
  ): Promise<{ items: RegistrationRecord[]; next?: Record<string, unknown> }> {
    const query = this.registrationsQuery(eventId);
    const page = await this.db.send(
      new QueryCommand({
        ...query,
        ...(options.status
          ? {
              FilterExpression: '#status = :status',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ...query.ExpressionAttributeValues, ':status': options.status },
            }
          : {}),
        Limit: options.limit ?? 50,
        ExclusiveStartKey: options.cursor,
      }),
    );
    return { items: (page.Items ?? []).map(toRegistration), next: page.LastEvaluatedKey };
  }

  async all(eventId: string): Promise<RegistrationRecord[]> {
    return (await this.queryAll(this.registrationsQuery(eventId))).map(toRegistration);
  }

  async replacedBy(
    registration: Pick<RegistrationRecord, 'eventId' | 'emailKey'>,
  ): Promise<RegistrationRecord[]> {
    const { pk, sk } = keyOf({ ...registration, emailKey: archivedEmailKey(registration.emailKey, '') });
    const items = await this.queryAll({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': pk, ':prefix': sk },
      ConsistentRead: true,
    });
    return items.map(toRegistration);
  }

  async lapsedHolds(eventId: string, now: Date): Promise<RegistrationRecord[]> {
    const query = this.registrationsQuery(eventId);
    const items = await this.queryAll({
      ...query,
      FilterExpression: '#status = :pending AND holdExpiresAt <= :now',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ...query.ExpressionAttributeValues,
        ':pending': 'pending_confirmation',
        ':now': now.toISOString(),
      },
    });
    return items.map(toRegistration);
  }

  async erased(eventId: string): Promise<ErasedRegistration[]> {
    const items = await this.queryAll({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': eventKey(eventId).pk, ':prefix': ERASED_PREFIX },
    });
    return items.map((item) => ({
      status: item.status as RegistrationStatus,
      createdAt: String(item.createdAt),
      checkedIn: item.checkedIn === true,
      shard: Number(item.shard),
    }));
  }

  private waitlistQuery(eventId: string): QueryCommandInput {
    return {
      TableName: this.tableName,
      IndexName: tableSchema.indexes.waitlist.name,
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': waitlistPartition(eventId) },
      ProjectionExpression: 'id, gsi2sk',
    };
  }

  private registrationsQuery(eventId: string) {
    return {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': eventKey(eventId).pk, ':prefix': REGISTRATION_PREFIX } as Record<
        string,
        unknown
      >,
      ConsistentRead: true,
    };
  }

  private async queryAll(input: QueryCommandInput): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    for await (const page of paginateQuery({ client: this.db }, input)) items.push(...(page.Items ?? []));
    return items;
  }
}
