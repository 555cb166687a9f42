import { randomBytes } from 'node:crypto';
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventRecord } from '../functions/events/model.js';
import { EventStore } from '../functions/events/store.js';
import { byArrival, type RegistrationRecord } from '../functions/registrations/model.js';
import { reconcile } from '../functions/registrations/reconcile.js';
import { Registrations } from '../functions/registrations/registrations.js';
import { withContention } from '../scripts/contention.js';
import { manageLink } from './support/app.js';
import { interceptSend, transactionConflict } from './support/faults.js';
import { expectConsistent } from './support/invariants.js';
import { type NotifyChain, startNotifyChain } from './support/notify.js';

/**
 * Events whose seats are spread over several shard items, under the contention model
 * (transactions touching the same item at once cancel each other, as in DynamoDB), with the
 * whole notification chain running: exact capacity, first in line first, one email each.
 */

let chain: NotifyChain;
let contention: ReturnType<typeof withContention<DynamoDBDocumentClient>>;

beforeAll(async () => {
  chain = await startNotifyChain({
    wrap: (doc) => {
      contention = withContention(doc, { transactionMs: 4 });
      return contention.client;
    },
  });
});
afterAll(() => chain?.stop());

const person = (tag: string) => ({
  name: `Personne ${tag}`,
  email: `${tag}@example.com`,
  consent: true as const,
});

