import { expect } from 'vitest';
import { reconcile } from '../../functions/registrations/reconcile.js';
import type { TestApp } from './app.js';

/** What must hold for any event at rest: counters equal the items they count, never oversold. */
export const expectConsistent = async (app: TestApp, eventId: string) => {
  const seats = await app.services.events.getSeatQuotas(eventId);
  const all = await app.services.registrations.all(eventId);
  const count = (status: string) => all.filter((r) => r.status === status).length;
  const positions = await app.services.registrations.waitlistPositions(eventId);
  expect(seats).toBeDefined();
  expect({
    held: seats?.held,
    pending: seats?.pending,
    waitlisted: seats?.waitlisted,
    checkedIn: seats?.checkedIn,
    waitlistIndex: positions.size,
  }).toEqual({
    held: count('confirmed') + count('pending_confirmation'),
    pending: count('pending_confirmation'),
    waitlisted: count('waitlisted'),
    checkedIn: all.filter((r) => r.checkedInAt).length,
    waitlistIndex: count('waitlisted'),
  });
  if (seats?.capacity !== undefined) expect(seats.held).toBeLessThanOrEqual(seats.capacity);
  // Shard by shard too: each counts exactly the registrations it hosts, none is oversold,
  // and their capacities add up to the event's.
  const event = (await app.services.events.get(eventId))?.event;
  const shards = seats?.shards ?? [];
  expect(shards.map((s) => s.shard)).toEqual(shards.map((_, i) => i));
  if (event?.capacity !== null)
    expect(shards.reduce((sum, s) => sum + (s.capacity ?? 0), 0)).toBe(event?.capacity);
  for (const shard of shards) {
    const hosted = all.filter((r) => (r.shard ?? 0) === shard.shard);
    const on = (status: string) => hosted.filter((r) => r.status === status).length;
    expect({
      shard: shard.shard,
      held: shard.held,
      pending: shard.pending,
      waitlisted: shard.waitlisted,
    }).toEqual({
      shard: shard.shard,
      held: on('confirmed') + on('pending_confirmation'),
      pending: on('pending_confirmation'),
      waitlisted: on('waitlisted'),
    });
    if (shard.capacity !== undefined) expect(shard.held).toBeLessThanOrEqual(shard.capacity);
  }
  // And every counter reconciliation recomputes from the items.
  expect((await reconcile(app.services, eventId)).drift).toEqual([]);
  return { seats, all, count };
};
