import { SEAT_COUNTERS } from '../events/model.js';
import type { EventRepository } from '../events/ports.js';
import { quotaOfSk } from '../platform/keys.js';
import { log } from '../platform/log.js';
import { personalDataExpired } from '../platform/privacy.js';
import type { RegistrationRecord } from './model.js';
import type { Registrations } from './registrations.js';

/** Sets seat counters to recomputed values, only where they are still as seen; false when one moved. */
export interface CounterRepairs {
  apply(eventId: string, seen: Record<string, unknown>[], drift: Drift[]): Promise<boolean>;
}

/** What reconciliation works with: both stores, the counter repairs, the clock. */
export interface ReconcileContext {
  events: EventRepository;
  registrations: Registrations;
  repairs: CounterRepairs;
  clock: () => Date;
}

/**
 * Reconciliation: recomputes each seat shard's counters from the items they count, reports
 * any drift and, asked to, repairs it. Every change of seats moves the seat quotas and the items in
 * one transaction, so drift means a bug or a hand edit; this is how it gets noticed (run on
 * a schedule in AWS, `npm run reconcile` locally).
 *
 * What each counter counts:
 * - held, pending, waitlisted: the live registrations in those statuses (exact);
 * - checkedIn: live registrations checked in, plus erased ones that were (exact);
 * - erased: the erasure tombstones (exact);
 * - cancelled: cancellations ever made. A new registration may replace a cancelled one under
 *   the same address, so the items give only a lower bound: less than that is drift, more is not.
 */

export const COUNTERS = SEAT_COUNTERS;
export type Counter = (typeof COUNTERS)[number];
export type Counters = Record<Counter, number>;

export interface Drift {
  shard: number;
  counter: Counter;
  stored: number;
  actual: number;
}

export interface ReconcileReport {
  eventId: string;
  status: 'consistent' | 'drift' | 'repaired' | 'skipped';
  /** Why it was skipped: no such event, personal data expired (items gone by TTL), or too busy. */
  reason?: string;
  stored?: Counters;
  actual?: Counters;
  drift: Drift[];
}

export interface ReconcileOptions {
  repair?: boolean;
  now?: Date;
}

type Tombstone = { status: RegistrationRecord['status']; checkedIn: boolean; shard: number };

export const countersFromItems = (live: RegistrationRecord[], erased: Tombstone[]): Counters => {
  const count = (status: RegistrationRecord['status']) => live.filter((r) => r.status === status).length;
  return {
    held: count('confirmed') + count('pending_confirmation'),
    pending: count('pending_confirmation'),
    waitlisted: count('waitlisted'),
    cancelled: count('cancelled') + erased.filter((t) => t.status === 'cancelled').length,
    checkedIn: live.filter((r) => r.checkedInAt).length + erased.filter((t) => t.checkedIn).length,
    erased: erased.length,
  };
};

export const driftOf = (stored: Counters, actual: Counters, shard = 0): Drift[] =>
  COUNTERS.filter((counter) =>
    counter === 'cancelled' ? stored.cancelled < actual.cancelled : stored[counter] !== actual[counter],
  ).map((counter) => ({ shard, counter, stored: stored[counter], actual: actual[counter] }));

const storedCounters = (seats: Record<string, unknown>): Counters =>
  Object.fromEntries(COUNTERS.map((counter) => [counter, Number(seats[counter] ?? 0)])) as Counters;

const total = (all: Counters[]): Counters =>
  Object.fromEntries(
    COUNTERS.map((counter) => [counter, all.reduce((sum, counters) => sum + counters[counter], 0)]),
  ) as Counters;

/** What a change of seats moves on the shards (attribute order in an item is not to be relied on). */
const fingerprint = (shards: Record<string, unknown>[]): string =>
  JSON.stringify(
    shards.map((shard) => [...COUNTERS, 'version', 'capacity', 'status'].map((name) => shard[name] ?? null)),
  );

