import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { type DynamoDBDocumentClient, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { MailLedger } from '../functions/notify/ledger.js';
import { seatQuotaKey } from '../functions/platform/keys.js';
import { applyRepair, reconcile, reconcileAll } from '../functions/registrations/reconcile.js';
import { RECONCILE_SUMMARY } from '../lib/monitoring.js';
import { type CallResult, manageLink, startTestApp, type TestApp } from './support/app.js';
import { spawnOverTable } from './support/dynamo.js';
import { interceptSend, namedError, throttling, transactionConflict } from './support/faults.js';
import { expectConsistent } from './support/invariants.js';

/**
 * Faults across the chain, each at every DynamoDB call of an operation in turn: the k-th call
 * (k = 1..N, N counted in a clean run) of registering, cancelling, promoting, raising the
 * capacity and erasing fails with a transaction conflict, throttling, a timeout before the
 * write, or a timeout after it (applied, answer lost). Deterministic: no randomness picks the
 * fault. Whatever the answer, the table at rest is consistent; after what a restarted runtime
 * does (the tick) the operation is either fully applied or not at all; a client retry then
 * applies it. Then a burst in another process, SIGKILLed mid-way, and the reconciliation.
 */

type Fault = 'conflict' | 'throttle' | 'timeout' | 'lost';
const FAULTS: Fault[] = ['conflict', 'throttle', 'timeout', 'lost'];

/** The only mock here: DynamoDB Local neither conflicts, throttles nor times out on demand. */
const plan = { armed: false, calls: 0, transactions: 0, failAt: 0, fault: 'throttle' as Fault, hit: '' };

const faulty = (doc: DynamoDBDocumentClient): DynamoDBDocumentClient =>
  interceptSend(doc, async (command, send) => {
    if (!plan.armed) return send(command);
    const isTransaction = command instanceof TransactWriteCommand;
    plan.calls++;
    if (isTransaction) plan.transactions++;
    // Conflicts only happen to transactions: for them k counts transactions.
    const due =
      plan.fault === 'conflict'
        ? isTransaction && plan.transactions === plan.failAt
        : plan.calls === plan.failAt;
    if (!due) return send(command);
    plan.hit = command.constructor.name;
    switch (plan.fault) {
      case 'conflict':
        throw transactionConflict(command.input.TransactItems?.length ?? 1);
      case 'throttle':
        throw throttling();
      case 'timeout':
        throw namedError('TimeoutError', 'Connection timed out after 3000 ms');
      case 'lost': {
        await send(command); // applied; the answer never arrives
        throw namedError('TimeoutError', 'Socket timed out without a response');
      }
    }
  });

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp(faulty);
});

// ---------------------------------------------------------------------------------------------
// The operations, on a small fixture: `capacity` seats, people a, b seated and c, d waiting.

type State = { people: Record<string, string>; capacity: number | undefined };

interface Fixture {
  eventId: string;
  links: Record<string, { id: string; token: string }>;
}

const register = (eventId: string, who: string) =>
  app.call('POST', `/api/events/${eventId}/registrations`, {
    body: { name: who.toUpperCase(), email: `${who}@example.com`, consent: true },
  });

const makeFixture = async (capacity: number, people: string[]): Promise<Fixture> => {
  const eventId = await app.publishedEvent({ capacity });
  const links: Fixture['links'] = {};
  for (const who of people) {
    const response = await register(eventId, who);
    expect(response.status).toBe(201);
    links[who] = manageLink(response.body.manageUrl);
  }
  return { eventId, links };
};

const stateOf = async (eventId: string): Promise<State> => {
  const all = await app.services.registrations.all(eventId);
  const seats = await app.services.events.getSeatQuotas(eventId);
  return {
    people: Object.fromEntries(all.map((r) => [r.email.split('@')[0] ?? '', r.status]).sort()),
    capacity: seats?.capacity,
  };
};

const C = 'confirmed';
const W = 'waitlisted';
const X = 'cancelled';

