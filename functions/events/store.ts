import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { AppError } from '../shared/errors.js';
import {
  eventKey,
  gateKey,
  organiserEventsIndexKey,
  organiserEventsPartition,
  organiserKey,
} from '../shared/keys.js';
import { retrying } from '../shared/retry.js';
import { tableSchema } from '../shared/table.js';
import { type EventRecord, type Gate, gateMirror, newGate } from './model.js';

export interface Organiser {
  id: string;
  name: string;
  /** Where attendees' replies go; also the invitation's ORGANIZER. */
  replyTo: string;
}

const EVENT_ATTRIBUTES = [
  'id',
  'organiserId',
  'organiserName',
  'title',
  'summary',
  'description',
  'format',
  'venue',
  'joinUrl',
  'startsAt',
  'endsAt',
  'timeZone',
  'language',
  'capacity',
  'waitlistEnabled',
  'requireConfirmation',
  'registrationOpensAt',
  'registrationClosesAt',
  'status',
  'agenda',
  'speakers',
  'questions',
  'sequence',
  'createdAt',
  'updatedAt',
] as const satisfies readonly (keyof EventRecord)[];

/** Picks the event's own fields out of a stored item (keys and index attributes stay behind). */
const toEvent = (item: Record<string, unknown>): EventRecord =>
  Object.fromEntries(EVENT_ATTRIBUTES.map((name) => [name, item[name] ?? null])) as unknown as EventRecord;

const toGate = (item: Record<string, unknown>): Gate => {
  const { pk: _pk, sk: _sk, ...gate } = item;
  return gate as unknown as Gate;
};

/** DynamoDB adapter for organisers, events and their seat gates. */
export class EventStore {
  private readonly db: DynamoDBDocumentClient;
  private readonly recent = new Map<
    string,
    { value: { event: EventRecord; gate: Gate } | undefined; at: number }
  >();

