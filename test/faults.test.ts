import { type DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { newEventRecord } from '../functions/events/model.js';
import { EventIdTaken } from '../functions/events/ports.js';
import { eventCreateInput } from '../functions/events/schemas.js';
import { EventStore } from '../functions/events/store.js';
import { processQueueMessage } from '../functions/queue/fanout.js';
import { manageLink, startTestApp, type TestApp } from './support/app.js';
import { interceptSend, throttling, transactionConflict } from './support/faults.js';
import { expectConsistent } from './support/invariants.js';

/**
 * DynamoDB Local never throttles and rarely conflicts, so this wrapper injects the faults
 * a real table produces under a rush (the only mock on this path). Some are raised
 * before the call reaches the table; some after the write was applied, as when a
 * response is lost and the call is retried.
 */

const SEED = Number(process.env.FAULT_SEED ?? Date.now() % 100_000);

const random = (() => {
  let state = SEED;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
})();

const faults = { conflicts: 0, throttles: 0, lostResponses: 0 };

const faulty = (doc: DynamoDBDocumentClient, rate: number): DynamoDBDocumentClient =>
  interceptSend(doc, async (command, send) => {
    const roll = random();
    const isTransaction = command instanceof TransactWriteCommand;
    if (roll < rate * 0.4 && isTransaction) {
      faults.conflicts++;
      throw transactionConflict(command.input.TransactItems?.length ?? 1);
    }
    if (roll < rate * 0.7) {
      faults.throttles++;
      throw throttling();
    }
    const result = await send(command);
    if (roll < rate && isTransaction) {
      faults.lostResponses++;
      throw throttling(); // applied, but the caller is told to try again
    }
    return result;
  });

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp((doc) => faulty(doc, 0.3));
  console.info(`fault injection seed: FAULT_SEED=${SEED}`);
});

describe('registration under injected conflicts, throttling and lost responses', () => {
  it('loses no seat and doubles none, through registrations and cancellations', async () => {
    const eventId = await app.publishedEvent({ capacity: 30 });
    const people = Array.from({ length: 100 }, (_, i) => ({
      name: `P${i}`,
      email: `p${i}@example.com`,
      consent: true,
    }));

    const responses = await Promise.all(
      people.map((body) => app.call('POST', `/api/events/${eventId}/registrations`, { body })),
    );

    // A lost response makes the retry find its own registration: answered as already registered.
    expect(
      responses.every(
        (r) => r.status === 201 || (r.status === 200 && r.body.status === 'already_registered'),
      ),
    ).toBe(true);
    const first = await expectConsistent(app, eventId);
    expect(first.all.map((r) => r.email).sort()).toEqual(people.map((p) => p.email).sort());
    expect(first.count('confirmed')).toBe(30);
    expect(first.count('waitlisted')).toBe(70);

    const seated = responses.filter((r) => r.status === 201 && r.body.registration.status === 'confirmed');
    const leaving = seated.slice(0, 10);
    const waitingByTicket = first.all
      .filter((r) => r.status === 'waitlisted')
      .sort((a, b) => (a.waitTicket ?? 0) - (b.waitTicket ?? 0));
    await Promise.all(
      leaving.map((r) => {
        const { id, token } = manageLink(r.body.manageUrl);
        return app.call('POST', `/api/registrations/${id}/cancel?token=${token}`);
      }),
    );

    const after = await expectConsistent(app, eventId);
    expect(after.count('confirmed')).toBe(30);
    expect(after.count('cancelled')).toBe(10);
    const statusOf = (id: string) => after.all.find((r) => r.id === id)?.status;
    expect(waitingByTicket.slice(0, 10).map((r) => statusOf(r.id))).toEqual(Array(10).fill('confirmed'));
    expect(waitingByTicket.slice(10).map((r) => statusOf(r.id))).toEqual(Array(60).fill('waitlisted'));
    expect(faults.conflicts + faults.throttles + faults.lostResponses).toBeGreaterThan(20);
    expect(faults.lostResponses).toBeGreaterThan(0);
  });
});