interface Operation {
  name: string;
  capacity: number;
  people: string[];
  run: (fixture: Fixture) => Promise<CallResult>;
  /** The state once the operation and the promotions it causes are done. */
  applied: State;
  /** Answers a client's retry may get once the first attempt was applied. */
  retryAnswers?: number[];
  /** Whether the client's retry alone finishes the work (else the next sweep does). */
  retryFinishes?: boolean;
}

const admin = (fixture: Fixture, method: string, path: string, body?: unknown) =>
  app.call(method, `/api/admin/events/${fixture.eventId}${path}`, { organiser: 'media-aces', body });

const operations: Operation[] = [
  {
    name: 'register into a free seat',
    capacity: 3,
    people: ['a', 'b'],
    run: (f) => register(f.eventId, 'e'),
    applied: { people: { a: C, b: C, e: C }, capacity: 3 },
  },
  {
    name: 'register onto the waitlist',
    capacity: 2,
    people: ['a', 'b', 'c', 'd'],
    run: (f) => register(f.eventId, 'e'),
    applied: { people: { a: C, b: C, c: W, d: W, e: W }, capacity: 2 },
  },
  {
    name: 'cancel (the head of the waitlist is promoted)',
    capacity: 2,
    people: ['a', 'b', 'c', 'd'],
    run: (f) => app.call('POST', `/api/registrations/${f.links.a?.id}/cancel?token=${f.links.a?.token}`),
    applied: { people: { a: X, b: C, c: C, d: W }, capacity: 2 },
  },
  {
    name: 'promote out of turn (one more seat)',
    capacity: 2,
    people: ['a', 'b', 'c', 'd'],
    run: (f) => admin(f, 'POST', `/registrations/${f.links.d?.id}/promote`),
    applied: { people: { a: C, b: C, c: W, d: C }, capacity: 3 },
    retryAnswers: [409], // "no longer on the waitlist": the lost first attempt did it
  },
  {
    name: 'raise the capacity (the waitlist moves up)',
    capacity: 2,
    people: ['a', 'b', 'c', 'd'],
    run: (f) => admin(f, 'PATCH', '', { capacity: 3 }),
    applied: { people: { a: C, b: C, c: C, d: W }, capacity: 3 },
  },
  {
    name: 'erase (the freed seat is given out)',
    capacity: 2,
    people: ['a', 'b', 'c', 'd'],
    run: (f) => admin(f, 'DELETE', `/registrations/${f.links.a?.id}`),
    applied: { people: { b: C, c: C, d: W }, capacity: 2 },
    retryAnswers: [404], // already erased
    // An erasure whose answer was lost is found gone on retry (404), so the seat it freed
    // waits for the next sweep or the next registration's makeRoom.
    retryFinishes: false,
  },
];

const initialState = (operation: Operation): State => ({
  people: Object.fromEntries(operation.people.map((who, i) => [who, i < operation.capacity ? C : W])),
  capacity: operation.capacity,
});

/** What a restarted runtime does for the event: the local tick's work. */
const restart = async (eventId: string) => {
  const now = new Date();
  await app.services.registrations.releaseExpiredHolds(eventId, now);
  await app.services.registrations.fillFreeSeats(eventId, now);
};

const runArmed = async (operation: Operation, fixture: Fixture, fault: Fault, failAt: number) => {
  Object.assign(plan, { armed: true, calls: 0, transactions: 0, failAt, fault, hit: '' });
  try {
    return await operation.run(fixture);
  } finally {
    plan.armed = false;
  }
};

