import { erasedKey, eventKey, seatQuotaKey } from '../../platform/keys.js';
import { tableSchema } from '../../platform/table.js';
import type { TransactItem } from '../../platform/transaction.js';
import { archivedEmailKey } from '../lifecycle.js';
import { type RegistrationRecord, type RsvpAnswer, type SeatDecision, seatConditions } from '../model.js';
import type { RegistrationStatus } from '../schemas.js';
import { keyOf, toItem } from './mapper.js';

/** The condition that an answer (`:rsvpOrder`) comes after the one stored (answersLater). */
export const RSVP_IS_LATER = '(attribute_not_exists(#rsvpOrder) OR #rsvpOrder < :rsvpOrder)';

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

/**
 * The items registration transactions are made of, each with the condition that re-checks the
 * rule it depends on. Building them reads nothing; the use cases put them together, by name,
 * into transactions (platform/transaction.ts).
 */
export class RegistrationWrites {
  constructor(private readonly tableName: string) {}

  /**
   * A new registration: only if none exists for this email, or, when `replacing`, only over that
   * cancelled registration (which `archived` keeps in the same transaction).
   */
  newRegistration(
    registration: RegistrationRecord,
    personalDataExpiresAt: number,
    replacing?: RegistrationRecord,
  ): TransactItem {
    return {
      Put: {
        TableName: this.tableName,
        // Personal data goes by TTL some days after the event; the seat quotas keep the counts.
        Item: { ...toItem(registration), [tableSchema.timeToLiveAttribute]: personalDataExpiresAt },
        ...(replacing
          ? {
              ConditionExpression: '#id = :replaced AND #status = :cancelled',
              ExpressionAttributeNames: { '#id': 'id', '#status': 'status' },
              ExpressionAttributeValues: { ':replaced': replacing.id, ':cancelled': 'cancelled' },
            }
          : { ConditionExpression: 'attribute_not_exists(pk)' }),
      },
    };
  }

  /** A cancelled registration kept under a key of its own when its address registers again. */
  archived(registration: RegistrationRecord, personalDataExpiresAt: number): TransactItem {
    const kept = { ...registration, emailKey: archivedEmailKey(registration.emailKey, registration.id) };
    return {
      Put: {
        TableName: this.tableName,
        Item: { ...toItem(kept), [tableSchema.timeToLiveAttribute]: personalDataExpiresAt },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
  }

  /** The seat (or waitlist place) a new registration takes on its quota, under the event's rules. */
  seatTaken(eventId: string, decision: SeatDecision, now: Date): TransactItem {
    const seat = decision.kind === 'seat';
    const pending = seat && decision.status === 'pending_confirmation';
    return this.seatQuota(
      eventId,
      decision.shard,
      seat ? { held: 1, pending: pending ? 1 : 0 } : { waitlisted: 1 },
      seat ? seatConditions.seat : seatConditions.waitlist,
      {
        ':published': 'published',
        ':now': now.toISOString(),
        ':zero': 0,
        ...(seat ? { ':requireConfirmation': pending } : { ':true': true }),
      },
    );
  }

  /** A registration's move from one status to another, only if it is still in the first. */
  statusChange(
    registration: RegistrationRecord,
    from: RegistrationStatus,
    to: RegistrationStatus,
    now: Date,
    set: Record<string, string | number>,
    /** A further condition (its own `:values`; `#names` in it are named too). */
    also?: { condition: string; values: Record<string, string | number> },
  ): TransactItem {
    const assignments = Object.keys(set).map((name) => `#${name} = :${name}`);
    // Leaving the waitlist drops the sparse index entry; leaving a held seat drops the hold.
    const removals = ['gsi2pk', 'gsi2sk', ...(to === 'cancelled' ? ['checkedInAt'] : [])];
    if (!('holdExpiresAt' in set)) removals.push('holdExpiresAt');
    const expression = `SET #status = :to, #updatedAt = :now${assignments.map((a) => `, ${a}`).join('')} REMOVE ${removals.join(', ')}`;
    return {
      Update: {
        TableName: this.tableName,
        Key: keyOf(registration),
        UpdateExpression: expression,
        ConditionExpression: `#status = :from AND #id = :id${also ? ` AND ${also.condition}` : ''}`,
        ExpressionAttributeNames: namesFor(`${expression} #id ${also?.condition ?? ''}`),
        ExpressionAttributeValues: {
          ':from': from,
          ':to': to,
          ':id': registration.id,
          ':now': now.toISOString(),
          ...Object.fromEntries(Object.entries(set).map(([name, value]) => [`:${name}`, value])),
          ...also?.values,
        },
      },
    };
  }

  /**
   * Moves one seat quota's counters by `deltas`, under `condition` (by default only that the
   * quota exists). `extra` adds a SET clause (a seat added by hand).
   */
  seatQuota(
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
      Key: seatQuotaKey(eventId, shard),
      ConditionExpression: condition,
      ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
      ...(Object.keys(allValues).length ? { ExpressionAttributeValues: allValues } : {}),
    };
    // Nothing to move (a seat handed over on its own quota): the conditions still hold the line.
    return expression ? { Update: { ...common, UpdateExpression: expression } } : { ConditionCheck: common };
  }

  /** Check-in set (`at`) or undone, only on a confirmed registration in the other state. */
  checkIn(registration: RegistrationRecord, at: string | undefined, now: Date): TransactItem {
    const expression = at
      ? 'SET checkedInAt = :at, updatedAt = :now'
      : 'REMOVE checkedInAt SET updatedAt = :now';
    return {
      Update: {
        TableName: this.tableName,
        Key: keyOf(registration),
        UpdateExpression: expression,
        ConditionExpression: `#status = :confirmed AND ${at ? 'attribute_not_exists' : 'attribute_exists'}(checkedInAt)`,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':confirmed': 'confirmed',
          ':now': now.toISOString(),
          ...(at ? { ':at': at } : {}),
        },
      },
    };
  }

