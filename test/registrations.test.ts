import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { emailKey } from '../functions/platform/tokens.js';
import { BASE_URL, manageLink, startTestApp, type TestApp } from './support/app.js';
import { interceptSend } from './support/faults.js';
import { expectConsistent } from './support/invariants.js';

let app: TestApp;
/** Calls that reached the table, to show what never does. */
let tableCalls = 0;

beforeAll(async () => {
  app = await startTestApp((doc) =>
    interceptSend(doc, (command, send) => {
      tableCalls++;
      return send(command);
    }),
  );
});

const person = (i: number, extra: Record<string, unknown> = {}) => ({
  name: `Personne ${i}`,
  email: `personne${i}@example.com`,
  consent: true,
  ...extra,
});

const register = (eventId: string, body: unknown) =>
  app.call('POST', `/api/events/${eventId}/registrations`, { body });

describe('capacity under a rush', () => {
  it('200 concurrent registrations for 50 seats: exactly 50 confirmed, 150 waitlisted at positions 1..150', async () => {
    const eventId = await app.publishedEvent({ capacity: 50 });

    const responses = await Promise.all(Array.from({ length: 200 }, (_, i) => register(eventId, person(i))));

    expect(responses.map((r) => r.status)).toEqual(Array(200).fill(201));
    const statuses = responses.map((r) => r.body.registration.status);
    expect(statuses.filter((s) => s === 'confirmed')).toHaveLength(50);
    expect(statuses.filter((s) => s === 'waitlisted')).toHaveLength(150);

    // Each waitlisted person, asking afterwards, sees a distinct place: 1..150 in arrival order.
    const waitlisted = responses.filter((r) => r.body.registration.status === 'waitlisted');
    const places = await Promise.all(
      waitlisted.map(async (r) => {
        const { id, token } = manageLink(r.body.manageUrl);
        return (await app.call('GET', `/api/registrations/${id}?token=${token}`)).body.waitlistPosition;
      }),
    );
    expect([...places].sort((a, b) => a - b)).toEqual(Array.from({ length: 150 }, (_, i) => i + 1));

    const { seats } = await expectConsistent(app, eventId);
    expect(seats?.held).toBe(50);
  });

  it('a burst of 120 for 20 seats: answers call their positions provisional, the manage page gives exact ones in arrival order', async () => {
    const eventId = await app.publishedEvent({ capacity: 20 });

    const responses = await Promise.all(
      Array.from({ length: 120 }, (_, i) => register(eventId, person(1000 + i))),
    );

    expect(responses.map((r) => r.status)).toEqual(Array(120).fill(201));
    const waitlisted = responses.filter((r) => r.body.registration.status === 'waitlisted');
    expect(waitlisted).toHaveLength(100);
    // Arrivals of the same instant may still be on their way: the answer says its position is an estimate.
    expect(waitlisted.map((r) => r.body.registration.waitlistPositionProvisional)).toEqual(
      Array(100).fill(true),
    );
    for (const r of waitlisted) expect(r.body.registration.waitlistPosition).toBeGreaterThanOrEqual(1);
    const seated = responses.filter((r) => r.body.registration.status === 'confirmed');
    expect(seated.some((r) => 'waitlistPositionProvisional' in r.body.registration)).toBe(false);

    // What the manage page calls exact is: distinct, 1..100, first come first placed.
    const { all } = await expectConsistent(app, eventId);
    const byArrival = all
      .filter((r) => r.status === 'waitlisted')
      .sort((a, b) => (a.waitTicket ?? 0) - (b.waitTicket ?? 0) || (a.id < b.id ? -1 : 1))
      .map((r) => r.id);
    const pages = await Promise.all(
      waitlisted.map(async (r) => {
        const { id, token } = manageLink(r.body.manageUrl);
        return (await app.call('GET', `/api/registrations/${id}?token=${token}`)).body;
      }),
    );
    expect(pages.some((page) => 'waitlistPositionProvisional' in page)).toBe(false);
    const placeOf = new Map(pages.map((page) => [page.id, page.waitlistPosition]));
    expect(byArrival.map((id) => placeOf.get(id))).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  });

  it('20 concurrent cancellations promote exactly the 20 first waitlisted', async () => {
    const eventId = await app.publishedEvent({ capacity: 30 });
    const confirmed = [];
    for (let i = 0; i < 30; i++) confirmed.push((await register(eventId, person(i))).body);
    const waitlisted = [];
    for (let i = 30; i < 70; i++) waitlisted.push((await register(eventId, person(i))).body);
    expect(waitlisted.map((b) => b.registration.waitlistPosition)).toEqual(
      Array.from({ length: 40 }, (_, i) => i + 1),
    );

    const cancels = await Promise.all(
      confirmed.slice(0, 20).map((b) => {
        const { id, token } = manageLink(b.manageUrl);
        return app.call('POST', `/api/registrations/${id}/cancel?token=${token}`);
      }),
    );
    expect(cancels.every((r) => r.status === 200 && r.body.status === 'cancelled')).toBe(true);

    const { all } = await expectConsistent(app, eventId);
    const statusOf = (b: { registration: { id: string } }) =>
      all.find((r) => r.id === b.registration.id)?.status;
    expect(waitlisted.slice(0, 20).map(statusOf)).toEqual(Array(20).fill('confirmed'));
    expect(waitlisted.slice(20).map(statusOf)).toEqual(Array(20).fill('waitlisted'));
    // The people still waiting moved up to places 1..20, in their original order.
    const { id, token } = manageLink(waitlisted[20].manageUrl);
    expect((await app.call('GET', `/api/registrations/${id}?token=${token}`)).body.waitlistPosition).toBe(1);
  });

  it('the same email twice, at once, never holds two seats', async () => {
    const eventId = await app.publishedEvent({ capacity: 5 });
    const emails = ['ada@example.com', ' ADA@example.com', 'Ada@Example.com '];
    const responses = await Promise.all(
      Array.from({ length: 12 }, (_, i) => register(eventId, person(0, { email: emails[i % 3] }))),
    );
    expect(responses.filter((r) => r.status === 201)).toHaveLength(1);
    expect(responses.filter((r) => r.status === 200).map((r) => r.body)).toEqual(
      Array(11).fill({ status: 'already_registered' }),
    );
    const { seats, all } = await expectConsistent(app, eventId);
    expect(seats?.held).toBe(1);
    expect(all).toHaveLength(1);
    // The address owner gets a fresh link by email: the stored registration is flagged for the mailer.
    expect(all[0]?.linkRequestedAt).toBeDefined();
  });

  it('refuses a full event without a waitlist, and re-registration after cancelling works', async () => {
    const eventId = await app.publishedEvent({ capacity: 1, waitlistEnabled: false });
    const first = await register(eventId, person(1));
    const second = await register(eventId, person(2));
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('event_full');

    const { id, token } = manageLink(first.body.manageUrl);
    await app.call('POST', `/api/registrations/${id}/cancel?token=${token}`);
    const again = await app.call('POST', `/api/registrations/${id}/cancel?token=${token}`);
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('cancelled');
    expect((await app.services.events.getSeatQuotas(eventId))?.held).toBe(0);

    const back = await register(eventId, person(1));
    expect(back.status).toBe(201);
    expect(back.body.registration.status).toBe('confirmed');
    await expectConsistent(app, eventId);
  });

  it('registering again after cancelling keeps the first registration, its link and the counts', async () => {
    const eventId = await app.publishedEvent({ capacity: 5 });
    const links = [];
    for (let round = 0; round < 3; round++) {
      const made = await register(eventId, person(1));
      expect(made.status).toBe(201);
      const link = manageLink(made.body.manageUrl);
      links.push(link);
      if (round < 2) await app.call('POST', `/api/registrations/${link.id}/cancel?token=${link.token}`);
    }
    expect(new Set(links.map((link) => link.id)).size).toBe(3);
    // Every link still opens its own registration: two cancelled, the last one confirmed.
    const statuses = [];
    const registeredAgain = [];
    for (const { id, token } of links) {
      const view = await app.call('GET', `/api/registrations/${id}?token=${token}`);
      expect(view.status).toBe(200);
      expect(view.body.id).toBe(id);
      // Already registered again: the old page does not offer it once more.
      expect(view.body.offers.registerAgain).toBe(false);
      statuses.push(view.body.status);
      registeredAgain.push(view.body.registeredAgain);
    }
    expect(statuses).toEqual(['cancelled', 'cancelled', 'confirmed']);
    // The old pages say there is a newer registration; the live one has no such word.
    expect(registeredAgain).toEqual([true, true, undefined]);
    // Each invitation's SEQUENCE outranks the CANCEL the address got before.
    const stored = await Promise.all(links.map(({ id }) => app.services.registrations.getById(id)));
    expect(stored.map((registration) => registration?.sequenceOffset ?? 0)).toEqual([0, 1, 2]);
    // The list, the stats and the counters agree: three registrations, two cancelled.
    const list = await app.call('GET', `/api/admin/events/${eventId}/registrations`, {
      organiser: 'media-aces',
    });
    expect(list.body.items.map((item: { status: string }) => item.status).sort()).toEqual([
      'cancelled',
      'cancelled',
      'confirmed',
    ]);
    const stats = await app.call('GET', `/api/admin/events/${eventId}/stats`, { organiser: 'media-aces' });
    expect(stats.body.counts).toMatchObject({ confirmed: 1, cancelled: 2 });
    const { seats } = await expectConsistent(app, eventId);
    expect(seats).toMatchObject({ held: 1, cancelled: 2 });
    // A second live registration for the address is still impossible.
    expect((await register(eventId, person(1))).body).toEqual({ status: 'already_registered' });
    // The oldest one can still be erased on its own; the live one stays.
    const [oldest] = links;
    const erased = await app.call('DELETE', `/api/registrations/${oldest?.id}?token=${oldest?.token}`);
    expect(erased.status).toBeLessThan(300);
    expect(
      (await app.call('GET', `/api/registrations/${links[2]?.id}?token=${links[2]?.token}`)).status,
    ).toBe(200);
    await expectConsistent(app, eventId);
    // Erasing the live one erases the history it replaced too: nothing of the person is left.
    const [, middle, live] = links;
    expect(
      (await app.call('DELETE', `/api/registrations/${live?.id}?token=${live?.token}`)).status,
    ).toBeLessThan(300);
    for (const link of [middle, live])
      expect(await app.services.registrations.getById(link?.id ?? '')).toBeUndefined();
    const { count } = await expectConsistent(app, eventId);
    expect(count('cancelled') + count('confirmed')).toBe(0);
  });
});

