import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import fc from 'fast-check';
import { decodeProtectedHeader, importJWK, type JWK, SignJWT } from 'jose';
import PostalMime from 'postal-mime';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { EventRecord } from '../functions/events/model.js';
import { type ApiEvent, httpApi } from '../functions/http/handler.js';
import { clientAddress, clientKey } from '../functions/http/rate-limit.js';
import { composeNotification } from '../functions/mail/compose.js';
import { inviteMethodFor, type MessageKind } from '../functions/mail/messages.js';
import type { AppError } from '../functions/platform/errors.js';
import {
  BAD_MANAGE_TOKENS,
  RateLimitedError,
  RateLimiter,
  REGISTRATIONS_PER_ADDRESS_PER_EVENT,
  REGISTRATIONS_PER_CLIENT,
  REGISTRATIONS_PER_CLIENT_PER_EVENT,
} from '../functions/platform/rate-limiter.js';
import { hashToken, newManageToken } from '../functions/platform/tokens.js';
import type { RegistrationRecord } from '../functions/registrations/model.js';
import { neutraliseCell, registrationsCsv } from '../functions/registrations/report.js';
import { routes } from '../functions/routes.js';
import { setServices } from '../functions/wiring/services.js';
import { createLocalIssuer, LOCAL_AUDIENCE, type LocalIssuer } from '../local/auth.js';
import { createLocalServer } from '../local/server.js';
import { buildWeb } from '../web/build.js';
import { type CallResult, manageLink, startTestApp, type TestApp } from './support/app.js';
import { parseCsv } from './support/csv.js';
import { expectConsistent } from './support/invariants.js';
import { eventRecord } from './support/records.js';

/**
 * Attacks, each answered: forged and stale organiser tokens, one organiser reaching for
 * another's data on every admin route, guessable or brute-forced manage links, formulas in
 * the CSV export, line breaks in email headers, and pages that would run injected script.
 */

const OWNER = 'media-aces';
const INTRUDER = 'open2leads';

let app: TestApp;
let tmp: string;
let server: Server;
let base: string;
let issuer: LocalIssuer;
let webDir: string;

