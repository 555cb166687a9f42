import { AppError } from '../platform/errors.js';
import { failedConditions, Transaction } from '../platform/transaction.js';
import { type RegistrationRecord, seatConditions, shardHasRoom } from './model.js';
import { MAX_ROUNDS, type RegistrationContext } from './ports.js';
import { seatFromWaitlist } from './waitlist.js';

/**
 * The organiser seats someone from the waitlist out of turn: a free seat if there is
 * one, otherwise one more seat (capacity + 1), so the event is never oversold.
 */
export const promoteOutOfTurn = async (
  context: RegistrationContext,
  registration: RegistrationRecord,
  now: Date,
): Promise<RegistrationRecord> => {
  const { table, quotas } = context;
  if (registration.status !== 'waitlisted') {
    throw new AppError('invalid_state', 'Only a waitlisted registration can be promoted');
  }
  const home = registration.shard;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const seats = await quotas.getSeatQuotas(registration.eventId);
    if (seats?.status !== 'published') throw new AppError('invalid_state', 'The event is not open');
    // A free seat, on their own quota if it has one; else one more seat on their own quota.
    const withRoom = seats.shards.filter(shardHasRoom);
    const target = withRoom.find((s) => s.shard === home) ?? withRoom[0];
    const own = seats.shards.find((s) => s.shard === home);
    const shard = target?.shard ?? home;
    const { change, onQuota, elsewhere } = seatFromWaitlist(context, registration, shard, false, now);
    const transaction = new Transaction()
      .add(
        'seat',
        target
          ? table.writes.seatQuota(registration.eventId, shard, onQuota, seatConditions.promotion, {
              ':published': 'published',
            })
          : table.writes.seatQuota(
              registration.eventId,
              shard,
              onQuota,
              '#status = :published AND #capacity = :capacity',
              { ':published': 'published', ':capacity': own?.capacity },
              'SET #capacity = #capacity + :one',
            ),
      )
      .add('promoted', change)
      .add('elsewhere', ...elsewhere);
    if (!target) transaction.add('oneMoreSeat', table.writes.oneMoreSeat(registration.eventId, now));
    try {
      await table.write(transaction);
      return (await table.get(registration)) ?? registration;
    } catch (error) {
      const failed = failedConditions(error);
      if (failed.has('promoted')) {
        throw new AppError('invalid_state', 'This registration is no longer on the waitlist');
      }
      if (!failed.has('seat')) throw error;
    }
  }
  throw new Error('Promotion kept losing races');
};
