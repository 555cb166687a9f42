import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizeAdmin } from '../functions/apikeys/authorize.js';
import { LAST_USED_RESOLUTION_MS } from '../functions/apikeys/model.js';
import { newEventRecord } from '../functions/events/model.js';
import { eventCreateInput } from '../functions/events/schemas.js';
import { createServices, type Services, setServices } from '../functions/wiring/services.js';
import { invoke, type MatchedRoute, matchRoute } from '../local/apigw.js';
import { createLocalIssuer, type LocalIssuer } from '../local/auth.js';
import { createLocalServer } from '../local/server.js';
import { freshTable } from './support/dynamo.js';

/**
 * API keys end to end: made by a login, used as a bearer token on the admin routes of the local
 * server (the same check as the AWS authorizer, functions/apikeys/authorize.ts), over DynamoDB Local.
 */

const OWNER = 'media-aces';
const OTHER = 'open2leads';
let server: Server;
let base: string;
let tmp: string;
let services: Services;
let issuer: LocalIssuer;
let now = new Date('2026-12-01T09:00:00Z');

const api = async (method: string, path: string, token?: string, body?: unknown) => {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(token !== undefined ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
};

const eventOf = async (organiserId: string): Promise<string> => {
  const start = new Date(Date.now() + 7 * 86_400_000);
  const event = newEventRecord(
    eventCreateInput.parse({
      title: `Event of ${organiserId}`,
      format: 'online',
      startsAt: start.toISOString(),
      endsAt: new Date(start.getTime() + 3_600_000).toISOString(),
    }),
    { id: `evt-${organiserId}-${randomBytes(3).toString('hex')}`, organiserId, organiserName: organiserId },
    new Date(),
  );
  await services.events.create(event);
  return event.id;
};

beforeAll(async () => {
  process.env.LOG_LEVEL = 'silent';
  tmp = await mkdtemp(join(tmpdir(), 'api-keys-'));
  const { doc, tableName } = await freshTable();
  services = createServices({
    db: doc,
    tableName,
    baseUrl: 'http://127.0.0.1:3000',
    tokenKey: randomBytes(32),
    holdMinutes: 120,
    clock: () => now,
  });
  setServices(services);
  issuer = await createLocalIssuer({ dataDir: join(tmp, 'data'), issuer: 'http://127.0.0.1:3000/local' });
  server = createLocalServer({ issuer, organiserIds: [OWNER, OTHER], webDir: tmp });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((done) => server?.close(done));
  setServices(undefined);
  await rm(tmp, { recursive: true, force: true });
});

describe('API keys', () => {
  it('a key made by a login acts for its organiser on admin routes, is listed without the key, and stops when revoked', async () => {
    const login = await issuer.issue(OWNER);
    const own = await eventOf(OWNER);
    const others = await eventOf(OTHER);

    const made = await api('POST', '/api/admin/api-keys', login, { label: 'Zapier' });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ label: 'Zapier', organiserId: OWNER });
    expect(made.body.key).toMatch(/^ik_[A-Za-z0-9_-]{43}$/);
    const { id, key } = made.body;

    // The key never comes back, and is not stored as given.
    const listed = await api('GET', '/api/admin/api-keys', login);
    expect(listed.body.apiKeys).toEqual([
      { id, organiserId: OWNER, label: 'Zapier', createdAt: now.toISOString() },
    ]);
    const stored = JSON.stringify(await services.apiKeys.list(OWNER));
    expect(stored).not.toContain(key.slice(3));

    // Used: its organiser's events, not another's (404, as for a login).
    const events = await api('GET', '/api/admin/events', key);
    expect(events.status).toBe(200);
    expect(events.body.events.map((e: { id: string }) => e.id)).toContain(own);
    expect(events.body.events.map((e: { id: string }) => e.id)).not.toContain(others);
    expect((await api('GET', `/api/admin/events/${own}`, key)).status).toBe(200);
    expect((await api('GET', `/api/admin/events/${others}`, key)).status).toBe(404);
    expect((await api('PATCH', `/api/admin/events/${others}`, key, { title: 'Mine now' })).status).toBe(404);

    // Its use is written down, at most once a minute.
    const usedAt = now.toISOString();
    expect((await api('GET', '/api/admin/api-keys', login)).body.apiKeys[0].lastUsedAt).toBe(usedAt);
    now = new Date(now.getTime() + LAST_USED_RESOLUTION_MS / 2);
    await api('GET', '/api/admin/events', key);
    expect((await api('GET', '/api/admin/api-keys', login)).body.apiKeys[0].lastUsedAt).toBe(usedAt);
    now = new Date(now.getTime() + LAST_USED_RESOLUTION_MS);
    await api('GET', '/api/admin/events', key);
    expect((await api('GET', '/api/admin/api-keys', login)).body.apiKeys[0].lastUsedAt).toBe(
      now.toISOString(),
    );

    // A key cannot manage keys: a leaked one could otherwise mint more, or revoke its replacement.
    expect((await api('POST', '/api/admin/api-keys', key, { label: 'More' })).status).toBe(403);
    expect((await api('GET', '/api/admin/api-keys', key)).status).toBe(403);
    expect((await api('DELETE', `/api/admin/api-keys/${id}`, key)).status).toBe(403);

    // Another organiser cannot see or revoke it.
    const intruder = await issuer.issue(OTHER);
    expect((await api('GET', '/api/admin/api-keys', intruder)).body.apiKeys).toEqual([]);
    expect((await api('DELETE', `/api/admin/api-keys/${id}`, intruder)).status).toBe(404);
    expect((await api('GET', '/api/admin/events', key)).status).toBe(200);

    const revoked = await api('DELETE', `/api/admin/api-keys/${id}`, login);
    expect(revoked.status).toBe(200);
    const refused = await api('GET', '/api/admin/events', key);
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('unauthorized');
    expect((await api('GET', '/api/admin/api-keys', login)).body.apiKeys).toEqual([]);
    expect((await api('DELETE', `/api/admin/api-keys/${id}`, login)).status).toBe(404);
  });

  it('a wrong, garbled or truncated key is 401, never a 5xx', async () => {
    const { key } = (await api('POST', '/api/admin/api-keys', await issuer.issue(OWNER), { label: 'CRM' }))
      .body;
    const flipped = `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`;
    for (const token of [
      flipped,
      key.slice(0, -1),
      `${key}x`,
      'ik_',
      'ik_%00',
      `ik_${'é'.repeat(43)}`,
      'ik_../../x',
      key.toUpperCase(),
    ]) {
      const response = await api('GET', '/api/admin/events', token);
      expect(response.status, token).toBe(401);
      expect(response.body.error.code, token).toBe('unauthorized');
    }
    expect((await api('GET', '/api/admin/events', key)).status).toBe(200);
  });

  it('a key acts for one organiser: the caller’s only one, or the one they name among theirs', async () => {
    // What the admin authorizer hands on for a login in two organisers' groups.
    const asBoth = async (body: unknown) => {
      const result = await invoke(matchRoute('POST', '/api/admin/api-keys') as MatchedRoute, {
        method: 'POST',
        url: '/api/admin/api-keys',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        admin: { organiserIds: `${OWNER} ${OTHER}` },
      });
      return { status: result.statusCode, body: JSON.parse(result.body ?? '{}') };
    };
    expect((await asBoth({ label: 'x' })).body.error.fields).toEqual({
      organiserId: 'Required when you act for several organisers',
    });
    expect((await asBoth({ label: 'x', organiserId: 'touch-and-sell' })).body.error.fields).toEqual({
      organiserId: 'Not one of your organisers',
    });
    const named = await asBoth({ label: 'x', organiserId: OTHER });
    expect([named.status, named.body.organiserId]).toEqual([201, OTHER]);
  });

  it('labels are required, one line, bounded', async () => {
    const login = await issuer.issue(OWNER);
    for (const body of [
      {},
      { label: '' },
      { label: 'a\nb' },
      { label: 'x'.repeat(101) },
      { label: 'ok', extra: 1 },
    ]) {
      const response = await api('POST', '/api/admin/api-keys', login, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.error.code).toBe('validation_failed');
    }
  });
});