const register = async (eventId: string, tag: string) => {
  const response = await chain.app.call('POST', `/api/events/${eventId}/registrations`, {
    body: person(tag),
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return {
    tag,
    ...manageLink(response.body.manageUrl),
    status: String(response.body.registration.status),
    position: response.body.registration.waitlistPosition as number | undefined,
  };
};

const registerAll = (eventId: string, tags: string[]) =>
  Promise.all(tags.map((tag) => register(eventId, tag)));

const tags = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}${i}`);

const byStatus = (all: RegistrationRecord[], status: string) => all.filter((r) => r.status === status);

/** The waitlist as stored, first in line first. */
const queue = async (eventId: string) =>
  byStatus(await chain.app.services.registrations.all(eventId), 'waitlisted').sort(byArrival);

describe('a rush on a sharded event', () => {
  let eventId: string;
  let first: Awaited<ReturnType<typeof registerAll>>;

  beforeAll(async () => {
    eventId = await chain.app.publishedEvent({ capacity: 40 }, undefined, { shards: 5 });
    contention.reset();
    first = await registerAll(eventId, tags('r', 150));
  });

  it('seats exactly the capacity, every shard within its share, and contention really happened', async () => {
    expect(first.filter((r) => r.status === 'confirmed')).toHaveLength(40);
    expect(first.filter((r) => r.status === 'waitlisted')).toHaveLength(110);
    const { seats } = await expectConsistent(chain.app, eventId);
    expect(seats?.shards).toHaveLength(5);
    for (const shard of seats?.shards ?? []) expect(shard.held).toBe(shard.capacity);
    // The model raised conflicts on the shards, and the retries absorbed them.
    expect(contention.stats().conflicts).toBeGreaterThan(0);
  });

  it('gives the waitlist exact, distinct positions in arrival order, across shards', async () => {
    const late = [];
    for (const tag of tags('late', 3)) late.push(await register(eventId, tag));
    const waiting = await queue(eventId);
    expect(new Set(waiting.map((r) => r.shard ?? 0)).size).toBeGreaterThan(1);
    const positions = await chain.app.services.registrations.waitlistPositions(eventId);
    expect(waiting.map((r) => positions.get(r.id))).toEqual(waiting.map((_, i) => i + 1));
    const asked = await Promise.all(
      waiting.map((registration) => chain.app.services.registrations.waitlistPosition(registration)),
    );
    expect(asked).toEqual(waiting.map((_, i) => i + 1));
    // Each was told, on registering, the place it still has.
    expect(late.map((r) => r.position)).toEqual([111, 112, 113]);
    first.push(...late);
  });

  it('concurrent cancellations and newcomers: the freed seats go to the first in line, never to a newcomer', async () => {
    await chain.mails(); // everyone has heard where they stand before the seats move
    const before = await queue(eventId);
    const leaving = first.filter((r) => r.status === 'confirmed').slice(0, 15);
    const [cancellations, newcomers] = await Promise.all([
      Promise.all(
        leaving.map((r) => chain.app.call('POST', `/api/registrations/${r.id}/cancel?token=${r.token}`)),
      ),
      registerAll(eventId, tags('n', 20)),
    ]);
    expect(cancellations.map((response) => response.status)).toEqual(leaving.map(() => 200));
    expect(newcomers.map((r) => r.status)).toEqual(newcomers.map(() => 'waitlisted'));

    const { all } = await expectConsistent(chain.app, eventId);
    expect(byStatus(all, 'confirmed')).toHaveLength(40);
    const promoted = new Set(
      byStatus(all, 'confirmed')
        .filter((r) => r.waitTicket !== undefined)
        .map((r) => r.id),
    );
    expect([...promoted].sort()).toEqual(
      before
        .slice(0, 15)
        .map((r) => r.id)
        .sort(),
    );
    // Newcomers queue after everyone who was already waiting.
    const after = await queue(eventId);
    expect(after.slice(-20).map((r) => r.name)).toEqual(
      expect.arrayContaining(newcomers.map((r) => `Personne ${r.tag}`)),
    );
  });

  it('sends every person exactly the messages their path calls for, once', async () => {
    const all = await chain.app.services.registrations.all(eventId);
    await chain.mails(); // the chain settles first: every message sent and entered in the ledger
    const ledger = await chain.notifications.ledger.entries(eventId);
    for (const registration of all) {
      const mails = await chain.mails(registration.email);
      const kinds = mails.map(
        (mail) =>
          ledger.find((entry) => entry.mailId === mail.entry.id)?.dedupeKey.split('#')[1] ?? 'not-in-ledger',
      );
      const expected =
        registration.status === 'cancelled'
          ? ['confirmed', 'cancelled_by_attendee']
          : registration.status === 'confirmed' && registration.waitTicket !== undefined
            ? ['waitlisted', 'promoted']
            : [registration.status];
      expect(kinds, registration.email).toEqual(expected);
    }
  });
});

describe('capacity changes on shards', () => {
  it('raising promotes exactly the first in line; lowering below the seats taken is refused', async () => {
    const eventId = await chain.app.publishedEvent({ capacity: 20 }, undefined, { shards: 4 });
    await registerAll(eventId, tags('c', 30));
    const waiting = await queue(eventId);
    const patch = (capacity: number) =>
      chain.app.call('PATCH', `/api/admin/events/${eventId}`, {
        organiser: 'media-aces',
        body: { capacity },
      });

    expect((await patch(25)).status).toBe(200);
    const { all } = await expectConsistent(chain.app, eventId);
    expect(byStatus(all, 'confirmed')).toHaveLength(25);
    expect((await queue(eventId)).map((r) => r.id)).toEqual(waiting.slice(5).map((r) => r.id));

    expect((await patch(24)).status).toBe(409);
    expect((await patch(25)).status).toBe(200);
  });

  it('growing past what its shards were made for adds shards, splitting the capacity exactly', async () => {
    const eventId = await chain.app.publishedEvent({ capacity: 10 });
    await registerAll(eventId, tags('g', 12));
    expect((await chain.app.services.events.getSeatQuotas(eventId))?.shards).toHaveLength(1);
    const raised = await chain.app.call('PATCH', `/api/admin/events/${eventId}`, {
      organiser: 'media-aces',
      body: { capacity: 1000 },
    });
    expect(raised.status).toBe(200);
    const { seats, all } = await expectConsistent(chain.app, eventId);
    expect(seats?.shards).toHaveLength(4);
    expect(seats?.capacity).toBe(1000);
    expect(byStatus(all, 'confirmed')).toHaveLength(12);
    // The new room is spread: newcomers land on several shards.
    await registerAll(eventId, tags('h', 40));
    const after = await expectConsistent(chain.app, eventId);
    expect(after.seats?.shards.filter((s) => s.held > 0).length).toBeGreaterThan(1);
  });
});

describe('a rush that keeps losing', () => {
  it('answers `busy` (503) once every round lost a race, and keeps nothing', async () => {
    const eventId = await chain.app.publishedEvent({ capacity: 5 });
    const { events } = chain.app.services;
    const found = await events.get(eventId);
    if (!found) throw new Error('no event');
    // Every registration transaction collides with another one on its shard.
    const alwaysBusy = interceptSend(chain.app.doc, (command, send) =>
      command.input.TransactItems
        ? Promise.reject(transactionConflict(command.input.TransactItems.length))
        : send(command),
    );
    const pauses: number[] = [];
    const store = new Registrations(alwaysBusy, chain.app.tableName, events, {
      tokenKey: randomBytes(32),
      holdMinutes: 120,
      pause: async (attempt) => {
        pauses.push(attempt);
      },
    });
    const attempt = store.register(found.event, { ...person('busy'), answers: {} }, new Date());
    await expect(attempt).rejects.toMatchObject({ code: 'busy', status: 503 });
    expect(pauses.length).toBeGreaterThan(10);
    expect(await chain.app.services.registrations.all(eventId)).toEqual([]);
  });
});

describe('a seat given back', () => {
  it('goes to the first in line in the cancelling transaction: a crash right after leaves no seat free', async () => {
    const eventId = await chain.app.publishedEvent({ capacity: 2 });
    const [a] = [await register(eventId, 'give-a'), await register(eventId, 'give-b')];
    const [c, d] = [await register(eventId, 'give-c'), await register(eventId, 'give-d')];
    expect([c.status, d.status]).toEqual(['waitlisted', 'waitlisted']);

    // The process dies right after the cancelling transaction: every later seat quota read fails.
    let committed = false;
    const crashing = interceptSend(chain.app.doc, async (command, send) => {
      if (committed && command.input.KeyConditionExpression?.includes(':first')) {
        throw new Error('the container died');
      }
      const result = await send(command);
      if (command.input.TransactItems) committed = true;
      return result;
    });
    const events = new EventStore(crashing, chain.app.tableName);
    const store = new Registrations(crashing, chain.app.tableName, events, {
      tokenKey: randomBytes(32),
      holdMinutes: 120,
    });
    const leaving = await chain.app.services.registrations.getById(a.id);
    if (!leaving) throw new Error('no registration');
    await expect(store.cancel(leaving, 'attendee', new Date())).rejects.toThrow('the container died');

    const status = async (id: string) => (await chain.app.services.registrations.getById(id))?.status;
    expect(await status(a.id)).toBe('cancelled');
    expect(await status(c.id)).toBe('confirmed');
    expect(await status(d.id)).toBe('waitlisted');
    const { seats } = await expectConsistent(chain.app, eventId);
    expect(seats).toMatchObject({ held: 2, waitlisted: 1 });
  });
});

describe('a waitlist place taken beside a free seat', () => {
  it('is moved into that seat once the table stream sees it', async () => {
    const eventId = await chain.app.publishedEvent({ capacity: 2 }, undefined, { shards: 2 });
    const a = await register(eventId, 'beside-a');
    await register(eventId, 'beside-b');
    // The services the notification chain shares its token key with.
    const { registrations, events } = chain.services;
    const found = await events.get(eventId);
    const leaving = await registrations.getById(a.id);
    if (!found || leaving?.shard === undefined) throw new Error('no event or registration');
    // The seat comes free while nobody waits: nobody is moved into it.
    await registrations.cancel(leaving, 'attendee', new Date());
    // A newcomer decided on a view of the other shard alone, full: the waitlist place's
    // condition reads only that shard, so it is taken beside the free seat.
    const view = { ...found.seats, shards: found.seats.shards.filter((s) => s.shard !== leaving.shard) };
    const outcome = await registrations.register(
      found.event,
      { ...person('beside-c'), answers: {} },
      new Date(),
      view,
    );
    if (outcome.kind !== 'created') throw new Error(outcome.kind);
    expect(outcome.registration.status).toBe('waitlisted');

    await chain.notifications.settle();
    expect((await registrations.getById(outcome.registration.id))?.status).toBe('confirmed');
    const { seats } = await expectConsistent(chain.app, eventId);
    expect(seats).toMatchObject({ held: 2, waitlisted: 0 });
  });
});

describe('a stale view in a rush', () => {
  it('tries a quota found full on it once per container, not once per request', async () => {
    const eventId = await chain.app.publishedEvent({ capacity: 1 });
    const found = await chain.services.events.get(eventId);
    if (!found) throw new Error('no event');
    await register(eventId, 'stale-a'); // the one seat, taken after the view was read
    let lost = 0;
    const counting = interceptSend(chain.app.doc, async (command, send) => {
      try {
        return await send(command);
      } catch (error) {
        if (command.input.TransactItems) lost++;
        throw error;
      }
    });
    const store = new Registrations(counting, chain.app.tableName, chain.services.events, {
      tokenKey: randomBytes(32),
      holdMinutes: 120,
    });
    const outcomes = [];
    for (const tag of tags('stale-w', 5)) {
      outcomes.push(
        await store.register(found.event, { ...person(tag), answers: {} }, new Date(), found.seats),
      );
    }
    expect(outcomes.map((o) => o.kind === 'created' && o.registration.status)).toEqual(
      Array(5).fill('waitlisted'),
    );
    // One transaction lost on the full quota; the next four went straight to the waitlist.
    expect(lost).toBe(1);
    // Each was told the place it has: the view counted nobody waiting, this container took them in order.
    expect(outcomes.map((o) => o.kind === 'created' && o.waitlistPosition)).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('per-second waiting counts of earlier versions', () => {
  it('are neither read for positions nor taken for drift', async () => {
    const eventId = await chain.app.publishedEvent({ capacity: 1 });
    await register(eventId, 'count-a');
    const waiting = [await register(eventId, 'count-b'), await register(eventId, 'count-c')];
    const [b, c] = await Promise.all(waiting.map((w) => chain.app.services.registrations.getById(w.id)));
    if (!b?.waitTicket || !c) throw new Error('not waiting');
    // A count an earlier version kept, for a second before both arrived, that no longer matches.
    const second = Math.floor(b.waitTicket / 1_000_000) - 5;
    await chain.app.doc.send(
      new PutCommand({
        TableName: chain.app.tableName,
        Item: { pk: `EVENT#${eventId}`, sk: `GATE#W${String(second).padStart(10, '0')}#0`, count: 7 },
      }),
    );
    expect(await chain.app.services.registrations.waitlistPosition(b)).toBe(1);
    expect(await chain.app.services.registrations.waitlistPosition(c)).toBe(2);
    expect((await reconcile(chain.app.services, eventId)).status).toBe('consistent');
    await expectConsistent(chain.app, eventId);
  });
});