beforeAll(async () => {
  process.env.LOG_LEVEL = 'silent';
  app = await startTestApp();
  tmp = await mkdtemp(join(tmpdir(), 'security-'));
  webDir = join(tmp, 'web');
  await buildWeb(webDir);
  issuer = await createLocalIssuer({ dataDir: join(tmp, 'data'), issuer: 'http://127.0.0.1:3000/local' });
  server = createLocalServer({ issuer, organiserIds: [OWNER, INTRUDER], webDir });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  await new Promise((done) => server?.close(done));
  setServices(undefined);
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

const register = (eventId: string, who: string, extra: Record<string, unknown> = {}, sourceIp?: string) =>
  app.call('POST', `/api/events/${eventId}/registrations`, {
    body: {
      name: who,
      email: `${who.toLowerCase().replace(/\W/g, '')}@example.com`,
      consent: true,
      ...extra,
    },
    ...(sourceIp ? { sourceIp } : {}),
  });

// ---------------------------------------------------------------------------------------------

describe('organiser tokens (the local JWT check, as API Gateway’s authorizer)', () => {
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const adminGet = (token: string) =>
    fetch(`${base}/api/admin/events`, { headers: { authorization: `Bearer ${token}` } });

  it('accepts its own token, and refuses every forgery and misfit with 401', async () => {
    const good = await issuer.issue(OWNER);
    expect((await adminGet(good)).status).toBe(200);

    const jwk = JSON.parse(await readFile(join(tmp, 'data', 'local-issuer-key.json'), 'utf8')) as JWK;
    const key = await importJWK(jwk, 'ES256');
    const claims = { email: 'x@example.com', 'cognito:groups': [OWNER], token_use: 'access' };
    const signed = (edit: (jwt: SignJWT) => SignJWT, payload: Record<string, unknown> = claims) =>
      edit(
        new SignJWT(payload)
          .setProtectedHeader({ alg: 'ES256', kid: jwk.kid })
          .setSubject('someone')
          .setIssuedAt(),
      ).sign(key);
    const [header, payload, signature] = good.split('.');
    const goodClaims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString());
    const { d: _private, ...publicJwk } = jwk;

    const forged: Record<string, string> = {
      // The right key, but not our issuer / not for this API.
      wrongIssuer: await signed((jwt) =>
        jwt.setIssuer('https://evil.example').setAudience(LOCAL_AUDIENCE).setExpirationTime('1h'),
      ),
      wrongAudience: await signed((jwt) =>
        jwt.setIssuer(issuer.issuer).setAudience('another-app').setExpirationTime('1h'),
      ),
      noExpiry: await signed((jwt) => jwt.setIssuer(issuer.issuer).setAudience(LOCAL_AUDIENCE)),
      notYetValid: await signed((jwt) =>
        jwt.setIssuer(issuer.issuer).setAudience(LOCAL_AUDIENCE).setExpirationTime('2h').setNotBefore('1h'),
      ),
      idToken: await signed(
        (jwt) => jwt.setIssuer(issuer.issuer).setAudience(LOCAL_AUDIENCE).setExpirationTime('1h'),
        { ...claims, token_use: 'id' },
      ),
      // A real token with its groups edited: the signature no longer matches.
      tamperedPayload: `${header}.${b64({ ...goodClaims, 'cognito:groups': [INTRUDER] })}.${signature}`,
      // The same token claiming no algorithm, signature kept or dropped.
      algNoneKeepSignature: `${b64({ ...decodeProtectedHeader(good), alg: 'none' })}.${payload}.${signature}`,
      algNoneEmpty: `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`,
      // Key confusion: HMAC keyed with the public key the verifier knows.
      hs256WithPublicKey: await new SignJWT(goodClaims)
        .setProtectedHeader({ alg: 'HS256', kid: jwk.kid })
        .sign(new TextEncoder().encode(JSON.stringify(publicJwk))),
      truncated: good.slice(0, -10),
      twoTokens: `${good} ${good}`,
    };
    for (const [name, token] of Object.entries(forged)) {
      const response = await adminGet(token);
      const body = await response.json();
      expect([name, response.status, body.error?.code]).toEqual([name, 401, 'unauthorized']);
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe('one organiser never reaches another’s resources (every admin route)', () => {
  it('answers 404 for a foreign event or registration, and changes nothing', async () => {
    const theirEvent = await app.publishedEvent({ capacity: 1 }, OWNER);
    const seated = manageLink((await register(theirEvent, 'Seated')).body.manageUrl);
    const waiting = manageLink((await register(theirEvent, 'Waiting')).body.manageUrl);
    await app.call('POST', `/api/admin/events/${theirEvent}/registrations/${seated.id}/check-in`, {
      organiser: OWNER,
    });
    const myEvent = await app.publishedEvent({ capacity: 5 }, INTRUDER);
    const mine = manageLink((await register(myEvent, 'Mine')).body.manageUrl);

    const snapshot = async () => ({
      event: await app.services.events.get(theirEvent),
      registrations: await app.services.registrations.all(theirEvent),
    });
    const before = await snapshot();
    const theirKey = (
      await app.call('POST', '/api/admin/api-keys', { organiser: OWNER, body: { label: 'Theirs' } })
    ).body;

    const covered: string[] = [];
    for (const route of routes.filter((r) => r.auth === 'admin')) {
      const label = `${route.method} ${route.path}`;
      const body =
        route.method === 'PATCH'
          ? { title: 'Pwned', capacity: 100 }
          : route.entry.endsWith('createLink.ts')
            ? { label: 'Pwned', utm_source: 'intruder' }
            : route.entry.endsWith('checkInByCode.ts')
              ? // Their seated registrant's real code: still nothing to see.
                { code: app.services.attendanceCodes.for(seated.id) }
              : undefined;
      const as = (eventId: string, registrationId: string) =>
        app.call(
          route.method,
          route.path.replace('{eventId}', eventId).replace('{registrationId}', registrationId),
          { organiser: INTRUDER, ...(body ? { body } : {}) },
        );
      const expect404 = (response: CallResult, what: string) =>
        expect([label, what, response.status, response.body?.error?.code]).toEqual([
          label,
          what,
          404,
          'not_found',
        ]);

      if (route.path.includes('{webhookId}')) {
        // Their webhook, by its id: as good as absent.
        const webhookId = `wh_theirs${covered.length}`;
        await app.services.webhooks.create({
          id: webhookId,
          organiserId: OWNER,
          url: 'https://hooks.example.com/in',
          events: ['registration.created'],
          secretSealed: 'sealed',
          createdAt: new Date().toISOString(),
        });
        expect404(
          await app.call(route.method, route.path.replace('{webhookId}', webhookId), { organiser: INTRUDER }),
          'their webhook',
        );
        expect(await app.services.webhooks.get(OWNER, webhookId)).toBeDefined();
        covered.push(label);
      } else if (route.method === 'POST' && route.entry.endsWith('createWebhook.ts')) {
        const created = await app.call('POST', route.path, {
          organiser: INTRUDER,
          body: { organiserId: OWNER, url: 'https://hooks.example.com/in', events: ['registration.created'] },
        });
        expect([label, created.status, created.body.error?.fields]).toEqual([
          label,
          400,
          { organiserId: 'Not one of your organisers' },
        ]);
        covered.push(label);
      } else if (route.path.includes('{registrationId}')) {
        for (const target of [seated, waiting]) {
          expect404(await as(theirEvent, target.id), 'their event, their registration');
          // Through an event of their own: a registration belongs to one event only.
          expect404(await as(myEvent, target.id), 'own event, their registration');
        }
        covered.push(label);
      } else if (route.path.includes('{eventId}')) {
        expect404(await as(theirEvent, ''), 'their event');
        covered.push(label);
      } else if (route.path.includes('{apiKeyId}')) {
        const response = await app.call(route.method, route.path.replace('{apiKeyId}', theirKey.id), {
          organiser: INTRUDER,
        });
        expect404(response, 'their API key');
        covered.push(label);
      } else if (route.method === 'GET') {
        const listed = await as('', '');
        expect(listed.status).toBe(200);
        expect(JSON.stringify(listed.body)).not.toContain(theirEvent);
        expect(JSON.stringify(listed.body)).not.toContain(theirKey.id);
        covered.push(label);
      } else if (route.method === 'POST' && route.entry.endsWith('createApiKey.ts')) {
        // A key is always for the caller's own organiser: the body has no say in it.
        const made = await app.call('POST', route.path, {
          organiser: INTRUDER,
          body: { label: 'Mine' },
        });
        expect([label, made.status, made.body.organiserId]).toEqual([label, 201, INTRUDER]);
        covered.push(label);
      } else if (route.method === 'POST' && route.entry.endsWith('createEvent.ts')) {
        const start = new Date(Date.now() + 9 * 86_400_000);
        const created = await app.call('POST', route.path, {
          organiser: INTRUDER,
          body: {
            organiserId: OWNER,
            title: 'Not mine',
            format: 'online',
            startsAt: start.toISOString(),
            endsAt: new Date(start.getTime() + 3_600_000).toISOString(),
          },
        });
        expect([label, created.status, created.body.error?.fields]).toEqual([
          label,
          400,
          { organiserId: 'Not one of your organisers' },
        ]);
        covered.push(label);
      }
    }
    // A new admin route must say how it is scoped before this test passes.
    expect(covered.sort()).toEqual(
      routes
        .filter((r) => r.auth === 'admin')
        .map((r) => `${r.method} ${r.path}`)
        .sort(),
    );

    const after = await snapshot();
    expect(after).toEqual(before);
    await expectConsistent(app, theirEvent);
    // Their own registration is untouched too, and still theirs to manage.
    expect((await app.call('GET', `/api/registrations/${mine.id}?token=${mine.token}`)).status).toBe(200);
  });
});

// ---------------------------------------------------------------------------------------------

describe('manage tokens', () => {
  it('carry 256 random bits: 43 base64url characters, no repeats, every bit half the time', async () => {
    const SAMPLES = 2000;
    const tokens = Array.from({ length: SAMPLES }, newManageToken);
    expect(new Set(tokens).size).toBe(SAMPLES);
    const bitsSet = new Array<number>(256).fill(0);
    for (const token of tokens) {
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const bytes = Buffer.from(token, 'base64url');
      expect(bytes.length).toBe(32); // 256 bits, twice the 128 asked for
      for (let bit = 0; bit < 256; bit++)
        bitsSet[bit] = (bitsSet[bit] ?? 0) + (((bytes[bit >> 3] ?? 0) >> (bit & 7)) & 1);
    }
    // Binomial(2000, 1/2): mean 1000, sd 22; 800..1200 is 9 sd out, so this never flakes but
    // catches a stuck or biased bit.
    for (const count of bitsSet) expect(count).toBeGreaterThan(800);
    for (const count of bitsSet) expect(count).toBeLessThan(1200);
  });

  it('are what manage links carry, and the table keeps only their hash', async () => {
    const eventId = await app.publishedEvent();
    const { id, token } = manageLink((await register(eventId, 'Hashed')).body.manageUrl);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const { Items = [] } = await app.doc.send(new ScanCommand({ TableName: app.tableName }));
    const item = Items.find((candidate) => candidate.id === id);
    // The answer's token apart from the emailed one (which alone proves the mailbox).
    expect(item?.answerTokenHash).toBe(hashToken(token));
    const emailed = await app.emailedToken(id);
    expect(item?.tokenHashes).toEqual([hashToken(emailed)]);
    expect(emailed).not.toBe(token);
    expect(JSON.stringify(Items)).not.toContain(token);
    expect(JSON.stringify(Items)).not.toContain(emailed);
  });
});

// ---------------------------------------------------------------------------------------------

describe('rate limit on bad manage tokens', () => {
  let scope = '';
  const limiterAt = (clock: () => Date) => {
    scope = `test-${Math.random().toString(36).slice(2)}`;
    return new RateLimiter(app.doc, app.tableName, scope, BAD_MANAGE_TOKENS, clock);
  };

  it('refuses a subject past 10 failures in the window, with the time left, until the next window', async () => {
    expect(BAD_MANAGE_TOKENS).toEqual({
      limit: 10,
      windowSeconds: 15 * 60,
      refusal: expect.stringMatching(/wrong link/),
    });
    let now = new Date('2026-11-02T10:01:00Z');
    const limiter = limiterAt(() => now);
    for (let i = 0; i < BAD_MANAGE_TOKENS.limit; i++) {
      await limiter.assertAllowed(['registration:r1', 'client:1.2.3.4']);
      await limiter.take(['registration:r1', 'client:1.2.3.4']);
    }
    const refused = await limiter.assertAllowed(['registration:r1']).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RateLimitedError);
    expect((refused as AppError).status).toBe(429);
    // 10:01 in a window of 10:00-10:15: 14 minutes left.
    expect((refused as RateLimitedError).retryAfterSeconds).toBe(14 * 60);
    await expect(limiter.assertAllowed(['client:1.2.3.4'])).rejects.toBeInstanceOf(RateLimitedError);
    await expect(limiter.assertAllowed(['registration:r2', 'client:5.6.7.8'])).resolves.toBeUndefined();
    await expect(limiter.take(['registration:r1'])).rejects.toBeInstanceOf(RateLimitedError);

    now = new Date('2026-11-02T10:15:00Z');
    await expect(limiter.assertAllowed(['registration:r1', 'client:1.2.3.4'])).resolves.toBeUndefined();
  });

  it('counts each subject under its own rule, and refuses with the rule that ran out', async () => {
    const limiter = limiterAt(() => new Date('2026-11-02T10:01:00Z'));
    const short = { limit: 1, windowSeconds: 5 * 60, refusal: 'Too many for the short rule' };
    const subjects = ['client:a', { subject: 'event:e:client:a', rule: short }];
    await limiter.take(subjects);
    const refused = await limiter.take(subjects).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RateLimitedError);
    expect((refused as RateLimitedError).message).toBe(short.refusal);
    // 10:01 in the short rule's window of 10:00-10:05: 4 minutes left (not the 14 of its own rule).
    expect((refused as RateLimitedError).retryAfterSeconds).toBe(4 * 60);
    // The subject under the limiter's own rule still has room.
    await expect(limiter.take(['client:a'])).resolves.toBeUndefined();
  });

  it('counts concurrent failures exactly, never past the limit, in items that expire and name no one', async () => {
    const limiter = limiterAt(() => new Date());
    const results = await Promise.allSettled(
      Array.from({ length: 30 }, () => limiter.take(['client:203.0.113.9'])),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(BAD_MANAGE_TOKENS.limit);
    expect(
      results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason),
    ).toSatisfy((reasons: unknown[]) => reasons.every((reason) => reason instanceof RateLimitedError));
    const { Items = [] } = await app.doc.send(new ScanCommand({ TableName: app.tableName }));
    const counters = Items.filter((item) => String(item.pk).startsWith(`RATE#${scope}#`));
    expect(counters.length).toBeGreaterThan(0);
    expect(JSON.stringify(counters)).not.toContain('203.0.113.9');
    for (const item of counters) {
      expect(item.count).toBeLessThanOrEqual(BAD_MANAGE_TOKENS.limit);
      expect(item.expiresAt).toBeGreaterThan(Date.now() / 1000);
      expect(item.expiresAt).toBeLessThan(Date.now() / 1000 + BAD_MANAGE_TOKENS.windowSeconds + 120);
    }
  });

  it('counts an IPv6 client by its /64, an IPv4 one by its address', () => {
    expect(clientKey('203.0.113.9')).toBe('203.0.113.9');
    expect(clientKey('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(clientKey('2001:db8:1:2:aaaa::1')).toBe(clientKey('2001:0db8:0001:0002:ffff:1:2:3'));
    expect(clientKey('2001:db8:1:2::1')).not.toBe(clientKey('2001:db8:1:3::1'));
    expect(clientKey(undefined)).toBe('unknown');
    // Behind CloudFront, the viewer's address CloudFront set, and only with CloudFront's secret.
    const secret = 'the-origin-secret';
    const request = (headers: Record<string, string>) =>
      ({ headers, requestContext: { http: { sourceIp: '130.176.1.1' } } }) as unknown as ApiEvent;
    expect(clientAddress(request({}), secret)).toBe('130.176.1.1');
    expect(
      clientAddress(request({ 'x-viewer-address': '198.51.100.10', 'x-origin-verify': secret }), secret),
    ).toBe('198.51.100.10');
    expect(
      clientKey(
        clientAddress(
          request({ 'x-viewer-address': '2001:db8:1:2:3:4:5:6', 'x-origin-verify': secret }),
          secret,
        ),
      ),
    ).toBe('2001:db8:1:2::/64');
    // Anyone else's say-so is not believed: a forged header, a wrong secret, or no secret set.
    for (const forged of <Record<string, string>[]>[
      { 'cloudfront-viewer-address': '198.51.100.10:46532' },
      { 'x-viewer-address': '198.51.100.10' },
      { 'x-viewer-address': '198.51.100.10', 'x-origin-verify': 'guess' },
    ]) {
      expect(clientAddress(request(forged), secret), JSON.stringify(forged)).toBe('130.176.1.1');
    }
    expect(
      clientAddress(request({ 'x-viewer-address': '198.51.100.10', 'x-origin-verify': '' }), undefined),
    ).toBe('130.176.1.1');
  });

  it('limits registrations per client, with Retry-After, and counts another client apart', async () => {
    const eventId = await app.publishedEvent({ capacity: 20 });
    const limit = 3;
    setServices({
      ...app.services,
      registrationLimiter: new RateLimiter(app.doc, app.tableName, `register-${eventId}`, {
        ...REGISTRATIONS_PER_CLIENT,
        limit,
      }),
    });
    try {
      const from = (n: number, ip: string) => register(eventId, `Bot${n}-${ip}`, {}, ip);
      for (let n = 0; n < limit; n++) expect((await from(n, '198.51.100.20')).status).toBe(201);
      const refused = await from(limit, '198.51.100.20');
      expect([refused.status, refused.body.error.code]).toEqual([429, 'rate_limited']);
      expect(refused.body.error.message).toMatch(/too many registrations/i);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      // The honeypot does not buy a way round it, and nothing more was stored.
      expect((await register(eventId, 'Bot-honey', { website: 'x' }, '198.51.100.20')).status).toBe(429);
      expect(await app.services.registrations.all(eventId)).toHaveLength(limit);
      expect((await from(0, '198.51.100.21')).status).toBe(201);
    } finally {
      setServices(app.services);
    }
  });

  it('limits registrations per client for one event: a dozen colleagues get through, a bot for one event does not', async () => {
    // The deployed sizes: a dozen colleagues from one office, with room for a few typos.
    expect(REGISTRATIONS_PER_CLIENT_PER_EVENT).toEqual({
      limit: 15,
      windowSeconds: 10 * 60,
      refusal: expect.stringMatching(/for this event/),
    });
    expect(REGISTRATIONS_PER_CLIENT_PER_EVENT.limit).toBeLessThan(REGISTRATIONS_PER_CLIENT.limit);
    const [office, other] = [
      await app.publishedEvent({ capacity: 40 }),
      await app.publishedEvent({ capacity: 40 }),
    ];
    const scope = `register-${office}`;
    setServices({
      ...app.services,
      registrationLimiter: new RateLimiter(app.doc, app.tableName, scope, REGISTRATIONS_PER_CLIENT),
      registrationsPerEvent: REGISTRATIONS_PER_CLIENT_PER_EVENT,
    });
    try {
      const ip = '198.51.100.30';
      const colleagues = [];
      for (let n = 0; n < 12; n++) colleagues.push((await register(office, `Colleague${n}`, {}, ip)).status);
      expect(colleagues).toEqual(Array(12).fill(201));
      for (let n = 12; n < REGISTRATIONS_PER_CLIENT_PER_EVENT.limit; n++) {
        expect((await register(office, `Colleague${n}`, {}, ip)).status).toBe(201);
      }
      // One more for this event from this address is refused, with the time left in the window...
      const refused = await register(office, 'Bot', {}, ip);
      expect([refused.status, refused.body.error.code]).toEqual([429, 'rate_limited']);
      expect(refused.body.error.message).toMatch(/too many registrations for this event/i);
      const retryAfter = Number(refused.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(REGISTRATIONS_PER_CLIENT_PER_EVENT.windowSeconds);
      expect(await app.services.registrations.all(office)).toHaveLength(
        REGISTRATIONS_PER_CLIENT_PER_EVENT.limit,
      );
      // ...while the same address still registers for another event, and another address for this one.
      expect((await register(other, 'Colleague0', {}, ip)).status).toBe(201);
      expect((await register(office, 'Neighbour', {}, '198.51.100.31')).status).toBe(201);
    } finally {
      setServices(app.services);
    }
  });

  it('bounds register/cancel cycles of one address for one event, whatever the clients', async () => {
    const [event, other] = [
      await app.publishedEvent({ capacity: 40 }),
      await app.publishedEvent({ capacity: 40 }),
    ];
    setServices({
      ...app.services,
      registrationLimiter: new RateLimiter(
        app.doc,
        app.tableName,
        `cycles-${event}`,
        REGISTRATIONS_PER_CLIENT,
      ),
      registrationsPerEvent: REGISTRATIONS_PER_CLIENT_PER_EVENT,
    });
    try {
      // Each cycle from a new client, as a script with many addresses would: two emails each.
      for (let n = 0; n < REGISTRATIONS_PER_ADDRESS_PER_EVENT.limit; n++) {
        const answer = await register(event, 'Stranger', {}, `203.0.113.${n + 1}`);
        expect(answer.status).toBe(201);
        const { id, token } = manageLink(answer.body.manageUrl);
        expect((await app.call('POST', `/api/registrations/${id}/cancel?token=${token}`)).status).toBe(200);
      }
      const refused = await register(event, 'Stranger', {}, '203.0.113.99');
      expect([refused.status, refused.body.error.code]).toEqual([429, 'rate_limited']);
      expect(refused.body.error.message).toMatch(/this email address/i);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      // Another address for this event, and this address for another event, still get in.
      expect((await register(event, 'Neighbour', {}, '203.0.113.99')).status).toBe(201);
      expect((await register(other, 'Stranger', {}, '203.0.113.99')).status).toBe(201);
    } finally {
      setServices(app.services);
    }
  });

  it('answers 429 in the error shape with Retry-After', async () => {
    const handler = httpApi({}, async () => {
      throw new RateLimitedError(120);
    });
    const response = await handler({ headers: {} } as ApiEvent, {} as Context);
    expect(response.statusCode).toBe(429);
    expect(response.headers?.['retry-after']).toBe('120');
    expect(JSON.parse(String(response.body))).toEqual({
      error: { code: 'rate_limited', message: expect.any(String) },
    });
  });

  it('through the API: the 11th bad token for a registration, or from a client, is refused with 429', async () => {
    const eventId = await app.publishedEvent({ capacity: 20 });
    const target = manageLink((await register(eventId, 'Target')).body.manageUrl);
    const bad = 'x'.repeat(43);
    const get = (who: { id: string }, token: string, sourceIp: string) =>
      app.call('GET', `/api/registrations/${who.id}?token=${token}`, { sourceIp });

    for (let i = 0; i < BAD_MANAGE_TOKENS.limit; i++) {
      expect((await get(target, bad, '198.51.100.1')).status).toBe(403);
    }
    const limited = await get(target, bad, '198.51.100.1');
    expect([limited.status, limited.body.error.code]).toEqual([429, 'rate_limited']);
    expect(limited.body.error.message).toMatch(/wrong link/);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(BAD_MANAGE_TOKENS.windowSeconds);
    // Guesses are locked out for the window, from anywhere...
    expect((await get(target, bad, '198.51.100.2')).status).toBe(429);
    // ...but the right token always opens its registration: guesses never lock its owner out,
    // even from the guessing client.
    expect((await get(target, target.token, '198.51.100.2')).status).toBe(200);
    expect((await get(target, target.token, '198.51.100.1')).status).toBe(200);
    const other = manageLink((await register(eventId, 'Other')).body.manageUrl);
    expect((await get(other, bad, '198.51.100.1')).status).toBe(429);
    expect((await get(other, other.token, '198.51.100.1')).status).toBe(200);
    expect((await get(other, other.token, '198.51.100.3')).status).toBe(200);

    // One client trying bad tokens on many registrations is stopped as well.
    const people = [];
    for (let i = 0; i < BAD_MANAGE_TOKENS.limit + 1; i++) {
      people.push(manageLink((await register(eventId, `Many${i}`)).body.manageUrl));
    }
    const answers = [];
    for (const person of people) answers.push((await get(person, bad, '198.51.100.7')).status);
    expect(answers).toEqual([...Array(BAD_MANAGE_TOKENS.limit).fill(403), 429]);
  });
});

// ---------------------------------------------------------------------------------------------

/** What starts a formula, or a line a spreadsheet splits a cell at. */
const FORMULA_CHARACTERS = ['=', '+', '-', '@', '\t', '\r', '\n'];

/** A formula character first, or after spaces of any kind, or a control character first. */
const DANGEROUS_START = /^[\s\u200b]*[=+\-@＝＋－＠]|^[\t\r\n]/u;

describe('CSV export', () => {
  it('neutralises every cell a spreadsheet would run as a formula', () => {
    const starts = [...FORMULA_CHARACTERS, ' =', '  +', '\u00a0=', '\u200b@', '\n=', '＝', '＋', '\u3000－'];
    for (const start of starts) {
      expect(neutraliseCell(`${start}cmd|' /C calc'!A0`), JSON.stringify(start)).toBe(
        `'${start}cmd|' /C calc'!A0`,
      );
    }
    for (const safe of ['Ada', "'=1", '', '1-2', 'a=b', ' Ada', 'Ada =1'])
      expect(neutraliseCell(safe)).toBe(safe);

    fc.assert(
      fc.property(
        fc.array(
          fc.string({
            unit: fc.constantFrom(...FORMULA_CHARACTERS, '"', ',', 'a', ' ', '\u00a0', '＝', '\u200b'),
          }),
          {
            minLength: 4,
            maxLength: 4,
          },
        ),
        ([name, company, answer, label]) => {
          const registration = {
            id: 'reg_1',
            status: 'confirmed',
            name,
            email: 'a@example.com',
            company,
            answers: { q: answer },
            locale: 'fr',
            createdAt: '2026-01-01T00:00:00.000Z',
            consentAt: '2026-01-01T00:00:00.000Z',
          } as unknown as RegistrationRecord;
          // Both languages: the separator changes what gets quoted, never what gets neutralised.
          for (const [language, separator] of [
            ['fr', ';'],
            ['en', ','],
          ] as const) {
            const csv = registrationsCsv([registration], [{ id: 'q', label: label || 'Q' }], new Map(), {
              language,
              timeZone: 'Europe/Paris',
            });
            const rows = parseCsv(csv.slice(1), separator);
            expect(rows).toHaveLength(2);
            for (const cell of rows.flat())
              expect(DANGEROUS_START.test(cell), JSON.stringify(cell)).toBe(false);
          }
        },
      ),
      { seed: 8, numRuns: 300 },
    );
  });

  it('through the export endpoint: names, companies, answers and question labels', async () => {
    const eventId = await app.publishedEvent(
      {
        capacity: 20,
        questions: [
          { id: 'why', label: '=HYPERLINK("http://evil.example","Why")', type: 'text' },
          { id: 'note', label: '@Note', type: 'text' },
        ],
      },
      OWNER,
    );
    const hostile = [
      {
        name: "=cmd|' /C calc'!A0",
        company: '+33 1 23',
        jobTitle: '-CEO',
        answers: { why: '\tTab', note: '\rCR' },
      },
      { name: '@SUM(1+1)', company: '=1', jobTitle: '@boss', answers: { why: '-2+3', note: '+1' } },
      { name: '+Plus', company: '-Minus', answers: { why: '=A1', note: '@x\n=2' } },
    ];
    for (const [i, fields] of hostile.entries()) {
      const response = await register(eventId, `P${i}`, fields);
      expect(response.status).toBe(201);
    }
    // Stored as typed (the form allows them), only the export neutralises.
    const all = await app.services.registrations.all(eventId);
    expect(all.map((r) => r.name).sort()).toEqual(hostile.map((h) => h.name).sort());

    const csv = await app.call('GET', `/api/admin/events/${eventId}/registrations.csv`, { organiser: OWNER });
    expect(csv.status).toBe(200);
    // The event is French: `;`-separated.
    const rows = parseCsv(String(csv.body).replace(/^\uFEFF/, ''), ';');
    expect(rows).toHaveLength(1 + hostile.length);
    for (const cell of rows.flat()) expect(DANGEROUS_START.test(cell), JSON.stringify(cell)).toBe(false);
    const cells = rows.flat();
    expect(cells).toContain("'=cmd|' /C calc'!A0");
    expect(cells).toContain("'\tTab");
    expect(cells).toContain("'\rCR");
    expect(cells).toContain('\'=HYPERLINK("http://evil.example","Why")');
  });
});

// ---------------------------------------------------------------------------------------------

describe('email headers', () => {
  const event = (title: string): EventRecord =>
    eventRecord({
      id: 'evt-1',
      organiserId: OWNER,
      title,
      format: 'online',
      venue: null,
      joinUrl: 'https://meet.example/room',
      startsAt: '2026-03-10T07:30:00.000Z',
      endsAt: '2026-03-10T09:30:00.000Z',
      capacity: 50,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
    });

  const ics = (method: string) =>
    [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      `METHOD:${method}`,
      'BEGIN:VEVENT',
      'UID:x',
      'END:VEVENT',
      'END:VCALENDAR',
      '',
    ].join('\r\n');
  const BREAKS = ['\r', '\n', '\r\n', '\u2028', '\u2029', '\u0085', '\u000b', '\f', '\0'];
  const INJECTED = [
    'Bcc: victim@evil.example',
    'X-Injected: 1',
    'Content-Type: text/html',
    '=?utf-8?q?=0D=0ABcc:_x@evil.example?=',
  ];
  const hostileText = fc
    .tuple(
      fc.string({ maxLength: 10 }),
      fc.constantFrom(...BREAKS),
      fc.constantFrom(...INJECTED),
      fc.constantFrom(...BREAKS, ''),
      fc.string({ maxLength: 10 }),
    )
    .map((parts) => parts.join(''));
  const EXPECTED_KEYS = new Set([
    'from',
    'reply-to',
    'to',
    'subject',
    'message-id',
    'date',
    'mime-version',
    'content-type',
    'auto-submitted',
  ]);

  it('no name, title or organiser name adds a header or a recipient, for any message kind', async () => {
    const kinds: MessageKind[] = [
      'confirmed',
      'waitlisted',
      'event_changed',
      'cancelled_by_attendee',
      'reminder',
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...kinds),
        hostileText,
        hostileText,
        hostileText,
        async (kind, name, title, organiserName) => {
          const registration = {
            name,
            email: 'camille@example.com',
            locale: 'fr' as const,
            status: kind === 'waitlisted' ? ('waitlisted' as const) : ('confirmed' as const),
          };
          const method = inviteMethodFor(kind, registration);
          const composed = await composeNotification({
            kind,
            context: {
              registration,
              event: event(title),
              organiser: { name: organiserName, replyTo: 'contact@media-aces.example' },
              manageUrl: 'https://inscriptions.example/manage#registration=r&token=t',
              waitlistPosition: 2,
              changes: ['title'],
            },
            mailFrom: 'inscriptions@example.org',
            ...(method ? { ics: ics(method) } : {}),
          });
          const raw = composed.raw.toString('utf8');
          const headerBlock = raw.slice(0, raw.indexOf('\r\n\r\n'));
          // Every header line is a known header or the folded continuation of one.
          for (const line of headerBlock.split('\r\n')) {
            const key = /^([A-Za-z-]+):/.exec(line)?.[1]?.toLowerCase();
            expect(key ? EXPECTED_KEYS.has(key) : /^[ \t]/.test(line), JSON.stringify(line)).toBe(true);
          }
          const email = await PostalMime.parse(composed.raw);
          for (const header of email.headers) expect(EXPECTED_KEYS.has(header.key), header.key).toBe(true);
          expect(email.headers.filter((h) => h.key === 'to')).toHaveLength(1);
          expect(email.to?.map((to) => to.address)).toEqual(['camille@example.com']);
          expect(email.cc ?? []).toEqual([]);
          expect(email.bcc ?? []).toEqual([]);
          expect(email.from?.address).toBe('inscriptions@example.org');
          expect(email.replyTo?.map((to) => to.address)).toEqual(['contact@media-aces.example']);
          expect(email.subject ?? '').not.toMatch(/[\r\n]/);
        },
      ),
      { seed: 9, numRuns: 150 },
    );
  });
});

// ---------------------------------------------------------------------------------------------

describe('pages', () => {
  const htmlFiles = async () => (await readdir(webDir)).filter((file) => file.endsWith('.html'));

  it('every HTML page is served with a CSP that allows no inline script or style, and the usual headers', async () => {
    // A published event: its page is rendered by its route (a missing one answers 404).
    const eventId = await app.publishedEvent();
    const pages = [
      '/',
      '/manage',
      '/admin',
      `/events/${eventId}`,
      ...(await htmlFiles()).map((file) => `/${file}`),
    ];
    expect(pages).toContain('/privacy.html');
    // API.md: "`/events/{id}?embed=1` may be framed by any site; every other page only by itself."
    const framedAnywhere = [
      `/events/${eventId}?embed=1`,
      '/event.html?embed=1',
      `/events/${eventId}?lang=en&embed=1`,
    ];
    const paths = [
      ...pages,
      ...pages.map((path) => `${path}?embed=0`),
      ...pages.filter((path) => !framedAnywhere.includes(`${path}?embed=1`)).map((path) => `${path}?embed=1`),
      `/events/${eventId}?embed=true`,
      `/events/${eventId}?embedded=1`,
      ...framedAnywhere,
    ];
    for (const path of paths) {
      const response = await fetch(`${base}${path}`);
      expect([path, response.status]).toEqual([path, 200]);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      const csp = Object.fromEntries(
        (response.headers.get('content-security-policy') ?? '')
          .split(';')
          .map((directive) => directive.trim().split(/\s+/))
          .map(([name = '', ...values]) => [name, values]),
      );
      expect(csp['default-src'], path).toEqual(["'self'"]);
      expect(csp['script-src'], path).toEqual(["'self'"]);
      expect(csp['style-src'], path).toEqual(["'self'"]);
      expect(csp['base-uri'], path).toEqual(["'none'"]);
      expect([path, csp['frame-ancestors']]).toEqual([
        path,
        framedAnywhere.includes(path) ? ['*'] : ["'self'"],
      ]);
      const { 'frame-ancestors': _, ...others } = csp;
      expect(JSON.stringify(others)).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
      // Nothing else forbids (or allows) framing: the CSP alone says it.
      expect(response.headers.get('x-frame-options'), path).toBeNull();
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    }
  });

  it('no built page has inline script, inline style or event-handler attributes', async () => {
    const files = await htmlFiles();
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const file of files) {
      const html = await readFile(join(webDir, file), 'utf8');
      const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
      expect(scripts.length, file).toBeGreaterThan(0);
      for (const [, attributes, content] of scripts) {
        expect(attributes, file).toMatch(/\bsrc="\/[^"]+\.js"/);
        expect(content?.trim(), file).toBe('');
      }
      expect(html, file).not.toMatch(/<style\b/i);
      expect(html, file).not.toMatch(/\sstyle\s*=/i);
      expect(html, file).not.toMatch(/\son[a-z]+\s*=/i);
      expect(html, file).not.toMatch(/javascript:/i);
    }
  });
});

describe('personal join links (GET /j/{code})', () => {
  it('through the local server: a page with the site’s headers, no-store, 404 for a forged code, never the join URL; the access line masks the code', async () => {
    const eventId = await app.publishedEvent({ format: 'online', joinUrl: 'https://meet.example/door-3Vb' });
    const registered = await app.call('POST', `/api/events/${eventId}/registrations`, {
      body: { name: 'Joiner', email: 'joiner@example.com', consent: true },
    });
    expect(registered.status).toBe(201);
    const code = app.services.attendanceCodes.for(registered.body.registration.id) ?? '';
    const other = app.services.attendanceCodes.for('reg_AAAAAAAAAAAAAAAAAAAAAA') ?? '';
    const forgeries = [
      `${code.slice(0, -1)}${code.endsWith('0') ? '1' : '0'}`,
      // Another registration's id with this one's tag.
      `${other.slice(0, -16)}${code.slice(-16)}`,
      code.slice(0, -2),
      `${code}00`,
      'constructor',
    ];
    const lines: string[] = [];
    const previous = process.env.LOG_LEVEL;
    const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      lines.push(args.map(String).join(' '));
    });
    process.env.LOG_LEVEL = 'info';
    try {
      // A week before the event: the page saying when it opens.
      const early = await fetch(`${base}/j/${code}`, { redirect: 'manual' });
      expect(early.status).toBe(200);
      expect(early.headers.get('cache-control')).toBe('no-store');
      expect(early.headers.get('referrer-policy')).toBe('no-referrer');
      expect(early.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(await early.text()).not.toContain('meet.example');
      for (const forged of forgeries) {
        const response = await fetch(`${base}/j/${forged}`, { redirect: 'manual' });
        expect([forged, response.status]).toEqual([forged, 404]);
        expect(response.headers.get('location')).toBeNull();
        expect(await response.text()).not.toContain('meet.example');
      }
      // The access line is written once the response has finished: poll for it.
      await expect
        .poll(() => lines.filter((line) => line.startsWith('GET /j/')).length)
        .toBe(1 + forgeries.length);
    } finally {
      process.env.LOG_LEVEL = previous;
      spy.mockRestore();
    }
    const output = lines.join('\n');
    expect(output).toContain('GET /j/[code] 200');
    expect(output).not.toContain(code);
    expect(output).not.toContain(code.slice(0, 12));
  });
});
