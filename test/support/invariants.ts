import { expect } from 'vitest';
import type { TestApp } from './app.js';

/** What must hold for any event at rest: counters equal the items they count, never oversold. */
export const expectConsistent = async (app: TestApp, eventId: string) => {
  const gate = await app.services.events.getGate(eventId);
  const all = await app.services.registrations.all(eventId);
  const count = (status: string) => all.filter((r) => r.status === status).length;
  const positions = await app.services.registrations.waitlistPositions(eventId);
  expect(gate).toBeDefined();
  expect({
    held: gate?.held,
    pending: gate?.pending,
    waitlisted: gate?.waitlisted,
    checkedIn: gate?.checkedIn,
    waitlistIndex: positions.size,
  }).toEqual({
    held: count('confirmed') + count('pending_confirmation'),
    pending: count('pending_confirmation'),
    waitlisted: count('waitlisted'),
    checkedIn: all.filter((r) => r.checkedInAt).length,
    waitlistIndex: count('waitlisted'),
  });
  if (gate?.capacity !== undefined) expect(gate.held).toBeLessThanOrEqual(gate.capacity);
  return { gate, all, count };
};
