import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { EventRecord, Gate } from '../events/model.js';
import type { EventStore } from '../events/store.js';
import { AppError } from '../shared/errors.js';
import {
  ERASED_PREFIX,
  erasedKey,
  eventKey,
  gateKey,
  REGISTRATION_PREFIX,
  registrationIdIndexKey,
  registrationKey,
  waitlistIndexKey,
  waitlistPartition,
} from '../shared/keys.js';
import { personalDataExpiresAt } from '../shared/privacy.js';
import { retrying } from '../shared/retry.js';
import { emailKey, hashToken, newId, newManageToken, sealToken } from '../shared/secrets.js';
import { tableSchema } from '../shared/table.js';
import {
  type Answers,
  canPromote,
  decideRegistration,
  gateConditions,
  holdUntil,
  isLive,
  MAX_MANAGE_LINKS,
  newRegistration,
  type RegistrationRecord,
  type SeatDecision,
} from './model.js';
import type { RegistrationInput, RegistrationStatus } from './schemas.js';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export type RegisterOutcome =
  | { kind: 'created'; registration: RegistrationRecord; token: string }
  | { kind: 'already_registered'; registration: RegistrationRecord };

export interface RegistrationSettings {
  tokenKey: Buffer;
  holdMinutes: number;
}

/** How many times a registration re-decides after the gate moved under it. */
const MAX_ROUNDS = 50;

/** The counters a registration in each status contributes to the gate. */
const gateShare = (registration: Pick<RegistrationRecord, 'status' | 'checkedInAt'>) => ({
  held: registration.status === 'confirmed' || registration.status === 'pending_confirmation' ? 1 : 0,
  pending: registration.status === 'pending_confirmation' ? 1 : 0,
  waitlisted: registration.status === 'waitlisted' ? 1 : 0,
  checkedIn: registration.checkedInAt ? 1 : 0,
});

const REGISTRATION_FIELDS = [
  'id',
  'eventId',
  'emailKey',
  'name',
  'email',
  'company',
  'jobTitle',
  'answers',
  'locale',
  'status',
  'waitTicket',
  'tokenHashes',
  'tokenSealed',
  'holdExpiresAt',
  'consentAt',
  'consentVersion',
  'createdAt',
  'updatedAt',
  'confirmedAt',
  'cancelledAt',
  'cancelledBy',
  'checkedInAt',
  'linkRequestedAt',
] as const satisfies readonly (keyof RegistrationRecord)[];

const toRegistration = (item: Record<string, unknown>): RegistrationRecord =>
  Object.fromEntries(
    REGISTRATION_FIELDS.filter((name) => item[name] !== undefined).map((name) => [name, item[name]]),
  ) as unknown as RegistrationRecord;