describe('manage links', () => {
  it('a token opens only its own registration', async () => {
    const eventId = await app.publishedEvent();
    const a = manageLink((await register(eventId, person(1))).body.manageUrl);
    const b = manageLink((await register(eventId, person(2))).body.manageUrl);

    expect((await app.call('GET', `/api/registrations/${a.id}?token=${a.token}`)).status).toBe(200);
    const crossed = await app.call('GET', `/api/registrations/${b.id}?token=${a.token}`);
    expect(crossed.status).toBe(403);
    expect(crossed.body.error.code).toBe('forbidden');
    expect((await app.call('POST', `/api/registrations/${b.id}/cancel?token=${a.token}`)).status).toBe(403);
    expect((await app.call('GET', `/api/registrations/${b.id}`)).status).toBe(400);
    expect((await app.call('GET', `/api/registrations/reg_nope?token=${a.token}`)).status).toBe(404);
    expect((await app.services.registrations.getById(b.id))?.status).toBe('confirmed');
  });

  it('shows the join URL only once confirmed, and only on the manage endpoint', async () => {
    const eventId = await app.publishedEvent({ capacity: 1 });
    const seated = await register(eventId, person(1));
    const waiting = await register(eventId, person(2));
    expect(JSON.stringify(seated.body)).not.toContain('secret-room');

    const mine = manageLink(seated.body.manageUrl);
    // The personal join link (GET /j/{code}), never the join URL itself.
    const own = await app.call('GET', `/api/registrations/${mine.id}?token=${mine.token}`);
    expect(own.body.joinUrl).toBe(`${BASE_URL}/j/${app.services.attendanceCodes.for(mine.id)}`);
    expect(JSON.stringify(own.body)).not.toContain('secret-room');
    const theirs = manageLink(waiting.body.manageUrl);
    const view = await app.call('GET', `/api/registrations/${theirs.id}?token=${theirs.token}`);
    expect(view.body.status).toBe('waitlisted');
    expect(JSON.stringify(view.body)).not.toContain('secret-room');
    expect(JSON.stringify((await app.call('GET', `/api/events/${eventId}`)).body)).not.toContain(
      'secret-room',
    );
  });
});