describe('editing an event during a rush', () => {
  it('writes the shards only when something their conditions read changes', async () => {
    const eventId = await chain.app.publishedEvent({ capacity: 1000 });
    const written: string[][] = [];
    const recording = interceptSend(chain.app.doc, (command, send) => {
      const items = command.input.TransactItems;
      if (items) {
        written.push(
          items.map((item) => {
            const [action] = Object.values(item);
            return String(action?.Key?.sk ?? action?.Item?.sk ?? '?');
          }),
        );
      }
      return send(command);
    });
    const events = new EventStore(recording, chain.app.tableName);
    const edit = async (change: Partial<EventRecord>) => {
      const before = (await events.get(eventId))?.event;
      if (!before) throw new Error('no event');
      await events.save(before, {
        ...before,
        ...change,
        updatedAt: new Date(Date.parse(before.updatedAt) + 1000).toISOString(),
      });
    };

    await edit({ title: 'Un autre titre', description: 'Ailleurs' });
    expect(written).toEqual([['EVENT']]);
    await edit({ registrationClosesAt: new Date(Date.now() + 86_400_000).toISOString() });
    expect(written[1]).toEqual(['EVENT', 'GATE', 'GATE#1', 'GATE#2', 'GATE#3']);
    await edit({ capacity: 1200 });
    expect(written[2]).toEqual(['EVENT', 'GATE', 'GATE#1', 'GATE#2', 'GATE#3', 'GATE#4']);
    const { seats } = await expectConsistent(chain.app, eventId);
    expect(seats?.closesAt).toBe((await events.get(eventId))?.event.registrationClosesAt);
  });
});