/** Names every attribute through a `#name` placeholder (several are reserved words). */
const namesFor = (expression: string): Record<string, string> =>
  Object.fromEntries([...expression.matchAll(/#(\w+)/g)].map((match) => [match[0], match[1] ?? '']));

/** Builds `ADD #a :a, #b :b` from signed deltas, leaving out zeros. */
const addCounters = (deltas: Record<string, number>) => {
  const entries = Object.entries(deltas).filter(([, delta]) => delta !== 0);
  return {
    expression: entries.length ? `ADD ${entries.map(([name]) => `#${name} :d_${name}`).join(', ')}` : '',
    values: Object.fromEntries(entries.map(([name, delta]) => [`:d_${name}`, delta])),
  };
};

const cancellationCodes = (error: unknown): (string | undefined)[] | undefined =>
  (error as { name?: string }).name === 'TransactionCanceledException'
    ? ((error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? []).map((r) => r.Code)
    : undefined;

/**
 * DynamoDB adapter for registrations. Every change of seats is one transaction that
 * moves the gate's counters and the registration together, under conditions that
 * re-check the rules; contention and throttling are retried with jittered backoff.
 */
export class RegistrationStore {
  private readonly db: DynamoDBDocumentClient;

  constructor(
    db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly events: EventStore,
    private readonly settings: RegistrationSettings,
  ) {
    // Contention and throttling are retried on every call; condition failures come straight back.
    this.db = retrying(db);
  }

  /**
   * `seen` is the gate as the caller last saw it (possibly a second old): it picks the first
   * attempt without another read. The transaction's conditions re-check everything, so a stale
   * view costs one failed attempt and a fresh read, never a wrong seat.
   */
  async register(
    event: EventRecord,
    input: RegistrationInput & { answers: Answers },
    now: Date,
    seen?: Gate,
  ): Promise<RegisterOutcome> {
    const key = registrationKey(event.id, emailKey(input.email));
    let gate = seen;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const fresh = gate === undefined;
      gate ??= await this.events.getGate(event.id);
      let decision: SeatDecision;
      try {
        decision = decideRegistration(gate, now.toISOString());
      } catch (refusal) {
        if (fresh) throw refusal;
        gate = undefined; // refuse only on what the table says now
        continue;
      }
      if (decision.kind === 'waitlist' && gate && (await this.makeRoom(event.id, gate, now))) {
        gate = undefined;
        continue;
      }
      const token = newManageToken();
      const registration = newRegistration(input, {
        id: newId('reg'),
        event,
        decision,
        ticket: decision.kind === 'waitlist' ? await this.takeTicket(event.id) : undefined,
        token,
        tokenKey: this.settings.tokenKey,
        holdMinutes: this.settings.holdMinutes,
        now,
      });
      try {
        await this.transact([
          this.gateUpdate(event.id, decision, now),
          {
            Put: {
              TableName: this.tableName,
              // Personal data goes by TTL some days after the event; the gate keeps the counts.
              Item: {
                ...this.registrationItem(registration),
                [tableSchema.timeToLiveAttribute]: personalDataExpiresAt(event.endsAt),
              },
              // One live registration per event and email; a cancelled one may be replaced.
              ConditionExpression: 'attribute_not_exists(pk) OR #status = :cancelled',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ':cancelled': 'cancelled' },
            },
          },
        ]);
        return { kind: 'created', registration, token };
      } catch (error) {
        const codes = cancellationCodes(error);
        if (codes?.[1] === 'ConditionalCheckFailed') {
          const existing = await this.getByKey(key);
          if (existing && isLive(existing)) {
            return { kind: 'already_registered', registration: await this.requestManageLink(existing, now) };
          }
        } else if (codes?.[0] !== 'ConditionalCheckFailed') throw error;
        gate = undefined; // the gate moved (a seat went, the window closed): decide again from a fresh read
      }
    }
    throw new Error(`Registration for ${event.id} kept losing races after ${MAX_ROUNDS} rounds`);
  }

  /** Before someone joins the waitlist: lapsed holds and waiting seats are settled first. */
  private async makeRoom(eventId: string, gate: Gate, now: Date): Promise<boolean> {
    let changed = false;
    if (gate.pending > 0) changed = (await this.releaseExpiredHolds(eventId, now)) > 0;
    if (canPromote(gate)) changed = (await this.fillFreeSeats(eventId, now)) > 0 || changed;
    return changed;
  }

  private gateUpdate(eventId: string, decision: SeatDecision, now: Date): TransactItem {
    const seat = decision.kind === 'seat';
    const pending = seat && decision.status === 'pending_confirmation';
    const counters = addCounters(seat ? { held: 1, pending: pending ? 1 : 0 } : { waitlisted: 1 });
    const condition = seat ? gateConditions.seat : gateConditions.waitlist;
    return {
      Update: {
        TableName: this.tableName,
        Key: gateKey(eventId),
        UpdateExpression: counters.expression,
        ConditionExpression: condition,
        ExpressionAttributeNames: namesFor(`${condition} ${counters.expression}`),
        ExpressionAttributeValues: {
          ...counters.values,
          ':published': 'published',
          ':now': now.toISOString(),
          ':zero': 0,
          ...(seat ? { ':requireConfirmation': pending } : { ':true': true }),
        },
      },
    };
  }

  /**
   * A waitlist ticket: an atomic counter on its own small item (not the gate, so ticket
   * taking never collides with seat transactions). A ticket whose registration then
   * fails is simply skipped: positions are ranks among tickets, gaps do not show.
   */
  private async takeTicket(eventId: string): Promise<number> {
    const { Attributes } = await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: eventKey(eventId).pk, sk: 'TICKETS' },
        UpdateExpression: 'ADD #last :one',
        ExpressionAttributeNames: { '#last': 'last' },
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(Attributes?.last);
  }

  /**
   * Moves people from the head of the waitlist into free seats, one transaction each,
   * until no seat is free or nobody waits. Safe to run concurrently and repeatedly:
   * a person moves only while still waitlisted, a seat is taken only while free.
   */
  async fillFreeSeats(eventId: string, now: Date): Promise<number> {
    let promoted = 0;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const gate = await this.events.getGate(eventId);
      if (!gate || !canPromote(gate)) return promoted;
      const free = gate.capacity === undefined ? gate.waitlisted : gate.capacity - gate.held;
      const heads = await this.waitlistHead(eventId, Math.min(free, 25));
      if (heads.length === 0) return promoted; // the index has not caught up yet; the next pass will
      for (const head of heads) {
        const result = await this.promoteHead(head, gate.requireConfirmation, now);
        if (result === 'promoted') promoted++;
        if (result === 'no_seat') break;
      }
    }
    return promoted;
  }

  private async promoteHead(
    head: RegistrationRecord,
    requireConfirmation: boolean,
    now: Date,
  ): Promise<'promoted' | 'gone' | 'no_seat'> {
    const status: RegistrationStatus = requireConfirmation ? 'pending_confirmation' : 'confirmed';
    const counters = addCounters({ held: 1, pending: requireConfirmation ? 1 : 0, waitlisted: -1 });
    try {
      await this.transact([
        {
          Update: {
            TableName: this.tableName,
            Key: gateKey(head.eventId),
            UpdateExpression: counters.expression,
            ConditionExpression: gateConditions.promotion,
            ExpressionAttributeNames: namesFor(`${gateConditions.promotion} ${counters.expression}`),
            ExpressionAttributeValues: { ...counters.values, ':published': 'published', ':zero': 0 },
          },
        },
        this.statusChange(head, 'waitlisted', status, now, {
          ...(requireConfirmation
            ? { holdExpiresAt: holdUntil(now, this.settings.holdMinutes) }
            : { confirmedAt: now.toISOString() }),
        }),
      ]);
      return 'promoted';
    } catch (error) {
      const codes = cancellationCodes(error);
      if (codes?.[0] === 'ConditionalCheckFailed') return 'no_seat';
      if (codes?.[1] === 'ConditionalCheckFailed') return 'gone';
      throw error;
    }
  }

  /** The oldest waitlisted registrations, by ticket. */
  private async waitlistHead(eventId: string, limit: number): Promise<RegistrationRecord[]> {
    const { ProjectionExpression: _everything, ...query } = this.waitlistQuery(eventId);
    const { Items = [] } = await this.db.send(new QueryCommand({ ...query, Limit: Math.max(1, limit) }));
    return Items.map(toRegistration);
  }

  /**
   * Cancels a registration; a freed seat goes to the head of the waitlist. Cancelling
   * twice is harmless: the second finds it cancelled and frees nothing.
   */
  async cancel(
    registration: RegistrationRecord,
    by: NonNullable<RegistrationRecord['cancelledBy']>,
    now: Date,
  ): Promise<RegistrationRecord> {
    const cancelled = await this.markCancelled(registration, by, now);
    // Also when it was already cancelled: an earlier attempt may have died before promoting.
    await this.fillFreeSeats(registration.eventId, now);
    return cancelled;
  }

  private async markCancelled(
    registration: RegistrationRecord,
    by: NonNullable<RegistrationRecord['cancelledBy']>,
    now: Date,
  ): Promise<RegistrationRecord> {
    let latest: RegistrationRecord | undefined = registration;
    for (let round = 0; round < MAX_ROUNDS && latest; round++) {
      const current: RegistrationRecord = latest;
      if (current.status === 'cancelled') return current;
      const share = gateShare(current);
      const counters = addCounters({
        held: -share.held,
        pending: -share.pending,
        waitlisted: -share.waitlisted,
        checkedIn: -share.checkedIn,
        cancelled: 1,
      });
      try {
        await this.transact([
          this.statusChange(current, current.status, 'cancelled', now, {
            cancelledAt: now.toISOString(),
            cancelledBy: by,
          }),
          this.counterUpdate(registration.eventId, counters),
        ]);
        return (await this.getByKey(this.keyOf(registration))) ?? current;
      } catch (error) {
        if (cancellationCodes(error)?.[0] !== 'ConditionalCheckFailed') throw error;
        latest = await this.getByKey(this.keyOf(registration)); // changed meanwhile: look again
      }
    }
    throw new AppError('not_found', 'Registration not found');
  }

  /** Double opt-in: the emailed link turns a held seat into a confirmed one. */
  async confirm(registration: RegistrationRecord, now: Date): Promise<RegistrationRecord> {
    if (registration.status === 'cancelled') {
      throw new AppError('invalid_state', 'This registration has been cancelled');
    }
    if (registration.status !== 'pending_confirmation') return registration;
    if ((registration.holdExpiresAt ?? '') <= now.toISOString()) {
      await this.cancel(registration, 'expired', now);
      throw new AppError('confirmation_expired', 'The time to confirm has passed; please register again');
    }
    const counters = addCounters({ pending: -1 });
    try {
      await this.transact([
        this.statusChange(registration, 'pending_confirmation', 'confirmed', now, {
          confirmedAt: now.toISOString(),
        }),
        this.counterUpdate(registration.eventId, counters),
      ]);
    } catch (error) {
      if (cancellationCodes(error)?.[0] !== 'ConditionalCheckFailed') throw error;
      const latest = await this.getByKey(this.keyOf(registration));
      if (!latest) throw new AppError('not_found', 'Registration not found');
      return latest.status === 'pending_confirmation' ? this.confirm(latest, now) : latest;
    }
    return (await this.getByKey(this.keyOf(registration))) ?? registration;
  }

  /** Releases the seats of unconfirmed registrations whose hold has lapsed. */
  async releaseExpiredHolds(eventId: string, now: Date): Promise<number> {
    const lapsed = await this.queryRegistrations(eventId, {
      FilterExpression: '#status = :pending AND holdExpiresAt <= :now',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':pending': 'pending_confirmation', ':now': now.toISOString() },
    });
    for (const registration of lapsed) await this.cancel(registration, 'expired', now);
    return lapsed.length;
  }

  async checkIn(registration: RegistrationRecord, now: Date): Promise<RegistrationRecord> {
    if (registration.checkedInAt) return registration;
    if (registration.status !== 'confirmed') {
      throw new AppError('invalid_state', 'Only a confirmed registration can be checked in');
    }
    return this.setCheckIn(registration, now.toISOString(), now);
  }

  async undoCheckIn(registration: RegistrationRecord, now: Date): Promise<RegistrationRecord> {
    if (!registration.checkedInAt) return registration;
    return this.setCheckIn(registration, undefined, now);
  }

  private async setCheckIn(registration: RegistrationRecord, at: string | undefined, now: Date) {
    const expression = at
      ? 'SET checkedInAt = :at, updatedAt = :now'
      : 'REMOVE checkedInAt SET updatedAt = :now';
    try {
      await this.transact([
        {
          Update: {
            TableName: this.tableName,
            Key: this.keyOf(registration),
            UpdateExpression: expression,
            ConditionExpression: `#status = :confirmed AND ${at ? 'attribute_not_exists' : 'attribute_exists'}(checkedInAt)`,
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':confirmed': 'confirmed',
              ':now': now.toISOString(),
              ...(at ? { ':at': at } : {}),
            },
          },
        },
        this.counterUpdate(registration.eventId, addCounters({ checkedIn: at ? 1 : -1 })),
      ]);
    } catch (error) {
      if (cancellationCodes(error)?.[0] !== 'ConditionalCheckFailed') throw error;
      // Someone else checked in or undid it at the same moment: the stored state is the answer.
    }
    return (await this.getByKey(this.keyOf(registration))) ?? registration;
  }

  /**
   * The organiser seats someone from the waitlist out of turn: a free seat if there is
   * one, otherwise one more seat (capacity + 1), so the event is never oversold.
   */
  async promoteManually(registration: RegistrationRecord, now: Date): Promise<RegistrationRecord> {
    if (registration.status !== 'waitlisted') {
      throw new AppError('invalid_state', 'Only a waitlisted registration can be promoted');
    }
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const gate = await this.events.getGate(registration.eventId);
      if (gate?.status !== 'published') throw new AppError('invalid_state', 'The event is not open');
      const addSeat = gate.capacity !== undefined && gate.held >= gate.capacity;
      const counters = addCounters({ held: 1, waitlisted: -1 });
      const seatCheck = addSeat
        ? '#capacity = :capacity'
        : '(attribute_not_exists(#capacity) OR #held < #capacity)';
      const gateExpression = `${counters.expression}${addSeat ? ' SET #capacity = #capacity + :one' : ''}`;
      const items: TransactItem[] = [
        {
          Update: {
            TableName: this.tableName,
            Key: gateKey(registration.eventId),
            UpdateExpression: gateExpression,
            ConditionExpression: `#status = :published AND ${seatCheck}`,
            ExpressionAttributeNames: namesFor(`${gateExpression} #status ${seatCheck}`),
            ExpressionAttributeValues: {
              ...counters.values,
              ':published': 'published',
              ...(addSeat ? { ':capacity': gate.capacity, ':one': 1 } : {}),
            },
          },
        },
        this.statusChange(registration, 'waitlisted', 'confirmed', now, { confirmedAt: now.toISOString() }),
      ];
      if (addSeat) {
        items.push({
          Update: {
            TableName: this.tableName,
            Key: eventKey(registration.eventId),
            UpdateExpression: 'SET #capacity = :next, updatedAt = :now',
            ExpressionAttributeNames: { '#capacity': 'capacity' },
            ExpressionAttributeValues: { ':next': (gate.capacity ?? 0) + 1, ':now': now.toISOString() },
          },
        });
      }
      try {
        await this.transact(items);
        return (await this.getByKey(this.keyOf(registration))) ?? registration;
      } catch (error) {
        const codes = cancellationCodes(error);
        if (codes?.[1] === 'ConditionalCheckFailed') {
          throw new AppError('invalid_state', 'This registration is no longer on the waitlist');
        }
        if (codes?.[0] !== 'ConditionalCheckFailed') throw error;
      }
    }
    throw new Error('Promotion kept losing races');
  }

  /**
   * Issues one more manage link for an existing registration and flags it for the mailer
   * (the stream carries the flag and the sealed token). Earlier links keep working.
   */
  async requestManageLink(registration: RegistrationRecord, now: Date): Promise<RegistrationRecord> {
    const token = newManageToken();
    const hashes = [...registration.tokenHashes, hashToken(token)].slice(-MAX_MANAGE_LINKS);
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: this.keyOf(registration),
        UpdateExpression: 'SET tokenHashes = :hashes, tokenSealed = :sealed, linkRequestedAt = :now',
        ConditionExpression: 'id = :id',
        ExpressionAttributeValues: {
          ':hashes': hashes,
          ':sealed': sealToken(token, this.settings.tokenKey),
          ':now': now.toISOString(),
          ':id': registration.id,
        },
      }),
    );
    return { ...registration, tokenHashes: hashes, linkRequestedAt: now.toISOString() };
  }

  /**
   * GDPR erasure: the person's data goes; an anonymous tombstone keeps the counts and
   * the day of registration. A seat they held goes to the waitlist.
   */
  async erase(registration: RegistrationRecord, now: Date): Promise<void> {
    const share = gateShare(registration);
    await this.transact([
      {
        Delete: {
          TableName: this.tableName,
          Key: this.keyOf(registration),
          ConditionExpression: 'id = :id AND #status = :status',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':id': registration.id, ':status': registration.status },
        },
      },
      {
        Put: {
          TableName: this.tableName,
          Item: {
            ...erasedKey(registration.eventId, registration.id),
            status: registration.status,
            createdAt: registration.createdAt,
            checkedIn: Boolean(registration.checkedInAt),
            erasedAt: now.toISOString(),
          },
        },
      },
      this.counterUpdate(
        registration.eventId,
        addCounters({ held: -share.held, pending: -share.pending, waitlisted: -share.waitlisted, erased: 1 }),
      ),
    ]).catch((error) => {
      if (cancellationCodes(error)?.[0] === 'ConditionalCheckFailed') {
        throw new AppError('invalid_state', 'The registration changed meanwhile; reload and try again');
      }
      throw error;
    });
    if (share.held) await this.fillFreeSeats(registration.eventId, now);
  }

  /** Manage links carry only the registration id: find it, then read it consistently. */
  async getById(registrationId: string): Promise<RegistrationRecord | undefined> {
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: tableSchema.indexes.byParent.name,
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': registrationIdIndexKey(registrationId).gsi1pk },
        ProjectionExpression: 'pk, sk',
      }),
    );
    const found = Items[0];
    if (!found) return undefined;
    const registration = await this.getByKey({ pk: String(found.pk), sk: String(found.sk) });
    return registration?.id === registrationId ? registration : undefined;
  }

  /** 1-based place in the queue: how many still wait with an earlier ticket, plus one. */
  async waitlistPosition(registration: RegistrationRecord): Promise<number | undefined> {
    if (registration.status !== 'waitlisted' || registration.waitTicket === undefined) return undefined;
    const ahead = await this.queryAll({
      ...this.waitlistQuery(registration.eventId),
      KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk < :ticket',
      ExpressionAttributeValues: {
        ':pk': waitlistPartition(registration.eventId),
        ':ticket': registration.waitTicket,
      },
    });
    return ahead.length + 1;
  }

  /** Every waitlisted registration's position, for admin listings. */
  async waitlistPositions(eventId: string): Promise<Map<string, number>> {
    const queue = await this.queryAll(this.waitlistQuery(eventId));
    return new Map(queue.map((item, index) => [String(item.id), index + 1]));
  }

  private waitlistQuery(eventId: string): QueryCommandInput {
    return {
      TableName: this.tableName,
      IndexName: tableSchema.indexes.waitlist.name,
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': waitlistPartition(eventId) },
      ProjectionExpression: 'id',
    };
  }

  /** A page of an event's registrations (stored order), optionally of one status. */
  async list(
    eventId: string,
    options: { status?: RegistrationStatus; limit?: number; cursor?: Record<string, unknown> },
  ): Promise<{ items: RegistrationRecord[]; next?: Record<string, unknown> }> {
    const page = await this.db.send(
      new QueryCommand({
        ...this.registrationsQuery(eventId),
        ...(options.status
          ? {
              FilterExpression: '#status = :status',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: {
                ...this.registrationsQuery(eventId).ExpressionAttributeValues,
                ':status': options.status,
              },
            }
          : {}),
        Limit: options.limit ?? 50,
        ExclusiveStartKey: options.cursor,
      }),
    );
    return { items: (page.Items ?? []).map(toRegistration), next: page.LastEvaluatedKey };
  }

  /** Every registration of an event (exports, stats, sweeps). */
  async all(eventId: string): Promise<RegistrationRecord[]> {
    return this.queryRegistrations(eventId, {});
  }

  /** Anonymous tombstones of erased registrations (status, day, check-in). */
  async erased(
    eventId: string,
  ): Promise<{ status: RegistrationStatus; createdAt: string; checkedIn: boolean }[]> {
    const items = await this.queryAll({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': eventKey(eventId).pk, ':prefix': ERASED_PREFIX },
    });
    return items.map((item) => ({
      status: item.status as RegistrationStatus,
      createdAt: String(item.createdAt),
      checkedIn: item.checkedIn === true,
    }));
  }

  private async queryRegistrations(
    eventId: string,
    filter: Pick<
      QueryCommandInput,
      'FilterExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
    >,
  ): Promise<RegistrationRecord[]> {
    const base = this.registrationsQuery(eventId);
    const items = await this.queryAll({
      ...base,
      ...filter,
      ExpressionAttributeValues: { ...base.ExpressionAttributeValues, ...filter.ExpressionAttributeValues },
    });
    return items.map(toRegistration);
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
    let cursor: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(new QueryCommand({ ...input, ExclusiveStartKey: cursor }));
      items.push(...(page.Items ?? []));
      cursor = page.LastEvaluatedKey;
    } while (cursor);
    return items;
  }

  private async getByKey(key: { pk: string; sk: string }): Promise<RegistrationRecord | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
    );
    return Item ? toRegistration(Item) : undefined;
  }

  private keyOf(registration: RegistrationRecord) {
    return registrationKey(registration.eventId, registration.emailKey);
  }

  private registrationItem(registration: RegistrationRecord) {
    return {
      ...this.keyOf(registration),
      ...registrationIdIndexKey(registration.id),
      ...(registration.status === 'waitlisted' && registration.waitTicket !== undefined
        ? waitlistIndexKey(registration.eventId, registration.waitTicket)
        : {}),
      ...registration,
    };
  }

  /** A registration's move from one status to another, only if it is still in the first. */
  private statusChange(
    registration: RegistrationRecord,
    from: RegistrationStatus,
    to: RegistrationStatus,
    now: Date,
    set: Record<string, string>,
  ): TransactItem {
    const assignments = Object.keys(set).map((name) => `#${name} = :${name}`);
    // Leaving the waitlist drops the sparse index entry; leaving a held seat drops the hold.
    const removals = ['gsi2pk', 'gsi2sk', ...(to === 'cancelled' ? ['checkedInAt'] : [])];
    if (!('holdExpiresAt' in set)) removals.push('holdExpiresAt');
    const expression = `SET #status = :to, #updatedAt = :now${assignments.map((a) => `, ${a}`).join('')} REMOVE ${removals.join(', ')}`;
    return {
      Update: {
        TableName: this.tableName,
        Key: this.keyOf(registration),
        UpdateExpression: expression,
        ConditionExpression: '#status = :from AND #id = :id',
        ExpressionAttributeNames: namesFor(`${expression} #id`),
        ExpressionAttributeValues: {
          ':from': from,
          ':to': to,
          ':id': registration.id,
          ':now': now.toISOString(),
          ...Object.fromEntries(Object.entries(set).map(([name, value]) => [`:${name}`, value])),
        },
      },
    };
  }

  private counterUpdate(eventId: string, counters: ReturnType<typeof addCounters>): TransactItem {
    return {
      Update: {
        TableName: this.tableName,
        Key: gateKey(eventId),
        UpdateExpression: counters.expression,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: namesFor(counters.expression),
        ExpressionAttributeValues: counters.values,
      },
    };
  }

  private async transact(items: TransactItem[]): Promise<void> {
    await this.db.send(new TransactWriteCommand({ TransactItems: items }));
  }
}
