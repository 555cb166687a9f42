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
import { type EventStore, gateFromItems } from '../events/store.js';
import { AppError } from '../platform/errors.js';
import {
  ERASED_PREFIX,
  erasedKey,
  eventKey,
  GATE_SK,
  gateKey,
  REGISTRATION_PREFIX,
  registrationIdIndexKey,
  registrationKey,
  WAITING_PREFIX,
  waitingCountKey,
  waitingCountsBefore,
  waitlistIndexKey,
  waitlistPartition,
} from '../platform/keys.js';
import { personalDataExpiresAt } from '../platform/privacy.js';
import { backoff, cancellationCodes, isRetryable, retrying } from '../platform/retry.js';
import { tableSchema } from '../platform/table.js';
import { emailKey, hashToken, newId, newManageToken, sealToken } from '../platform/tokens.js';
import {
  type Answers,
  arrivalSecond,
  byArrival,
  canPromote,
  decideRegistration,
  gateConditions,
  holdUntil,
  isLive,
  MAX_MANAGE_LINKS,
  newRegistration,
  type RegistrationRecord,
  type SeatDecision,
  shardHasRoom,
  TICKETS_PER_SECOND,
} from './model.js';
import type { RegistrationInput, RegistrationStatus } from './schemas.js';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export type RegisterOutcome =
  | { kind: 'created'; registration: RegistrationRecord; token: string; waitlistPosition?: number }
  | { kind: 'already_registered'; registration: RegistrationRecord };

export interface RegistrationSettings {
  tokenKey: Buffer;
  holdMinutes: number;
  /** The pause after losing a race for a shard (tests shorten it). */
  pause?: (attempt: number) => Promise<void>;
}

/** How many times a registration re-decides after the gate moved under it. */
const MAX_ROUNDS = 50;
/**
 * How often a container looks for lapsed holds before waitlisting someone: the look reads every
 * registration of the event, so in a rush it must not happen on each request (the tick or the
 * next look releases the rest; holds last hours, so a minute more changes little).
 */
const HOLD_SWEEP_INTERVAL_MS = 60_000;
/** Shards found full from a possibly stale view before reading the gate again. */
const MAX_MISSES = 2;

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
  'shard',
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

const plus = (...all: Record<string, number>[]): Record<string, number> => {
  const sum: Record<string, number> = {};
  for (const deltas of all)
    for (const [name, delta] of Object.entries(deltas)) sum[name] = (sum[name] ?? 0) + delta;
  return sum;
};

/** The view with one shard seen full: the next attempt picks another. */
const withoutRoom = (gate: Gate, shard: number): Gate => ({
  ...gate,
  shards: gate.shards.map((s) => (s.shard === shard ? { ...s, held: s.capacity ?? s.held } : s)),
});

/** Builds `ADD #a :a, #b :b` from signed deltas, leaving out zeros. */
const addCounters = (deltas: Record<string, number>) => {
  const entries = Object.entries(deltas).filter(([, delta]) => delta !== 0);
  return {
    expression: entries.length ? `ADD ${entries.map(([name]) => `#${name} :d_${name}`).join(', ')}` : '',
    values: Object.fromEntries(entries.map(([name, delta]) => [`:d_${name}`, delta])),
  };
};

/**
 * DynamoDB adapter for registrations. Every change of seats is one transaction that
 * moves the gate's counters and the registration together, under conditions that
 * re-check the rules; contention and throttling are retried with jittered backoff.
 */
export class RegistrationStore {
  private readonly db: DynamoDBDocumentClient;
  /** When this container last looked for each event's lapsed holds (see makeRoom). */
  private readonly holdSweeps = new Map<string, number>();