describe('a rush on a double opt-in event', () => {
  it('looks for lapsed holds at most once a minute per container, not on every waitlist join', async () => {
    const eventId = await chain.app.publishedEvent({ capacity: 2, requireConfirmation: true });
    let holdScans = 0;
    const counting = interceptSend(chain.app.doc, (command, send) => {
      if (command.input.FilterExpression?.includes('holdExpiresAt')) holdScans += 1;
      return send(command);
    });
    const events = new EventStore(counting, chain.app.tableName);
    const store = new Registrations(counting, chain.app.tableName, events, {
      tokenKey: randomBytes(32),
      holdMinutes: 120,
    });
    const found = await events.get(eventId);
    if (!found) throw new Error('no event');
    const join = (tag: string, at: Date) => store.register(found.event, { ...person(tag), answers: {} }, at);
    const start = new Date();
    for (const tag of ['hold-a', 'hold-b'])
      expect((await join(tag, start)).registration.status).toBe('pending_confirmation');
    for (let i = 0; i < 5; i++)
      expect((await join(`hold-w${i}`, start)).registration.status).toBe('waitlisted');
    expect(holdScans).toBe(1);
    // Once the holds have lapsed (and a minute has passed), the next one to arrive finds them released.
    const later = new Date(start.getTime() + 121 * 60_000);
    await join('hold-late', later);
    expect(holdScans).toBe(2);
    const all = await store.all(eventId);
    const statusOf = (tag: string) => all.find((r) => r.email === `${tag}@example.com`)?.status;
    expect([statusOf('hold-a'), statusOf('hold-b')]).toEqual(['cancelled', 'cancelled']);
    expect([statusOf('hold-w0'), statusOf('hold-w1')]).toEqual([
      'pending_confirmation',
      'pending_confirmation',
    ]);
    expect(statusOf('hold-late')).toBe('waitlisted');
  });
});