describe('a fault at each DynamoDB call of an operation', () => {
  for (const operation of operations) {
    it(operation.name, { timeout: 120_000 }, async () => {
      // A clean run counts the calls and transactions the operation makes.
      const clean = await makeFixture(operation.capacity, operation.people);
      expect(await stateOf(clean.eventId)).toEqual(initialState(operation));
      const cleanAnswer = await runArmed(operation, clean, 'throttle', 0);
      expect(cleanAnswer.status, JSON.stringify(cleanAnswer.body)).toBeLessThan(300);
      expect(await stateOf(clean.eventId)).toEqual(operation.applied);
      const counted = { calls: plan.calls, transactions: plan.transactions };
      expect(counted.transactions).toBeGreaterThan(0);

      const tried: string[] = [];
      for (const fault of FAULTS) {
        const n = fault === 'conflict' ? counted.transactions : counted.calls;
        for (let k = 1; k <= n; k++) {
          const label = `${operation.name}: ${fault} at call ${k}/${n}`;
          const fixture = await makeFixture(operation.capacity, operation.people);
          const answer = await runArmed(operation, fixture, fault, k);
          if (plan.hit) tried.push(`${fault}@${k}:${plan.hit}`);

          if (fault === 'conflict' || fault === 'throttle') {
            // Contention and throttling are retried inside: the caller never sees them.
            expect(answer.status, `${label}: ${JSON.stringify(answer.body)}`).toBeLessThan(300);
          } else if (answer.status >= 300) {
            expect([answer.status, answer.body?.error?.code], label).toEqual([500, 'internal_error']);
          }
          // At rest, whatever happened: counters equal items, nobody over capacity.
          await expectConsistent(app, fixture.eventId);

          // The client tries again (before the runtime's sweep for odd k, after it for even k).
          const clientRetry = async () => {
            const retry = await operation.run(fixture);
            const fine = retry.status < 300 || (operation.retryAnswers ?? []).includes(retry.status);
            expect(fine, `${label}, retried: ${retry.status} ${JSON.stringify(retry.body)}`).toBe(true);
            await expectConsistent(app, fixture.eventId);
          };
          const failed = answer.status >= 300;
          if (failed && k % 2 === 1) {
            await clientRetry();
            if (operation.retryFinishes !== false) {
              const retried = await stateOf(fixture.eventId);
              expect(retried, `${label}, retried, before any sweep`).toEqual(operation.applied);
            }
          }

          // The process comes back: all of the operation or nothing of it.
          await restart(fixture.eventId);
          await expectConsistent(app, fixture.eventId);
          const after = await stateOf(fixture.eventId);
          if (!failed || k % 2 === 1) expect(after, label).toEqual(operation.applied);
          else expect([initialState(operation), operation.applied], label).toContainEqual(after);

          if (failed && k % 2 === 0) {
            await clientRetry();
            await restart(fixture.eventId);
            expect(await stateOf(fixture.eventId), `${label}, retried`).toEqual(operation.applied);
          }
        }
      }
      // Every fault reached every call of the clean run (timing did not move the count).
      expect(tried.length, tried.join(' ')).toBe(3 * counted.calls + counted.transactions);
    });
  }
});

// ---------------------------------------------------------------------------------------------
// A process killed in the middle of a burst, and the runtime restarted

const CHILD = fileURLToPath(new URL('./support/burst-child.ts', import.meta.url));

const startChild = (env: Record<string, string>): ChildProcess => spawnOverTable(CHILD, app.tableName, env);

const exited = (child: ChildProcess) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once('exit', (code, signal) => done({ code, signal })),
  );

/** Waits until the seat quotas have not moved for a while (bounded): the table is at rest. */
const quiet = async (eventId: string) => {
  let last = '';
  for (let i = 0; i < 40; i++) {
    const now = JSON.stringify(await app.services.events.getSeatQuotas(eventId));
    if (now === last) return;
    last = now;
    await new Promise((done) => setTimeout(done, 150));
  }
  throw new Error('The table never came to rest after the kill');
};