describe('reconfirmation under injected conflicts, throttling and lost responses', () => {
  it('"I\'m coming" and the deadline: each seat kept or released once, the line seated in order', async () => {
    const day = 86_400_000;
    const eventId = await app.publishedEvent({
      capacity: 10,
      reconfirmBy: new Date(Date.now() + 6 * day).toISOString(),
    });
    const people = Array.from({ length: 20 }, (_, i) => ({
      name: `R${i}`,
      email: `r${i}@example.com`,
      consent: true,
    }));
    const responses = [];
    // One after another, so the waitlist order is the order of this list.
    for (const body of people)
      responses.push(await app.call('POST', `/api/events/${eventId}/registrations`, { body }));
    const first = await expectConsistent(app, eventId);
    const seated = first.all.filter((r) => r.status === 'confirmed');
    const waiting = first.all
      .filter((r) => r.status === 'waitlisted')
      .sort((a, b) => (a.waitTicket ?? 0) - (b.waitTicket ?? 0));
    expect([seated.length, waiting.length]).toEqual([10, 10]);

    // Half the seat holders answer, each twice at once.
    const answering = seated.slice(0, 5);
    const links = await Promise.all(
      answering.map(async (r) => ({ id: r.id, token: await app.emailedToken(r.id) })),
    );
    const answers = await Promise.all(
      links.flatMap(({ id, token }) =>
        [1, 2].map(() => app.call('POST', `/api/registrations/${id}/reconfirm?token=${token}`)),
      ),
    );
    expect(answers.map((r) => r.status)).toEqual(Array(10).fill(200));

    // The deadline, run twice at once (a retried schedule), through the fan-out worker's page.
    const after = new Date(Date.now() + 6 * day + 60_000);
    const deps = {
      registrations: app.services.registrations,
      events: app.services.events,
      send: async () => ({ status: 'skipped' as const, reason: 'stale' as const }),
      queue: { enqueue: async () => {} },
      clock: () => after,
      pageSize: 100,
    };
    const job = { kind: 'release' as const, eventId, sequence: 0 };
    const runs = await Promise.allSettled([1, 2].map(() => processQueueMessage({ type: 'page', job }, deps)));
    // A run may give up on faults (the queue redelivers it): one more, as the redelivery would.
    if (runs.some((run) => run.status === 'rejected')) await processQueueMessage({ type: 'page', job }, deps);

    const end = await expectConsistent(app, eventId);
    const statusOf = (id: string) => end.all.find((r) => r.id === id);
    for (const r of answering) expect(statusOf(r.id)).toMatchObject({ status: 'confirmed' });
    for (const r of seated.slice(5)) {
      expect(statusOf(r.id)).toMatchObject({ status: 'cancelled', cancelledBy: 'not_reconfirmed' });
    }
    expect(waiting.slice(0, 5).map((r) => statusOf(r.id)?.status)).toEqual(Array(5).fill('confirmed'));
    expect(waiting.slice(5).map((r) => statusOf(r.id)?.status)).toEqual(Array(5).fill('waitlisted'));
    expect(end.count('confirmed')).toBe(10);
    expect(end.count('cancelled')).toBe(5);
  });
});

describe('creating an event', () => {
  const draft = (id: string, now: Date) =>
    newEventRecord(
      eventCreateInput.parse({
        title: 'Deux fois le même titre',
        format: 'online',
        startsAt: new Date(now.getTime() + 86_400_000).toISOString(),
        endsAt: new Date(now.getTime() + 90_000_000).toISOString(),
      }),
      { id, organiserId: 'media-aces', organiserName: 'Media Aces' },
      now,
    );

  it('after a lost answer, the retry finds its own event: created, not taken', async () => {
    let transactions = 0;
    const losing = interceptSend(app.doc, async (command, send) => {
      const first = command instanceof TransactWriteCommand && ++transactions === 1;
      const result = await send(command);
      if (first) throw throttling(); // applied, answer lost
      return result;
    });
    const event = draft(`lost-answer-${Date.now()}`, new Date());
    await expect(new EventStore(losing, app.tableName).create(event)).resolves.toBeUndefined();
    expect(transactions).toBeGreaterThanOrEqual(2); // the applied one, and a retry its condition refused
    expect((await app.services.events.get(event.id))?.event.title).toBe(event.title);
  });

  it('two creates of one id with the same title, organiser and instant: one has it, the other is told it is taken', async () => {
    const now = new Date();
    const id = `twins-${now.getTime()}`;
    const outcomes = await Promise.allSettled([1, 2].map(() => app.services.events.create(draft(id, now))));
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = outcomes.find((outcome) => outcome.status === 'rejected');
    expect(refused?.status === 'rejected' && refused.reason).toBeInstanceOf(EventIdTaken);
  });
});