/** How many times a snapshot is tried while registrations keep moving the seats. */
const SNAPSHOT_ATTEMPTS = 5;

/**
 * The shards, and the counters their items give, from one quiet moment: the shards are read
 * before and after the items, and the two reads must agree. Every change of seats moves a
 * counter, and all but a check-in undone within the same instant move one that never goes
 * back (cancelled, erased) or a net one (held), so equal reads mean the items were read in between.
 */
const snapshot = async (services: ReconcileContext, eventId: string) => {
  for (let attempt = 0; attempt < SNAPSHOT_ATTEMPTS; attempt++) {
    const before = await services.events.shardItems(eventId);
    if (before.length === 0) return undefined;
    const [live, erased] = await Promise.all([
      services.registrations.all(eventId),
      services.registrations.erased(eventId),
    ]);
    const after = await services.events.shardItems(eventId);
    if (fingerprint(after) === fingerprint(before)) {
      return after.map((item) => {
        const shard = quotaOfSk(String(item.sk));
        const hosted = live.filter((r) => r.shard === shard);
        const buried = erased.filter((t) => t.shard === shard);
        return { item, shard, stored: storedCounters(item), actual: countersFromItems(hosted, buried) };
      });
    }
  }
  return 'busy' as const;
};

/** Writes the recomputed counters where they are still as seen (the adapter: dynamodb/repairs.ts). */
export const applyRepair = (
  services: Pick<ReconcileContext, 'repairs'>,
  eventId: string,
  seen: Record<string, unknown>[],
  drift: Drift[],
): Promise<boolean> => services.repairs.apply(eventId, seen, drift);

export const reconcile = async (
  services: ReconcileContext,
  eventId: string,
  { repair = false, now = services.clock() }: ReconcileOptions = {},
): Promise<ReconcileReport> => {
  const found = await services.events.get(eventId);
  if (!found) return { eventId, status: 'skipped', reason: 'no such event', drift: [] };
  // Past this point DynamoDB TTL deletes the registrations but keeps the counts: not drift.
  if (personalDataExpired(found.event.endsAt, now)) {
    return { eventId, status: 'skipped', reason: 'personal data expired', drift: [] };
  }
  for (let attempt = 0; attempt < SNAPSHOT_ATTEMPTS; attempt++) {
    const shards = await snapshot(services, eventId);
    if (!shards) return { eventId, status: 'skipped', reason: 'no gate', drift: [] };
    if (shards === 'busy') break;
    const drift = shards.flatMap(({ shard, stored, actual }) => driftOf(stored, actual, shard));
    const report = {
      eventId,
      stored: total(shards.map((s) => s.stored)),
      actual: total(shards.map((s) => s.actual)),
      drift,
    };
    if (drift.length === 0) return { ...report, status: 'consistent' };
    // Counter names and numbers only: the log never gets who is behind them.
    log.warn('gate counters drifted', { eventId, drift, repair });
    if (!repair) return { ...report, status: 'drift' };
    if (
      await applyRepair(
        services,
        eventId,
        shards.map((s) => s.item),
        drift,
      )
    ) {
      // Seats a wrong `held` kept from the waitlist are given out now.
      await services.registrations.fillFreeSeats(eventId, now);
      return { ...report, status: 'repaired' };
    }
    // The shards moved between the snapshot and the write: look again.
  }
  return { eventId, status: 'skipped', reason: 'too busy; try again later', drift: [] };
};

export const reconcileAll = async (
  services: ReconcileContext,
  options: ReconcileOptions & { eventIds?: string[] } = {},
): Promise<ReconcileReport[]> => {
  const reports: ReconcileReport[] = [];
  for (const eventId of options.eventIds ?? (await services.events.allEventIds())) {
    try {
      reports.push(await reconcile(services, eventId, options));
    } catch (error) {
      // One event failing must not stop the others.
      log.error('reconcile failed', { eventId, error });
      reports.push({ eventId, status: 'skipped', reason: 'failed; see the log', drift: [] });
    }
  }
  return reports;
};