  constructor(
    private readonly direct: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly events: EventStore,
    private readonly settings: RegistrationSettings,
  ) {
    // Contention and throttling are retried on every call; condition failures come straight back.
    // The one exception is a new registration's transaction (see register).
    this.db = retrying(direct);
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
    let misses = 0;
    let busy = 0;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const fresh = gate === undefined;
      if (fresh) misses = 0;
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
        token,
        tokenKey: this.settings.tokenKey,
        holdMinutes: this.settings.holdMinutes,
        now,
      });
      try {
        // Not through the retrying client: a shard busy with another transaction is a reason
        // to try another shard (decided afresh after a pause) rather than queue on that one.
        await this.direct.send(
          new TransactWriteCommand({
            TransactItems: [
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
              ...this.waitingCount(registration, 1),
            ],
          }),
        );
        if (decision.kind === 'seat') return { kind: 'created', registration, token };
        return { kind: 'created', token, ...(await this.afterWaitlisting(registration, now)) };
      } catch (error) {
        if (isRetryable(error)) {
          await (this.settings.pause ?? backoff)(++busy);
          continue;
        }
        const codes = cancellationCodes(error);
        if (codes?.[1] === 'ConditionalCheckFailed') {
          const existing = await this.getByKey(key);
          if (existing && isLive(existing)) {
            return { kind: 'already_registered', registration: await this.requestManageLink(existing, now) };
          }
        } else if (codes?.[0] !== 'ConditionalCheckFailed') throw error;
        // That shard is full (or the gate moved): try another shard with room, then read again.
        const retryOnView = decision.kind === 'seat' && gate && ++misses <= MAX_MISSES;
        gate = retryOnView && gate ? withoutRoom(gate, decision.shard) : undefined;
      }
    }
    // Every round lost a race (a rush on few shards): the person may simply try again.
    throw new AppError(
      'busy',
      'Too many people are registering for this event at this instant; please try again in a few seconds',
    );
  }

  /**
   * A waitlist place taken while a seat came free on another shard (shards are separate
   * items, so the waitlist condition cannot see them all): seat the queue now. Otherwise the
   * place in the queue, from the same read (the shards and the earlier seconds' counts sort
   * together).
   */
  private async afterWaitlisting(
    registration: RegistrationRecord,
    now: Date,
  ): Promise<{ registration: RegistrationRecord; waitlistPosition?: number }> {
    const [{ gate, earlier }, sameSecond] = await Promise.all([
      this.shardsAndEarlierWaiting(registration),
      this.aheadInSameSecond(registration),
    ]);
    if (gate && canPromote(gate) && (await this.fillFreeSeats(registration.eventId, now)) > 0) {
      const latest = (await this.getByKey(this.keyOf(registration))) ?? registration;
      return { registration: latest, waitlistPosition: await this.waitlistPosition(latest) };
    }
    return { registration, waitlistPosition: earlier + sameSecond + 1 };
  }

  /** Before someone joins the waitlist: lapsed holds and waiting seats are settled first. */
  private async makeRoom(eventId: string, gate: Gate, now: Date): Promise<boolean> {
    let changed = false;
    if (gate.pending > 0 && this.holdSweepDue(eventId, now)) {
      changed = (await this.releaseExpiredHolds(eventId, now)) > 0;
    }
    if (canPromote(gate)) changed = (await this.fillFreeSeats(eventId, now)) > 0 || changed;
    return changed;
  }

  /** Whether this container last looked for the event's lapsed holds long enough ago (and notes it). */
  private holdSweepDue(eventId: string, now: Date): boolean {
    const last = this.holdSweeps.get(eventId);
    if (last !== undefined && now.getTime() - last < HOLD_SWEEP_INTERVAL_MS) return false;
    if (this.holdSweeps.size > 1000) this.holdSweeps.clear(); // bounded: a container serves few events
    this.holdSweeps.set(eventId, now.getTime());
    return true;
  }

  private gateUpdate(eventId: string, decision: SeatDecision, now: Date): TransactItem {
    const seat = decision.kind === 'seat';
    const pending = seat && decision.status === 'pending_confirmation';
    return this.shardUpdate(
      eventId,
      decision.shard,
      seat ? { held: 1, pending: pending ? 1 : 0 } : { waitlisted: 1 },
      seat ? gateConditions.seat : gateConditions.waitlist,
      {
        ':published': 'published',
        ':now': now.toISOString(),
        ':zero': 0,
        ...(seat ? { ':requireConfirmation': pending } : { ':true': true }),
      },
    );
  }

  /**
   * Moves people from the head of the waitlist into free seats (on any shard), one
   * transaction each, until no seat is free or nobody waits. Safe to run concurrently and
   * repeatedly: a person moves only while still waitlisted, a seat is taken only while free.
   */
  async fillFreeSeats(eventId: string, now: Date): Promise<number> {
    let promoted = 0;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const gate = await this.events.getGate(eventId);
      if (!gate || !canPromote(gate)) return promoted;
      const room = new Map(
        gate.shards
          .filter(shardHasRoom)
          .map((s) => [s.shard, s.capacity === undefined ? Infinity : s.capacity - s.held]),
      );
      const free = [...room.values()].reduce((sum, seats) => sum + seats, 0);
      const heads = await this.waitlistHead(eventId, Math.min(free, gate.waitlisted, 25));
      if (heads.length === 0) return promoted; // the index has not caught up yet; the next pass will
      for (const head of heads) {
        const open = [...room].filter(([, seats]) => seats > 0).map(([shard]) => shard);
        const target = open[Math.floor(Math.random() * open.length)];
        if (target === undefined) break;
        const result = await this.promoteHead(head, target, gate.requireConfirmation, now);
        if (result === 'no_seat') break; // first in line first: read again rather than skip them
        if (result === 'promoted') {
          promoted++;
          room.set(target, (room.get(target) ?? 1) - 1);
        }
      }
    }
    return promoted;
  }

  /**
   * A waitlisted person's move into a seat on `shard`: their status change, what the seat
   * moves on that shard (`onShard`), and the writes elsewhere (the shard that counted them
   * waiting, when it is another, and their per-second waiting count).
   */
  private seatFromWaitlist(head: RegistrationRecord, shard: number, requireConfirmation: boolean, now: Date) {
    const status: RegistrationStatus = requireConfirmation ? 'pending_confirmation' : 'confirmed';
    const home = head.shard ?? 0;
    return {
      change: this.statusChange(head, 'waitlisted', status, now, {
        shard,
        ...(requireConfirmation
          ? { holdExpiresAt: holdUntil(now, this.settings.holdMinutes) }
          : { confirmedAt: now.toISOString() }),
      }),
      onShard: { held: 1, pending: requireConfirmation ? 1 : 0, waitlisted: home === shard ? -1 : 0 },
      elsewhere: [
        ...(home === shard ? [] : [this.shardUpdate(head.eventId, home, { waitlisted: -1 })]),
        ...this.waitingCount(head, -1),
      ],
    };
  }

  private async promoteHead(
    head: RegistrationRecord,
    target: number,
    requireConfirmation: boolean,
    now: Date,
  ): Promise<'promoted' | 'gone' | 'no_seat'> {
    const { change, onShard, elsewhere } = this.seatFromWaitlist(head, target, requireConfirmation, now);
    try {
      await this.transact([
        this.shardUpdate(head.eventId, target, onShard, gateConditions.promotion, {
          ':published': 'published',
        }),
        change,
        ...elsewhere,
      ]);
      return 'promoted';
    } catch (error) {
      const codes = cancellationCodes(error);
      if (codes?.[0] === 'ConditionalCheckFailed') return 'no_seat';
      if (codes?.[1] === 'ConditionalCheckFailed') return 'gone';
      throw error;
    }
  }

  /** The oldest waitlisted registrations, first in line first. */
  private async waitlistHead(eventId: string, limit: number): Promise<RegistrationRecord[]> {
    const { ProjectionExpression: _everything, ...query } = this.waitlistQuery(eventId);
    const { Items = [] } = await this.db.send(new QueryCommand({ ...query, Limit: Math.max(1, limit) }));
    return Items.map(toRegistration).sort(byArrival);
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

  /**
   * A held seat freed while people wait goes to the first of them in the same transaction:
   * with the seats spread over shards, a free seat would otherwise be visible to newcomers
   * on its shard for a moment before the waitlist got it.
   */
  private async markCancelled(
    registration: RegistrationRecord,
    by: NonNullable<RegistrationRecord['cancelledBy']>,
    now: Date,
  ): Promise<RegistrationRecord> {
    let latest: RegistrationRecord | undefined = registration;
    let passOn = true;
    for (let round = 0; round < MAX_ROUNDS && latest; round++) {
      const current: RegistrationRecord = latest;
      if (current.status === 'cancelled') return current;
      const share = gateShare(current);
      const shard = current.shard ?? 0;
      const release = {
        held: -share.held,
        pending: -share.pending,
        waitlisted: -share.waitlisted,
        checkedIn: -share.checkedIn,
        cancelled: 1,
      };
      const heir = share.held && passOn ? await this.heirOf(current) : undefined;
      const handOver = heir && this.seatFromWaitlist(heir.head, shard, heir.requireConfirmation, now);
      const items: TransactItem[] = [
        this.statusChange(current, current.status, 'cancelled', now, {
          cancelledAt: now.toISOString(),
          cancelledBy: by,
        }),
        handOver
          ? this.shardUpdate(
              registration.eventId,
              shard,
              plus(release, handOver.onShard),
              '#status = :published',
              { ':published': 'published' },
            )
          : this.shardUpdate(registration.eventId, shard, release),
      ];
      if (handOver) items.push(handOver.change, ...handOver.elsewhere);
      items.push(...this.waitingCount(current, -1));
      try {
        await this.transact(items);
        return (await this.getByKey(this.keyOf(registration))) ?? current;
      } catch (error) {
        const codes = cancellationCodes(error);
        if (codes?.[0] === 'ConditionalCheckFailed') {
          latest = await this.getByKey(this.keyOf(registration)); // changed meanwhile: look again
        } else if (codes?.[1] === 'ConditionalCheckFailed') {
          passOn = false; // the event is no longer open: the seat is simply freed
        } else if (codes?.[2] !== 'ConditionalCheckFailed') throw error;
        // else the heir moved meanwhile (promoted, cancelled): the next one gets the seat
      }
    }
    throw new AppError('not_found', 'Registration not found');
  }

  /** Who gets a seat given back now: the head of the waitlist, if the event is open. */
  private async heirOf(registration: RegistrationRecord) {
    const gate = await this.events.getGate(registration.eventId);
    if (gate?.status !== 'published' || gate.waitlisted === 0) return undefined;
    const [head] = await this.waitlistHead(registration.eventId, 1);
    return head && { head, requireConfirmation: gate.requireConfirmation };
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
    try {
      await this.transact([
        this.statusChange(registration, 'pending_confirmation', 'confirmed', now, {
          confirmedAt: now.toISOString(),
        }),
        this.shardUpdate(registration.eventId, registration.shard ?? 0, { pending: -1 }),
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
        this.shardUpdate(registration.eventId, registration.shard ?? 0, { checkedIn: at ? 1 : -1 }),
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
    const home = registration.shard ?? 0;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const gate = await this.events.getGate(registration.eventId);
      if (gate?.status !== 'published') throw new AppError('invalid_state', 'The event is not open');
      // A free seat, on their own shard if it has one; else one more seat on their own shard.
      const withRoom = gate.shards.filter(shardHasRoom);
      const target = withRoom.find((s) => s.shard === home) ?? withRoom[0];
      const own = gate.shards.find((s) => s.shard === home);
      const shard = target?.shard ?? home;
      const { change, onShard, elsewhere } = this.seatFromWaitlist(registration, shard, false, now);
      const items: TransactItem[] = [
        target
          ? this.shardUpdate(registration.eventId, shard, onShard, gateConditions.promotion, {
              ':published': 'published',
            })
          : this.shardUpdate(
              registration.eventId,
              shard,
              onShard,
              '#status = :published AND #capacity = :capacity',
              {
                ':published': 'published',
                ':capacity': own?.capacity,
              },
              'SET #capacity = #capacity + :one',
            ),
        change,
        ...elsewhere,
      ];
      if (!target) {
        items.push({
          Update: {
            TableName: this.tableName,
            Key: eventKey(registration.eventId),
            UpdateExpression: 'SET #capacity = #capacity + :one, updatedAt = :now',
            ExpressionAttributeNames: { '#capacity': 'capacity' },
            ExpressionAttributeValues: { ':one': 1, ':now': now.toISOString() },
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
            // Which shard counted them, so the counts can still be checked against the items.
            shard: registration.shard ?? 0,
          },
        },
      },
      this.shardUpdate(registration.eventId, registration.shard ?? 0, {
        held: -share.held,
        pending: -share.pending,
        waitlisted: -share.waitlisted,
        erased: 1,
      }),
      ...this.waitingCount(registration, -1),
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

  /**
   * 1-based place in the queue: how many still wait ahead, plus one. Those who arrived in an
   * earlier second are summed from the per-second counts; only those of the same second are
   * counted on the waitlist index. So the cost follows the arrival rate, not the queue length,
   * and no item is hot (the counts are per shard).
   */
  async waitlistPosition(registration: RegistrationRecord): Promise<number | undefined> {
    if (registration.status !== 'waitlisted' || registration.waitTicket === undefined) return undefined;
    const [{ earlier }, sameSecond] = await Promise.all([
      this.shardsAndEarlierWaiting(registration),
      this.aheadInSameSecond(registration),
    ]);
    return earlier + sameSecond + 1;
  }

  /** One consistent read: the seat shards, and how many wait from seconds before this one's. */
  private async shardsAndEarlierWaiting(registration: RegistrationRecord) {
    const items = await this.queryAll({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :first AND :last',
      ExpressionAttributeValues: {
        ':pk': eventKey(registration.eventId).pk,
        ':first': GATE_SK,
        ':last': waitingCountsBefore(arrivalSecond(registration.waitTicket ?? 0)),
      },
      ConsistentRead: true,
    });
    const counts = items.filter((item) => String(item.sk).startsWith(WAITING_PREFIX));
    return {
      gate: gateFromItems(items),
      earlier: counts.reduce((sum, item) => sum + Number(item.count ?? 0), 0),
    };
  }

  /** Those waiting who arrived in the same second and before (ties: by id), from the index. */
  private async aheadInSameSecond(registration: RegistrationRecord): Promise<number> {
    const ticket = registration.waitTicket ?? 0;
    const query = this.waitlistQuery(registration.eventId);
    const sameSecond = await this.queryAll({
      ...query,
      KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk BETWEEN :from AND :ticket',
      ExpressionAttributeValues: {
        ...query.ExpressionAttributeValues,
        ':from': arrivalSecond(ticket) * TICKETS_PER_SECOND,
        ':ticket': ticket,
      },
    });
    return sameSecond.filter(
      (item) => byArrival({ id: String(item.id), waitTicket: Number(item.gsi2sk) }, registration) < 0,
    ).length;
  }

  /** The per-second waiting counts as stored, by sort key (reconciliation checks them). */
  async waitingCounts(eventId: string): Promise<Map<string, number>> {
    const items = await this.queryAll({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': eventKey(eventId).pk, ':prefix': WAITING_PREFIX },
      ConsistentRead: true,
    });
    return new Map(items.map((item) => [String(item.sk), Number(item.count ?? 0)]));
  }

  /** Every waitlisted registration's position, for admin listings. */
  async waitlistPositions(eventId: string): Promise<Map<string, number>> {
    const queue = (await this.queryAll(this.waitlistQuery(eventId)))
      .map((item) => ({ id: String(item.id), waitTicket: Number(item.gsi2sk) }))
      .sort(byArrival);
    return new Map(queue.map((item, index) => [item.id, index + 1]));
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
  ): Promise<{ status: RegistrationStatus; createdAt: string; checkedIn: boolean; shard: number }[]> {
    const items = await this.queryAll({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': eventKey(eventId).pk, ':prefix': ERASED_PREFIX },
    });
    return items.map((item) => ({
      status: item.status as RegistrationStatus,
      createdAt: String(item.createdAt),
      checkedIn: item.checkedIn === true,
      shard: Number(item.shard ?? 0),
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
    set: Record<string, string | number>,
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

  /** The per-second waiting count a waitlisted registration is in, moved by `delta`. */
  private waitingCount(registration: RegistrationRecord, delta: 1 | -1): TransactItem[] {
    if (registration.status !== 'waitlisted' || registration.waitTicket === undefined) return [];
    return [
      {
        Update: {
          TableName: this.tableName,
          Key: waitingCountKey(
            registration.eventId,
            arrivalSecond(registration.waitTicket),
            registration.shard ?? 0,
          ),
          UpdateExpression: 'ADD #count :delta',
          ExpressionAttributeNames: { '#count': 'count' },
          ExpressionAttributeValues: { ':delta': delta },
        },
      },
    ];
  }

  /**
   * Moves one shard's counters by `deltas`, under `condition` (by default only that the
   * shard exists). `extra` adds a SET clause (a seat added by hand).
   */
  private shardUpdate(
    eventId: string,
    shard: number,
    deltas: Record<string, number>,
    condition = 'attribute_exists(pk)',
    values: Record<string, unknown> = {},
    extra = '',
  ): TransactItem {
    const counters = addCounters(deltas);
    const expression = [counters.expression, extra].filter(Boolean).join(' ');
    const allValues = { ...counters.values, ...values, ...(extra.includes(':one') ? { ':one': 1 } : {}) };
    const names = namesFor(`${condition} ${expression}`);
    const common = {
      TableName: this.tableName,
      Key: gateKey(eventId, shard),
      ConditionExpression: condition,
      ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
      ...(Object.keys(allValues).length ? { ExpressionAttributeValues: allValues } : {}),
    };
    // Nothing to move (a seat handed over on its own shard): the conditions still hold the line.
    return expression ? { Update: { ...common, UpdateExpression: expression } } : { ConditionCheck: common };
  }

  private async transact(items: TransactItem[]): Promise<void> {
    await this.db.send(new TransactWriteCommand({ TransactItems: items }));
  }
}