describe('the admin authorizer (AWS Lambda authorizer and local server alike)', () => {
  const deps = () => ({ verifyJwt: issuer.verify, apiKeys: services.apiKeys, clock: () => now });

  it('accepts a login’s access token, an API key, and refuses a revoked key, garbage and no header', async () => {
    expect(await authorizeAdmin(`Bearer ${await issuer.issue(OWNER)}`, deps())).toEqual({
      organiserIds: OWNER,
    });
    const { id, key } = (
      await api('POST', '/api/admin/api-keys', await issuer.issue(OTHER), { label: 'n8n' })
    ).body;
    expect(await authorizeAdmin(`Bearer ${key}`, deps())).toEqual({ organiserIds: OTHER, apiKeyId: id });
    await services.apiKeys.revoke(OTHER, id);
    expect(await authorizeAdmin(`Bearer ${key}`, deps())).toBeUndefined();
    for (const header of [undefined, '', 'Bearer', `Basic ${key}`, 'Bearer not.a.jwt', 'Bearer ik_short']) {
      expect(await authorizeAdmin(header, deps()), String(header)).toBeUndefined();
    }
  });

  it('the Lambda entry: a Cognito access token of the admin client or a key is authorized with its context; others are not', async () => {
    // A stand-in for the user pool: its JWKS where Cognito publishes it, under the issuer.
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'pool-key', alg: 'RS256', use: 'sig' }] };
    const pool = createServer((_, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(jwks));
    });
    await new Promise<void>((done) => pool.listen(0, '127.0.0.1', done));
    const poolIssuer = `http://127.0.0.1:${(pool.address() as AddressInfo).port}/eu-west-3_pool`;
    const cognitoToken = (claims: Record<string, unknown>) =>
      new SignJWT({ token_use: 'access', client_id: 'admin-client', 'cognito:groups': [OWNER], ...claims })
        .setProtectedHeader({ alg: 'RS256', kid: 'pool-key' })
        .setIssuer(poolIssuer)
        .setSubject('user')
        .setExpirationTime((claims.exp as number | undefined) ?? '1h')
        .sign(privateKey);
    try {
      process.env.COGNITO_ISSUER = poolIssuer;
      process.env.ADMIN_CLIENT_ID = 'admin-client';
      const { handler } = await import('../functions/apikeys/authorizer.js');
      const request = (token: string) =>
        ({ headers: { authorization: `Bearer ${token}` } }) as unknown as APIGatewayRequestAuthorizerEventV2;
      const refused = { isAuthorized: false, context: {} };

      expect(await handler(request(await cognitoToken({})))).toEqual({
        isAuthorized: true,
        context: { organiserIds: OWNER },
      });
      // Another app client's token, an ID token, an expired one, the local issuer's: refused.
      expect(await handler(request(await cognitoToken({ client_id: 'another-client' })))).toEqual(refused);
      expect(await handler(request(await cognitoToken({ token_use: 'id' })))).toEqual(refused);
      expect(
        await handler(request(await cognitoToken({ exp: Math.floor(Date.now() / 1000) - 600 }))),
      ).toEqual(refused);
      expect(await handler(request(await issuer.issue(OWNER)))).toEqual(refused);

      const { id, key } = (
        await api('POST', '/api/admin/api-keys', await issuer.issue(OWNER), { label: 'Make' })
      ).body;
      expect(await handler(request(key))).toEqual({
        isAuthorized: true,
        context: { organiserIds: OWNER, apiKeyId: id },
      });
      await services.apiKeys.revoke(OWNER, id);
      expect(await handler(request(key))).toEqual(refused);
    } finally {
      await new Promise((done) => pool.close(done));
    }
  });
});