  constructor(
    db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {
    this.db = retrying(db);
  }

  async putOrganiser(organiser: Organiser): Promise<void> {
    await this.db.send(
      new PutCommand({ TableName: this.tableName, Item: { ...organiserKey(organiser.id), ...organiser } }),
    );
  }

  async getOrganiser(organiserId: string): Promise<Organiser | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: organiserKey(organiserId) }),
    );
    return Item ? { id: Item.id, name: Item.name, replyTo: Item.replyTo } : undefined;
  }

  async listOrganisers(): Promise<Organiser[]> {
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'ORGS' },
      }),
    );
    return Items.map((item) => ({ id: item.id, name: item.name, replyTo: item.replyTo }));
  }

  /** The event and its gate are born together. */
  async create(event: EventRecord): Promise<void> {
    try {
      await this.createOnce(event);
    } catch (error) {
      // A retry after a lost response finds its own event already written: that is success.
      const stored = isConditionFailure(error) ? await this.get(event.id) : undefined;
      if (stored?.event.createdAt !== event.createdAt) throw error;
    }
  }

  private async createOnce(event: EventRecord): Promise<void> {
    await this.db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.tableName,
              Item: this.eventItem(event),
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          { Put: { TableName: this.tableName, Item: { ...gateKey(event.id), ...newGate(event) } } },
        ],
      }),
    );
  }

  async get(eventId: string): Promise<{ event: EventRecord; gate: Gate } | undefined> {
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :event AND :gate',
        ExpressionAttributeValues: { ':pk': eventKey(eventId).pk, ':event': 'EVENT', ':gate': 'GATE' },
        ConsistentRead: true,
      }),
    );
    const eventItem = Items.find((item) => item.sk === 'EVENT');
    const gateItem = Items.find((item) => item.sk === 'GATE');
    return eventItem && gateItem ? { event: toEvent(eventItem), gate: toGate(gateItem) } : undefined;
  }

  /**
   * The event as read at most `maxAgeMs` ago by this container. For the registration rush
   * only: what it decides is re-checked by the transaction's conditions.
   */
  async getRecent(
    eventId: string,
    maxAgeMs: number,
  ): Promise<{ event: EventRecord; gate: Gate } | undefined> {
    const cached = this.recent.get(eventId);
    if (cached && Date.now() - cached.at < maxAgeMs) return cached.value;
    const value = await this.get(eventId);
    if (this.recent.size > 1000) this.recent.clear(); // bounded: a container serves few events
    this.recent.set(eventId, { value, at: Date.now() });
    return value;
  }

  async getGate(eventId: string): Promise<Gate | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: gateKey(eventId), ConsistentRead: true }),
    );
    return Item ? toGate(Item) : undefined;
  }

  /** One organiser's events, soonest first (all statuses: callers filter). */
  async listByOrganiser(organiserId: string): Promise<{ event: EventRecord; gate: Gate }[]> {
    const events = await this.listEvents(organiserId);
    const withGates = await Promise.all(
      events.map(async (event) => ({ event, gate: await this.getGate(event.id) })),
    );
    return withGates.filter((entry): entry is { event: EventRecord; gate: Gate } => entry.gate !== undefined);
  }

  /** One organiser's events without their counters (the calendar feed needs no seats). */
  async listEvents(organiserId: string): Promise<EventRecord[]> {
    const events: EventRecord[] = [];
    let cursor: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: tableSchema.indexes.byParent.name,
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': organiserEventsPartition(organiserId) },
          ExclusiveStartKey: cursor,
        }),
      );
      events.push(...(page.Items ?? []).map(toEvent));
      cursor = page.LastEvaluatedKey;
    } while (cursor);
    return events;
  }

  /**
   * Saves a changed event and mirrors it onto the gate in one transaction. The event's
   * `updatedAt` guards against a concurrent edit; the gate refuses a capacity below
   * the seats already taken.
   */
  async save(before: EventRecord, after: EventRecord): Promise<void> {
    const mirror = gateMirror(after);
    // Attribute names go through placeholders: several (status, capacity) are reserved words.
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const sets: string[] = [];
    const removes: string[] = [];
    for (const [field, value] of Object.entries(mirror)) {
      const name = `#${field}`;
      names[name] = field;
      if (value === undefined) removes.push(name);
      else {
        sets.push(`${name} = :${field}`);
        values[`:${field}`] = value;
      }
    }
    let capacityCheck = '';
    if (after.capacity !== null) {
      names['#held'] = 'held';
      capacityCheck = ' AND #held <= :capacity';
    }
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: this.eventItem(after),
                ConditionExpression: 'updatedAt = :seen',
                ExpressionAttributeValues: { ':seen': before.updatedAt },
              },
            },
            {
              Update: {
                TableName: this.tableName,
                Key: gateKey(after.id),
                UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
                ConditionExpression: `attribute_exists(pk)${capacityCheck}`,
                ExpressionAttributeNames: names,
                ExpressionAttributeValues: values,
              },
            },
          ],
        }),
      );
    } catch (error) {
      throw explainSaveFailure(error);
    }
  }

  private eventItem(event: EventRecord) {
    return {
      ...eventKey(event.id),
      ...organiserEventsIndexKey(event.organiserId, event.startsAt, event.id),
      ...event,
    };
  }
}

const isConditionFailure = (error: unknown): boolean =>
  ((error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? []).some(
    (reason) => reason.Code === 'ConditionalCheckFailed',
  );

const explainSaveFailure = (error: unknown): unknown => {
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons;
  if (!reasons) return error;
  if (reasons[1]?.Code === 'ConditionalCheckFailed') {
    return new AppError('capacity_below_confirmed', 'Capacity cannot go below the seats already taken');
  }
  if (reasons[0]?.Code === 'ConditionalCheckFailed') {
    return new AppError(
      'invalid_state',
      'The event was changed by someone else meanwhile; reload and try again',
    );
  }
  return error;
};
