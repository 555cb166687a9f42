import { randomUUID } from 'node:crypto';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateQuery,
  paginateScan,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { AppError } from '../platform/errors.js';
import {
  eventKey,
  GATE_SK,
  GATE_SK_LAST,
  isShardSk,
  organiserEventsIndexKey,
  organiserEventsPartition,
  organiserKey,
  quotaOfSk,
  seatQuotaKey,
} from '../platform/keys.js';
import { retrying } from '../platform/retry.js';
import { tableSchema } from '../platform/table.js';
import { failedConditions, Transaction } from '../platform/transaction.js';
import {
  type EventRecord,
  emptyShard,
  newSeatQuotas,
  type Organiser,
  type SeatQuota,
  type SeatQuotas,
  seatQuotaMirror,
  seatQuotasOf,
  shardCountFor,
  splitCapacity,
} from './model.js';
import { EventIdTaken, type EventRepository } from './ports.js';

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
  'requireChallenge',
  'registrationOpensAt',
  'registrationClosesAt',
  'status',
  'agenda',
  'speakers',
  'questions',
  'reminders',
  'reconfirmBy',
  'reconfirmAskAt',
  'marketingConsentText',
  'followUp',
  'sequence',
  'createdAt',
  'updatedAt',
] as const satisfies readonly (keyof EventRecord)[];

/** Picks the event's own fields out of a stored item (keys and index attributes stay behind). */
const toEvent = (item: Record<string, unknown>): EventRecord => ({
  ...(Object.fromEntries(
    EVENT_ATTRIBUTES.map((name) => [name, item[name] ?? null]),
  ) as unknown as EventRecord),
  // Events stored before the setting existed ask for no challenge.
  requireChallenge: item.requireChallenge === true,
});

/** The seat quotas from an event's quota items as stored (keys and other items stay behind). */
export const seatQuotasFromItems = (items: Record<string, unknown>[]): SeatQuotas | undefined =>
  seatQuotasOf(
    items
      .filter((item) => isShardSk(String(item.sk)))
      .map(({ pk: _pk, sk, ...fields }) => ({
        ...(fields as Partial<SeatQuotas> & Omit<SeatQuota, 'shard'>),
        shard: quotaOfSk(String(sk)),
      })),
  );

/** How many times a save re-reads the shards when registrations move them under it. */
const SAVE_ATTEMPTS = 10;

/** DynamoDB adapter for organisers, events and their seat quotas. */
export class EventStore implements EventRepository {
  private readonly db: DynamoDBDocumentClient;
  /** Recent reads by event: the promise is kept, so requests arriving together share one read. */
  private readonly recent = new Map<
    string,
    { value: Promise<{ event: EventRecord; seats: SeatQuotas } | undefined>; at: number }
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

  /** The event and its seat quotas are born together. */
  async create(event: EventRecord, options: { shards?: number } = {}): Promise<void> {
    // Marks this call's write: two creates of one title by one organiser in the same
    // millisecond are otherwise alike, and each would take the other's event for its own.
    const creation = randomUUID();
    try {
      await this.createOnce(event, creation, options.shards);
    } catch (error) {
      // A retry after a lost response finds its own event already written: that is success.
      // Ids come from titles, so another event may hold this one.
      if (!failedConditions(error).has('event')) throw error;
      const { Item } = await this.db.send(
        new GetCommand({
          TableName: this.tableName,
          Key: eventKey(event.id),
          ProjectionExpression: 'creation',
          ConsistentRead: true,
        }),
      );
      if (Item?.creation !== creation) throw new EventIdTaken(event.id);
    }
  }

