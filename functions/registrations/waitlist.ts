import { failedConditions, Transaction } from '../platform/transaction.js';
import { canPromote, holdUntil, type RegistrationRecord, seatConditions, shardHasRoom } from './model.js';
import { MAX_ROUNDS, type RegistrationContext } from './ports.js';
import type { RegistrationStatus } from './schemas.js';

/**
 * The waitlist: who is next in line, their move into a free seat, and places in the queue.
 * A move is one transaction, conditioned on the person still waiting and the seat still free,
 * so it is safe to run concurrently and again.
 */

/**
 * A waitlisted person's move into a seat on quota `shard`: their status change, what the seat
 * moves on that quota (`onQuota`), and the write elsewhere (the quota that counted them
 * waiting, when it is another).
 */
export const seatFromWaitlist = (
  { table, settings }: RegistrationContext,
  nextInLine: RegistrationRecord,
  shard: number,
  requireConfirmation: boolean,
  now: Date,
) => {
  const status: RegistrationStatus = requireConfirmation ? 'pending_confirmation' : 'confirmed';
  const home = nextInLine.shard;
  return {
    change: table.writes.statusChange(nextInLine, 'waitlisted', status, now, {
      shard,
      ...(requireConfirmation
        ? { holdExpiresAt: holdUntil(now, settings.holdMinutes) }
        : { confirmedAt: now.toISOString() }),
    }),
    onQuota: { held: 1, pending: requireConfirmation ? 1 : 0, waitlisted: home === shard ? -1 : 0 },
    elsewhere: home === shard ? [] : [table.writes.seatQuota(nextInLine.eventId, home, { waitlisted: -1 })],
  };
};

/**
 * Moves people from the head of the waitlist into free seats (on any quota), one
 * transaction each, until no seat is free or nobody waits.
 */
export const fillFreeSeats = async (context: RegistrationContext, eventId: string, now: Date) => {
  let promoted = 0;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const seats = await context.quotas.getSeatQuotas(eventId);
    if (!seats || !canPromote(seats)) return promoted;
    const room = new Map(
      seats.shards
        .filter(shardHasRoom)
        .map((s) => [s.shard, s.capacity === undefined ? Infinity : s.capacity - s.held]),
    );
    const free = [...room.values()].reduce((sum, left) => sum + left, 0);
    const heads = await context.table.waitlistHead(eventId, Math.min(free, seats.waitlisted, 25));
    if (heads.length === 0) return promoted; // the index has not caught up yet; the next pass will
    for (const head of heads) {
      const open = [...room].filter(([, left]) => left > 0).map(([shard]) => shard);
      const target = open[Math.floor(Math.random() * open.length)];
      if (target === undefined) break;
      const result = await promoteNextInLine(context, head, target, seats.requireConfirmation, now);
      if (result === 'no_seat') break; // first in line first: read again rather than skip them
      if (result === 'promoted') {
        promoted++;
        room.set(target, (room.get(target) ?? 1) - 1);
      }
    }
  }
  return promoted;
};

const promoteNextInLine = async (
  context: RegistrationContext,
  nextInLine: RegistrationRecord,
  target: number,
  requireConfirmation: boolean,
  now: Date,
): Promise<'promoted' | 'gone' | 'no_seat'> => {
  const { table } = context;
  const { change, onQuota, elsewhere } = seatFromWaitlist(
    context,
    nextInLine,
    target,
    requireConfirmation,
    now,
  );
  const transaction = new Transaction()
    .add(
      'seat',
      table.writes.seatQuota(nextInLine.eventId, target, onQuota, seatConditions.promotion, {
        ':published': 'published',
      }),
    )
    .add('nextInLine', change)
    .add('elsewhere', ...elsewhere);
  try {
    await table.write(transaction);
    return 'promoted';
  } catch (error) {
    const failed = failedConditions(error);
    if (failed.has('seat')) return 'no_seat';
    if (failed.has('nextInLine')) return 'gone';
    throw error;
  }
};

/**
 * 1-based place in the queue: how many still wait ahead, plus one, counted on the waitlist
 * index. Asked for by the manage page and the waitlist email, never in a rush's requests (the
 * `201` gives a provisional place), so counting the queue ahead costs less than keeping a count
 * beside each arrival: that count was one more item in every waitlisted registration's
 * transaction, a fifth of the waitlisting path's throughput (`npm run bench`).
 */
export const waitlistPosition = async (
  { table }: RegistrationContext,
  registration: RegistrationRecord,
): Promise<number | undefined> => {
  if (registration.status !== 'waitlisted' || registration.waitTicket === undefined) return undefined;
  return (await table.aheadInQueue(registration)) + 1;
};

/** Every waitlisted registration's position, for admin listings. */
export const waitlistPositions = async ({ table }: RegistrationContext, eventId: string) =>
  new Map((await table.waitlistQueue(eventId)).map((item, index) => [item.id, index + 1]));