  /**
   * A moment that happens once to a seat holder, stamped only the first time and only on a
   * confirmed registration: the personal join link's first use (`joinedAt`), "still coming"
   * (`reconfirmedAt`).
   */
  stampedOnce(
    registration: RegistrationRecord,
    attribute: 'joinedAt' | 'reconfirmedAt',
    now: Date,
  ): TransactItem {
    return {
      Update: {
        TableName: this.tableName,
        Key: keyOf(registration),
        UpdateExpression: `SET ${attribute} = :now, updatedAt = :now`,
        ConditionExpression: `#status = :confirmed AND #id = :id AND attribute_not_exists(${attribute})`,
        ExpressionAttributeNames: { '#status': 'status', '#id': 'id' },
        ExpressionAttributeValues: {
          ':confirmed': 'confirmed',
          ':id': registration.id,
          ':now': now.toISOString(),
        },
      },
    };
  }

  /** A calendar's answer kept, only on a live registration and only over an earlier answer. */
  rsvp(registration: RegistrationRecord, answer: RsvpAnswer, now: Date): TransactItem {
    return {
      Update: {
        TableName: this.tableName,
        Key: keyOf(registration),
        UpdateExpression: 'SET rsvp = :rsvp, rsvpAt = :at, rsvpOrder = :rsvpOrder, updatedAt = :now',
        ConditionExpression: `#status <> :cancelled AND id = :id AND ${RSVP_IS_LATER}`,
        ExpressionAttributeNames: { '#status': 'status', '#rsvpOrder': 'rsvpOrder' },
        ExpressionAttributeValues: {
          ':rsvp': answer.rsvp,
          ':at': answer.at,
          ':rsvpOrder': answer.order,
          ':cancelled': 'cancelled',
          ':id': registration.id,
          ':now': now.toISOString(),
        },
      },
    };
  }

  /** One more seat on the event itself (its quotas get it in the same transaction). */
  oneMoreSeat(eventId: string, now: Date): TransactItem {
    return {
      Update: {
        TableName: this.tableName,
        Key: eventKey(eventId),
        UpdateExpression: 'SET #capacity = #capacity + :one, updatedAt = :now',
        ExpressionAttributeNames: { '#capacity': 'capacity' },
        ExpressionAttributeValues: { ':one': 1, ':now': now.toISOString() },
      },
    };
  }

  /** The person's data removed, only while it is as the caller saw it. */
  removal(registration: RegistrationRecord): TransactItem {
    return {
      Delete: {
        TableName: this.tableName,
        Key: keyOf(registration),
        ConditionExpression: 'id = :id AND #status = :status',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':id': registration.id, ':status': registration.status },
      },
    };
  }

  /** What is left of an erased registration: anonymous, for the counts. */
  tombstone(registration: RegistrationRecord, now: Date): TransactItem {
    return {
      Put: {
        TableName: this.tableName,
        Item: {
          ...erasedKey(registration.eventId, registration.id),
          status: registration.status,
          createdAt: registration.createdAt,
          checkedIn: Boolean(registration.checkedInAt),
          erasedAt: now.toISOString(),
          // Which quota counted them, so the counts can still be checked against the items.
          shard: registration.shard,
        },
      },
    };
  }
}
