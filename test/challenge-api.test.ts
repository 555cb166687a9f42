import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHALLENGE_MAX_NUMBER, CHALLENGE_TTL_SECONDS } from '../functions/challenges/model.js';
import { spentChallengeKey } from '../functions/platform/keys.js';
import { setServices } from '../functions/wiring/services.js';
import { startTestApp, type TestApp } from './support/app.js';
import { payloadOf, solve, solvedChallenge } from './support/challenge.js';
import { expectConsistent } from './support/invariants.js';

/**
 * The registration challenge through the API on DynamoDB Local: the organiser's switch, the
 * challenge route, and `400 challenge_required` for every registration without a fresh,
 * unused solution for its event.
 */

const OWNER = 'media-aces';
let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});

const person = (n: number, extra: Record<string, unknown> = {}) => ({
  name: `Personne ${n}`,
  email: `challenge${n}@example.com`,
  consent: true,
  ...extra,
});

const register = (eventId: string, body: unknown) =>
  app.call('POST', `/api/events/${eventId}/registrations`, { body });

const refusedWith = (response: { status: number; body: { error?: { code: string; message: string } } }) => [
  response.status,
  response.body.error?.code,
  response.body.error?.message,
];

describe('registration challenge', () => {
  it('is an event setting: off by default, set and changed by the organiser, told to the page', async () => {
    const start = new Date(Date.now() + 7 * 86_400_000);
    const created = await app.call('POST', '/api/admin/events', {
      organiser: OWNER,
      body: {
        title: 'Atelier protégé',
        format: 'online',
        joinUrl: 'https://meet.example/atelier',
        startsAt: start.toISOString(),
        endsAt: new Date(start.getTime() + 3_600_000).toISOString(),
        requireChallenge: true,
      },
    });
    expect([created.status, created.body.requireChallenge]).toEqual([201, true]);
    const id = created.body.id as string;
    expect((await app.call('POST', `/api/admin/events/${id}/publish`, { organiser: OWNER })).status).toBe(
      200,
    );
    expect((await app.call('GET', `/api/events/${id}`)).body.requireChallenge).toBe(true);

    const patched = await app.call('PATCH', `/api/admin/events/${id}`, {
      organiser: OWNER,
      body: { requireChallenge: false },
    });
    expect([patched.status, patched.body.requireChallenge]).toEqual([200, false]);
    expect((await app.call('GET', `/api/events/${id}`)).body.requireChallenge).toBe(false);
    expect(
      (await app.call('GET', `/api/admin/events/${id}`, { organiser: OWNER })).body.requireChallenge,
    ).toBe(false);
    const wrong = await app.call('PATCH', `/api/admin/events/${id}`, {
      organiser: OWNER,
      body: { requireChallenge: 'yes' },
    });
    expect([wrong.status, Object.keys(wrong.body.error.fields)]).toEqual([400, ['requireChallenge']]);
    // Other events say no.
    expect((await app.call('GET', `/api/events/${await app.publishedEvent()}`)).body.requireChallenge).toBe(
      false,
    );
  });

  it('GET /api/events/{id}/challenge issues one for a public event, never stored on the way', async () => {
    const eventId = await app.publishedEvent({ requireChallenge: true });
    const answer = await app.call('GET', `/api/events/${eventId}/challenge`);
    expect(answer.status).toBe(200);
    expect(answer.headers['cache-control']).toBe('no-store');
    expect(answer.body).toEqual({
      algorithm: 'SHA-256',
      challenge: expect.stringMatching(/^[0-9a-f]{64}$/),
      maxnumber: CHALLENGE_MAX_NUMBER,
      salt: expect.stringContaining(`?event=${eventId}&expires=`),
      signature: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect((await app.call('GET', '/api/events/no-such-event/challenge')).status).toBe(404);
  });

  it('refuses a registration without a fresh, unused solution for its event with 400 challenge_required', async () => {
    const eventId = await app.publishedEvent({ requireChallenge: true, capacity: 5 });
    const other = await app.publishedEvent({ requireChallenge: true });

    expect(refusedWith(await register(eventId, person(1)))).toEqual([
      400,
      'challenge_required',
      'This event asks for a solved challenge (missing)',
    ]);
    const { body: challenge } = await app.call('GET', `/api/events/${eventId}/challenge`);
    const number = solve(challenge);
    expect(
      refusedWith(await register(eventId, person(1, { challenge: payloadOf(challenge, number + 1) }))),
    ).toEqual([400, 'challenge_required', 'This event asks for a solved challenge (not solved)']);
    expect(refusedWith(await register(eventId, person(1, { challenge: 'garbage' })))).toEqual([
      400,
      'challenge_required',
      'This event asks for a solved challenge (not solved)',
    ]);
    expect(
      refusedWith(await register(eventId, person(1, { challenge: await solvedChallenge(app, other) }))),
    ).toEqual([400, 'challenge_required', 'This event asks for a solved challenge (for another event)']);
    // Input is checked first: a form with errors is told about its fields.
    const invalid = await register(eventId, { ...person(1), email: 'nope' });
    expect([invalid.status, invalid.body.error.code]).toEqual([400, 'validation_failed']);
    const long = await register(eventId, person(1, { challenge: 'x'.repeat(1001) }));
    expect([long.body.error.code, long.body.error.fields.challenge]).toEqual([
      'validation_failed',
      expect.stringMatching(/1000/),
    ]);

    // Solved: registered, once.
    const solution = payloadOf(challenge, number);
    const registered = await register(eventId, person(1, { challenge: solution }));
    expect([registered.status, registered.body.registration.status]).toEqual([201, 'confirmed']);
    expect(refusedWith(await register(eventId, person(2, { challenge: solution })))).toEqual([
      400,
      'challenge_required',
      'This event asks for a solved challenge (already used)',
    ]);
    // The spent challenge is kept until a minute past its expiry, then TTL removes it.
    const { Item } = await app.doc.send(
      new GetCommand({ TableName: app.tableName, Key: spentChallengeKey(challenge.challenge) }),
    );
    const expires = Number(new URLSearchParams(challenge.salt.split('?')[1]).get('expires'));
    expect(Item).toEqual({ ...spentChallengeKey(challenge.challenge), expiresAt: expires + 60 });
    expect(await app.services.registrations.all(eventId)).toHaveLength(1);
    await expectConsistent(app, eventId);
  });

  it('takes one solution once, however many copies arrive together', async () => {
    const eventId = await app.publishedEvent({ requireChallenge: true, capacity: 20 });
    const solution = await solvedChallenge(app, eventId);
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, n) => register(eventId, person(100 + n, { challenge: solution }))),
    );
    expect(answers.map((answer) => answer.status).sort()).toEqual([201, ...Array(9).fill(400)]);
    expect(await app.services.registrations.all(eventId)).toHaveLength(1);
  });

  it('refuses a solution past its ten minutes', async () => {
    const eventId = await app.publishedEvent({ requireChallenge: true });
    const solution = await solvedChallenge(app, eventId);
    const later = new Date(Date.now() + CHALLENGE_TTL_SECONDS * 1000 + 1000);
    setServices({ ...app.services, clock: () => later });
    try {
      expect(refusedWith(await register(eventId, person(200, { challenge: solution })))).toEqual([
        400,
        'challenge_required',
        'This event asks for a solved challenge (expired)',
      ]);
    } finally {
      setServices(app.services);
    }
    expect((await register(eventId, person(200, { challenge: solution }))).status).toBe(201);
  });

  it('leaves the honeypot as it was, and events without the setting as they were', async () => {
    const eventId = await app.publishedEvent({ requireChallenge: true });
    // A bot that fills the honeypot is told about the challenge like any other...
    expect((await register(eventId, person(300, { website: 'spam' }))).body.error.code).toBe(
      'challenge_required',
    );
    // ...and one that also solved it gets its decoy answer, with nothing stored.
    const decoy = await register(
      eventId,
      person(300, { website: 'spam', challenge: await solvedChallenge(app, eventId) }),
    );
    expect([decoy.status, decoy.body.registration.status]).toEqual([201, 'confirmed']);
    expect(await app.services.registrations.all(eventId)).toHaveLength(0);

    const open = await app.publishedEvent();
    expect((await register(open, person(301))).status).toBe(201);
    // A solution sent to an event that does not ask for one changes nothing.
    expect((await register(open, person(302, { challenge: 'anything' }))).status).toBe(201);
  });
});