describe('a burst killed mid-way', () => {
  it('SIGKILLed while registering and cancelling: after a restart, counters equal items and no seat is oversold', {
    timeout: 60_000,
  }, async () => {
    const eventId = await app.publishedEvent({ capacity: 10 });
    const BURST = 90;
    const KILL_AFTER = 25;
    const child = startChild({
      MODE: 'burst',
      EVENT_ID: eventId,
      BURST_SIZE: String(BURST),
      BURST_CONCURRENCY: '16',
    });
    let stderr = '';
    child.stderr?.on('data', (chunk) => {
      stderr += chunk;
    });
    const lines: string[] = [];
    const ended = exited(child);
    for await (const line of createInterface({ input: child.stdout as NodeJS.ReadableStream })) {
      lines.push(line);
      if (lines.length === KILL_AFTER) child.kill('SIGKILL');
    }
    const { signal } = await ended;
    expect(signal, `the burst ended on its own: ${stderr}`).toBe('SIGKILL');
    expect(lines).not.toContain('done');
    const registered = lines.filter((line) => line.startsWith('registered')).length;
    console.info(
      `burst killed after ${lines.length} steps (${registered} of ${BURST} registrations answered)`,
    );

    // Requests the dead process had already sent still land on the table; once they have (the
    // seat quotas stop moving), and before anything else runs, it is consistent at rest already.
    await quiet(eventId);
    await expectConsistent(app, eventId);

    const restarted = startChild({ MODE: 'restart', EVENT_ID: eventId });
    let report = '';
    restarted.stdout?.on('data', (chunk) => {
      report += chunk;
    });
    expect((await exited(restarted)).code).toBe(0);
    const restartedWith = JSON.parse(report);
    expect(restartedWith.report).toMatchObject({ eventId, status: 'consistent', drift: [] });
    console.info(`the restart promoted ${restartedWith.promoted} left waiting by the kill`);

    const { seats, count } = await expectConsistent(app, eventId);
    expect(seats?.held).toBeLessThanOrEqual(10);
    // No seat left free while someone waits.
    if ((seats?.waitlisted ?? 0) > 0) expect(seats?.held).toBe(10);
    expect(count('confirmed') + count('waitlisted') + count('cancelled')).toBeGreaterThanOrEqual(registered);
  });
});

// ---------------------------------------------------------------------------------------------
// Reconciliation

const corrupt = (eventId: string, expression: string, values: Record<string, number>) =>
  app.doc.send(
    new UpdateCommand({
      TableName: app.tableName,
      Key: seatQuotaKey(eventId),
      UpdateExpression: expression,
      ExpressionAttributeValues: values,
    }),
  );