describe('double opt-in', () => {
  it('holds the seat until the emailed link is used, then confirms', async () => {
    const eventId = await app.publishedEvent({ capacity: 1, requireConfirmation: true });
    const held = await register(eventId, person(1));
    expect(held.body.registration.status).toBe('pending_confirmation');
    expect((await register(eventId, person(2))).body.registration.status).toBe('waitlisted');

    const { id } = held.body.registration;
    const token = await app.emailedToken(id);
    const confirmed = await app.call('POST', `/api/registrations/${id}/confirm?token=${token}`);
    expect(confirmed.body.status).toBe('confirmed');
    const twice = await app.call('POST', `/api/registrations/${id}/confirm?token=${token}`);
    expect(twice.body.status).toBe('confirmed');
    const { seats } = await expectConsistent(app, eventId);
    expect(seats).toMatchObject({ held: 1, pending: 0, waitlisted: 1 });
  });

  it('answers a pending registration with no token: the form sender cannot confirm an address', async () => {
    const eventId = await app.publishedEvent({ capacity: 5, requireConfirmation: true });
    const held = await register(eventId, person(1));
    expect(held.status).toBe(201);
    expect(held.body.manageUrl).toBeUndefined();
    expect(held.body.registration.calendarLinks).toBeUndefined();
    const emailed = await app.emailedToken(held.body.registration.id);
    // Nothing in the answer is the emailed secret.
    expect(JSON.stringify(held.body)).not.toContain(emailed);
  });

  it("refuses (403) to confirm with the registration answer's token, even after a promotion", async () => {
    const eventId = await app.publishedEvent({ capacity: 1, requireConfirmation: true });
    const first = await register(eventId, person(1));
    const waiting = await register(eventId, person(2));
    expect(waiting.body.registration.status).toBe('waitlisted');
    const answered = manageLink(waiting.body.manageUrl);
    // The first person cancels from their email; the second moves up and must confirm.
    const firstId = first.body.registration.id;
    const cancel = `/api/registrations/${firstId}/cancel?token=${await app.emailedToken(firstId)}`;
    expect((await app.call('POST', cancel)).status).toBe(200);
    const view = await app.call('GET', `/api/registrations/${answered.id}?token=${answered.token}`);
    expect(view.body.status).toBe('pending_confirmation');

    const bypass = await app.call(
      'POST',
      `/api/registrations/${answered.id}/confirm?token=${answered.token}`,
    );
    expect([bypass.status, bypass.body.error.code]).toEqual([403, 'forbidden']);
    expect(bypass.body.error.message).toMatch(/link in the email/);
    const emailed = await app.emailedToken(answered.id);
    const confirm = await app.call('POST', `/api/registrations/${answered.id}/confirm?token=${emailed}`);
    expect(confirm.body.status).toBe('confirmed');
  });

  it('answers a bot that fills the honeypot as a real pending registration is answered', async () => {
    const eventId = await app.publishedEvent({ capacity: 5, requireConfirmation: true });
    const decoy = await register(eventId, { ...person(1), website: 'https://spam.example' });
    const real = await register(eventId, person(2));
    expect(Object.keys(decoy.body).sort()).toEqual(Object.keys(real.body).sort());
    expect(decoy.body.registration.status).toBe('pending_confirmation');
    expect(Object.keys(decoy.body.registration).sort()).toEqual(Object.keys(real.body.registration).sort());
  });

  it('releases a lapsed hold to the waitlist, which must then confirm in turn', async () => {
    const eventId = await app.publishedEvent({ capacity: 1, requireConfirmation: true });
    const held = await register(eventId, person(1));
    const waiting = await register(eventId, person(2));

    const later = new Date(Date.now() + 121 * 60_000);
    expect(await app.services.registrations.releaseExpiredHolds(eventId, later)).toBe(1);

    const id = held.body.registration.id;
    const token = await app.emailedToken(id);
    expect((await app.call('GET', `/api/registrations/${id}?token=${token}`)).body.status).toBe('cancelled');
    const next = manageLink(waiting.body.manageUrl);
    expect((await app.call('GET', `/api/registrations/${next.id}?token=${next.token}`)).body.status).toBe(
      'pending_confirmation',
    );
    await expectConsistent(app, eventId);
  });

  it('a late confirmation is refused with confirmation_expired and frees the seat', async () => {
    const eventId = await app.publishedEvent({ capacity: 1, requireConfirmation: true });
    const held = await register(eventId, person(1));
    const registration = await app.services.registrations.getById(held.body.registration.id);
    if (!registration) throw new Error('registration missing');
    await expect(
      app.services.registrations.confirm(registration, new Date(Date.now() + 121 * 60_000)),
    ).rejects.toMatchObject({ code: 'confirmation_expired' });
    expect((await app.services.events.getSeatQuotas(eventId))?.held).toBe(0);
  });
});