  /** The event and its seat shards in one transaction. `shards` is for tests and the benchmark. */
  private async createOnce(event: EventRecord, creation: string, shards?: number): Promise<void> {
    await new Transaction()
      .add('event', {
        Put: {
          TableName: this.tableName,
          Item: { ...this.eventItem(event), creation },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      })
      .add(
        'seatQuotas',
        ...newSeatQuotas(event, shards).map(({ shard, ...fields }) => ({
          Put: { TableName: this.tableName, Item: { ...seatQuotaKey(event.id, shard), ...fields } },
        })),
      )
      .run(this.db);
  }

  async get(eventId: string): Promise<{ event: EventRecord; seats: SeatQuotas } | undefined> {
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        // EVENT, GATE, GATE#1... sort next to each other: one query reads the event and its shards.
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :event AND :last',
        ExpressionAttributeValues: { ':pk': eventKey(eventId).pk, ':event': 'EVENT', ':last': GATE_SK_LAST },
        ConsistentRead: true,
      }),
    );
    const eventItem = Items.find((item) => item.sk === 'EVENT');
    const seats = seatQuotasFromItems(Items);
    return eventItem && seats ? { event: toEvent(eventItem), seats } : undefined;
  }

  /**
   * The event as read at most `maxAgeMs` ago by this container. For the registration rush
   * only: what it decides is re-checked by the transaction's conditions.
   */
  async getRecent(
    eventId: string,
    maxAgeMs: number,
  ): Promise<{ event: EventRecord; seats: SeatQuotas } | undefined> {
    const cached = this.recent.get(eventId);
    if (cached && Date.now() - cached.at < maxAgeMs) return cached.value;
    const value = this.get(eventId);
    if (this.recent.size > 1000) this.recent.clear(); // bounded: a container serves few events
    this.recent.set(eventId, { value, at: Date.now() });
    // A failed read is not kept: the next request reads again.
    value.catch(() => {
      if (this.recent.get(eventId)?.value === value) this.recent.delete(eventId);
    });
    return value;
  }

  /**
   * Every event with seat quotas, found by a scan (organisers have no list of their own in
   * AWS: they are Cognito groups). Reconciliation runs it hourly: one read of the table.
   */
  async allEventIds(): Promise<string[]> {
    const ids: string[] = [];
    for await (const page of paginateScan(
      { client: this.db },
      {
        TableName: this.tableName,
        // Quota 0 keeps the plain GATE key: one per event.
        FilterExpression: 'sk = :gate',
        ExpressionAttributeValues: { ':gate': GATE_SK },
        ProjectionExpression: 'pk',
      },
    )) {
      for (const item of page.Items ?? []) ids.push(String(item.pk).replace(/^EVENT#/, ''));
    }
    return ids;
  }

  async getSeatQuotas(eventId: string): Promise<SeatQuotas | undefined> {
    return seatQuotasFromItems(await this.shardItems(eventId));
  }

  /** The event's seat shard items as stored, shard 0 first (reconciliation works on these). */
  async shardItems(eventId: string): Promise<Record<string, unknown>[]> {
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :first AND :last',
        ExpressionAttributeValues: { ':pk': eventKey(eventId).pk, ':first': GATE_SK, ':last': GATE_SK_LAST },
        ConsistentRead: true,
      }),
    );
    return Items.sort((a, b) => quotaOfSk(String(a.sk)) - quotaOfSk(String(b.sk)));
  }

  /** One organiser's events, soonest first (all statuses: callers filter). */
  async listByOrganiser(organiserId: string): Promise<{ event: EventRecord; seats: SeatQuotas }[]> {
    const events = await this.listEvents(organiserId);
    const withSeats = await Promise.all(
      events.map(async (event) => ({ event, seats: await this.getSeatQuotas(event.id) })),
    );
    return withSeats.filter(
      (entry): entry is { event: EventRecord; seats: SeatQuotas } => entry.seats !== undefined,
    );
  }

  /** One organiser's events without their counters (the calendar feed needs no seats). */
  async listEvents(organiserId: string): Promise<EventRecord[]> {
    const events: EventRecord[] = [];
    for await (const page of paginateQuery(
      { client: this.db },
      {
        TableName: this.tableName,
        IndexName: tableSchema.indexes.byParent.name,
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': organiserEventsPartition(organiserId) },
      },
    )) {
      events.push(...(page.Items ?? []).map(toEvent));
    }
    return events;
  }

  /**
   * Saves a changed event and, when a field the seat conditions read changed, mirrors it onto
   * every seat shard in the same transaction. The event's `updatedAt` guards against a
   * concurrent edit. A new capacity is split over the
   * shards (more shards if it grew past what they were made for), each keeping at least
   * the seats it holds; registrations moving a shard meanwhile make it read and split again.
   */
  async save(before: EventRecord, after: EventRecord): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const seats = await this.getSeatQuotas(after.id);
      if (!seats) throw new AppError('not_found', 'Event not found');
      const count = Math.max(seats.shards.length, shardCountFor(after.capacity));
      const held = Array.from({ length: count }, (_, shard) => seats.shards[shard]?.held ?? 0);
      const resplit = after.capacity !== before.capacity || count !== seats.shards.length;
      const shares = after.capacity === null ? undefined : splitCapacity(after.capacity, held);
      if (after.capacity !== null && !shares) {
        throw new AppError('capacity_below_confirmed', 'Capacity cannot go below the seats already taken');
      }
      // A change the conditions do not read (title, description, agenda...) leaves the shards
      // alone: in a rush a transaction over every shard would collide with registrations.
      const mirrorChanged =
        JSON.stringify(seatQuotaMirror(before)) !== JSON.stringify(seatQuotaMirror(after));
      const shardWrites = resplit || mirrorChanged ? held : [];
      const transaction = new Transaction()
        .add('event', {
          Put: {
            TableName: this.tableName,
            Item: this.eventItem(after),
            ConditionExpression: 'updatedAt = :seen',
            ExpressionAttributeValues: { ':seen': before.updatedAt },
          },
        })
        .add(
          'seatQuotas',
          ...shardWrites.map((_, shard) =>
            shard < seats.shards.length
              ? this.mirrorUpdate(after, shard, resplit ? { capacity: shares?.[shard] } : undefined)
              : {
                  Put: {
                    TableName: this.tableName,
                    Item: { ...seatQuotaKey(after.id, shard), ...emptyShard(after, shares?.[shard]) },
                    ConditionExpression: 'attribute_not_exists(pk)',
                  },
                },
          ),
        );
      try {
        await transaction.run(this.db);
        this.recent.delete(after.id); // this container's next registration sees the change at once
        return;
      } catch (error) {
        const failed = failedConditions(error);
        if (failed.has('event')) {
          throw new AppError(
            'invalid_state',
            'The event was changed by someone else meanwhile; reload and try again',
          );
        }
        // A quota took seats between the read and the split: read and split again.
        if (!failed.has('seatQuotas') || attempt >= SAVE_ATTEMPTS) throw error;
      }
    }
  }

  /** One shard's mirror of the event and, when capacity is re-split, its new share. */
  private mirrorUpdate(event: EventRecord, shard: number, split?: { capacity?: number }) {
    const fields: Record<string, unknown> = { ...seatQuotaMirror(event) };
    if (split) fields.capacity = split.capacity;
    // Attribute names go through placeholders: several (status, capacity) are reserved words.
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const sets: string[] = [];
    const removes: string[] = [];
    for (const [field, value] of Object.entries(fields)) {
      names[`#${field}`] = field;
      if (value === undefined) removes.push(`#${field}`);
      else {
        sets.push(`#${field} = :${field}`);
        values[`:${field}`] = value;
      }
    }
    let condition = 'attribute_exists(pk)';
    if (split?.capacity !== undefined) {
      // Seats taken since the split may not fit the new share: then read and split again.
      names['#held'] = 'held';
      condition += ' AND #held <= :capacity';
    }
    return {
      Update: {
        TableName: this.tableName,
        Key: seatQuotaKey(event.id, shard),
        UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
        ConditionExpression: condition,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    };
  }

  private eventItem(event: EventRecord) {
    return {
      ...eventKey(event.id),
      ...organiserEventsIndexKey(event.organiserId, event.startsAt, event.id),
      ...event,
    };
  }
}