describe('reconciliation', () => {
  it('reports a corrupted counter without touching it, then repairs it and seats the waitlist', async () => {
    const { eventId } = await makeFixture(3, ['a', 'b']);
    expect((await reconcile(app.services, eventId)).status).toBe('consistent');

    // A seat counted that nobody holds (so c, arriving next, waits), and check-ins that never were.
    await corrupt(eventId, 'SET held = held + :one, checkedIn = :five', { ':one': 1, ':five': 5 });
    expect((await register(eventId, 'c')).body.registration.status).toBe('waitlisted');
    const report = await reconcile(app.services, eventId);
    expect(report.status).toBe('drift');
    expect(report.drift).toEqual([
      { shard: 0, counter: 'held', stored: 3, actual: 2 },
      { shard: 0, counter: 'checkedIn', stored: 5, actual: 0 },
    ]);
    expect((await app.services.events.getSeatQuotas(eventId))?.held).toBe(3); // reporting changes nothing

    const repaired = await reconcile(app.services, eventId, { repair: true });
    expect(repaired.status).toBe('repaired');
    const { seats } = await expectConsistent(app, eventId);
    expect(seats).toMatchObject({ held: 3, checkedIn: 0, waitlisted: 0 });
    expect((await stateOf(eventId)).people).toEqual({ a: C, b: C, c: C });
    expect((await reconcile(app.services, eventId)).status).toBe('consistent');
  });

  it('a repair computed from counters that moved since is refused', async () => {
    const { eventId } = await makeFixture(2, ['a', 'b', 'c']);
    await corrupt(eventId, 'SET held = held + :one', { ':one': 1 });
    const report = await reconcile(app.services, eventId);
    const seen = await app.services.events.shardItems(eventId);
    // Someone registers between the read and the write.
    expect((await register(eventId, 'late')).status).toBe(201);
    expect(await applyRepair(app.services, eventId, seen, report.drift)).toBe(false);
    expect((await app.services.events.getSeatQuotas(eventId))?.held).toBe(3);
    expect(
      await applyRepair(
        app.services,
        eventId,
        seen.map((shard) => ({ ...shard, waitlisted: 2 })),
        report.drift,
      ),
    ).toBe(true);
    await expectConsistent(app, eventId);
  });

  it('a registration replacing a cancelled one is not drift; a low cancelled count is', async () => {
    const { eventId, links } = await makeFixture(2, ['a']);
    await app.call('POST', `/api/registrations/${links.a?.id}/cancel?token=${links.a?.token}`);
    expect((await register(eventId, 'a')).status).toBe(201); // replaces the cancelled item
    expect((await reconcile(app.services, eventId)).status).toBe('consistent');

    const { eventId: other, links: theirs } = await makeFixture(2, ['a']);
    await app.call('POST', `/api/registrations/${theirs.a?.id}/cancel?token=${theirs.a?.token}`);
    await corrupt(other, 'SET cancelled = :zero', { ':zero': 0 });
    expect((await reconcile(app.services, other)).drift).toEqual([
      { shard: 0, counter: 'cancelled', stored: 0, actual: 1 },
    ]);
  });

  it('the scheduled function (AWS) repairs every drifted event from the environment alone, and counts emails owed', async () => {
    const { eventId } = await makeFixture(2, ['a', 'b', 'c']);
    await corrupt(eventId, 'SET pending = :two', { ':two': 2 });
    // Three mail claims: one left `sending` 20 minutes ago (its worker died), one being sent
    // right now, one sent. Only the first is owed.
    const ledger = new MailLedger(app.doc, app.tableName);
    const expiresAt = Math.ceil(Date.now() / 1000) + 86_400;
    await ledger.claim(eventId, 'stuck', new Date(Date.now() - 20 * 60_000), expiresAt);
    await ledger.claim(eventId, 'in-flight', new Date(), expiresAt);
    await ledger.once(eventId, 'sent', { now: new Date(Date.now() - 20 * 60_000), expiresAt }, async () => ({
      id: 'mail-1',
    }));
    const lines = vi.spyOn(console, 'log');
    const saved = { ...process.env };
    Object.assign(process.env, {
      TABLE_NAME: app.tableName,
      DYNAMODB_ENDPOINT: inject('dynamoEndpoint'),
      AWS_REGION: 'eu-west-3',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      LOG_LEVEL: 'info',
    });
    try {
      const { handler } = await import('../functions/scheduled/reconcile.js');
      const summary = await handler();
      expect(summary.repaired).toBeGreaterThanOrEqual(1);
      expect(summary.repaired).toBe(summary.drifted);
      expect(summary.stuckMailClaims).toBe(1);
      // The alarms read this line through metric filters (lib/monitoring.ts): same message, same fields.
      const written = lines.mock.calls
        .map(([line]) => JSON.parse(String(line)))
        .find((entry) => entry.message === RECONCILE_SUMMARY.message);
      expect(written?.[RECONCILE_SUMMARY.drifted]).toBe(summary.drifted);
      expect(written?.[RECONCILE_SUMMARY.stuckMailClaims]).toBe(1);
    } finally {
      lines.mockRestore();
      process.env = saved;
    }
    await expectConsistent(app, eventId);
  });

  it('reconcileAll finds every event; `npm run reconcile` reports drift (exit 2) and repairs it', {
    timeout: 30_000,
  }, async () => {
    const { eventId } = await makeFixture(2, ['a', 'b', 'c']);
    await corrupt(eventId, 'SET waitlisted = :nine', { ':nine': 9 });
    const all = await reconcileAll(app.services);
    expect(all.find((report) => report.eventId === eventId)?.status).toBe('drift');

    const script = fileURLToPath(new URL('../scripts/reconcile.ts', import.meta.url));
    const run = async (...args: string[]) => {
      const child = spawnOverTable(script, app.tableName, {}, ['--event', eventId, ...args]);
      let out = '';
      child.stdout?.on('data', (chunk) => {
        out += chunk;
      });
      child.stderr?.on('data', (chunk) => {
        out += chunk;
      });
      const { code } = await exited(child);
      return { code, out };
    };
    const reported = await run();
    expect(reported.code, reported.out).toBe(2);
    expect(reported.out).toContain(`${eventId}: DRIFT waitlisted 9 -> 1`);
    const fixed = await run('--repair');
    expect(fixed.code, fixed.out).toBe(0);
    expect(fixed.out).toContain(`${eventId}: repaired waitlisted 9 -> 1`);
    await expectConsistent(app, eventId);
  });
});