describe('the contract at the edges', () => {
  it('names every invalid field with a 400', async () => {
    const eventId = await app.publishedEvent();
    const response = await register(eventId, { email: 'nope', consent: false });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('validation_failed');
    expect(Object.keys(response.body.error.fields).sort()).toEqual(['consent', 'email', 'name']);
  });

  it('refuses oversized, non-JSON and malformed bodies before parsing', async () => {
    const eventId = await app.publishedEvent();
    const huge = await register(eventId, { ...person(1), company: 'x'.repeat(17 * 1024) });
    expect([huge.status, huge.body.error.code]).toEqual([413, 'payload_too_large']);
    const text = await app.call('POST', `/api/events/${eventId}/registrations`, {
      body: 'name=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect([text.status, text.body.error.code]).toEqual([415, 'unsupported_media_type']);
    const broken = await app.call('POST', `/api/events/${eventId}/registrations`, { body: '{"name":' });
    expect([broken.status, broken.body.error.code]).toEqual([400, 'invalid_json']);
    // Valid JSON nested deeper than the parser's stack: still the caller's fault, never a 500.
    const deep = await register(eventId, `{"consent":${'['.repeat(6000)}${']'.repeat(6000)}}`);
    expect([deep.status, deep.body.error.code]).toEqual([400, 'invalid_json']);
    // A key that could pollute prototypes is refused by name.
    const polluting = await register(eventId, `{"name":"Ada","answers":{"__proto__":{"admin":true}}}`);
    expect([polluting.status, polluting.body.error.code]).toEqual([400, 'validation_failed']);
    expect(Object.entries(polluting.body.error.fields)).toEqual([['__proto__', 'This name is reserved']]);
    for (const value of [null, [], 'x', 42]) {
      const odd = await register(eventId, JSON.stringify(value));
      expect(odd.status, JSON.stringify(value)).toBe(400);
    }
  });

  it('accepts the honeypot silently and stores nothing', async () => {
    const eventId = await app.publishedEvent();
    const response = await register(eventId, person(1, { website: 'http://spam.example' }));
    expect(response.status).toBe(201);
    expect(await app.services.registrations.all(eventId)).toHaveLength(0);
  });

  it('enforces the registration window and cancelled events', async () => {
    const soon = new Date(Date.now() + 86_400_000).toISOString();
    const notYet = await app.publishedEvent({ registrationOpensAt: soon });
    expect((await register(notYet, person(1))).body.error.code).toBe('registration_closed');
    const closed = await app.publishedEvent({
      registrationClosesAt: new Date(Date.now() - 1000).toISOString(),
    });
    expect((await register(closed, person(1))).body.error.code).toBe('registration_closed');
  });
});

describe('ids from the path', () => {
  it('answers 404 for ids that cannot be ours, without touching other keys', async () => {
    const eventId = await app.publishedEvent();
    tableCalls = 0;
    for (const odd of [`${eventId}%23GATE`, 'x'.repeat(3000), '%00', 'a%2Fb']) {
      for (const path of [`/api/events/${odd}`, `/api/registrations/${odd}?token=x`]) {
        const response = await app.call('GET', path);
        expect([path, response.status, response.body.error.code]).toEqual([path, 404, 'not_found']);
      }
    }
    expect(tableCalls).toBe(0);
  });
});

describe('personal data', () => {
  it('expires by TTL thirty days after the event, while the counts stay on the gate', async () => {
    const eventId = await app.publishedEvent();
    const created = await register(eventId, person(1));
    const { Item } = await app.doc.send(
      new GetCommand({
        TableName: app.tableName,
        Key: { pk: `EVENT#${eventId}`, sk: `REG#${emailKey(person(1).email)}` },
      }),
    );
    const event = await app.services.events.get(eventId);
    const endsAt = Math.floor(Date.parse(event?.event.endsAt ?? '') / 1000);
    expect(created.status).toBe(201);
    expect(Item?.expiresAt).toBe(endsAt + 30 * 86_400);
    const seats = await app.services.events.getSeatQuotas(eventId);
    expect(seats).not.toHaveProperty('expiresAt');
  });
});
