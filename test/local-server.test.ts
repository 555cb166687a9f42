import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair, importJWK, type JWK, SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newEventRecord } from '../functions/events/model.js';
import { eventCreateInput } from '../functions/events/schemas.js';
import { createServices, type Services, setServices } from '../functions/wiring/services.js';
import { createLocalIssuer, LOCAL_AUDIENCE } from '../local/auth.js';
import { demoOrganisers, seedDemo } from '../local/seed.js';
import { createLocalServer, LOGIN_FAILURES } from '../local/server.js';
import { tick } from '../local/tick.js';
import { freshTable } from './support/dynamo.js';
import { rawGet } from './support/raw-http.js';

/** The local runtime end to end: real HTTP against the server, handlers over DynamoDB Local. */

const PASSWORD = 'test-password';
let server: Server;
let base: string;
let tmp: string;
let issuerUrl: string;
let services: Services;

const api = async (path: string, init: RequestInit = {}) => {
  const response = await fetch(`${base}${path}`, init);
  const text = await response.text();
  const body = response.headers.get('content-type')?.includes('json') && text ? JSON.parse(text) : text;
  return { status: response.status, body, headers: response.headers };
};

const postJson = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  api(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

const login = async (organiserId: string): Promise<string> => {
  const { status, body } = await postJson('/local/login', {
    email: `organiser@${organiserId}.example`,
    password: PASSWORD,
  });
  expect(status).toBe(200);
  return body.accessToken;
};

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

beforeAll(async () => {
  process.env.LOG_LEVEL = 'silent';
  process.env.LOCAL_ADMIN_PASSWORD = PASSWORD;
  // A secret next to the web root's grandparent, where a traversal would land.
  tmp = await mkdtemp(join(tmpdir(), 'local-server-'));
  const webDir = join(tmp, 'web', 'dist');
  await mkdir(webDir, { recursive: true });
  await writeFile(join(webDir, 'index.html'), '<!doctype html><title>Événements</title>');
  await writeFile(join(webDir, 'event.html'), '<!doctype html><title>Événement</title>');
  await writeFile(join(tmp, 'package.json'), '{"secret": "must not be served"}');

  const { doc, tableName } = await freshTable();
  services = createServices({
    db: doc,
    tableName,
    baseUrl: 'http://127.0.0.1:3000',
    tokenKey: randomBytes(32),
    holdMinutes: 120,
  });
  setServices(services);
  await seedDemo(services, new Date());

  issuerUrl = 'http://127.0.0.1:3000/local';
  const issuer = await createLocalIssuer({ dataDir: join(tmp, 'data'), issuer: issuerUrl });
  server = createLocalServer({ issuer, organiserIds: demoOrganisers.map((o) => o.id), webDir });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((done) => server?.close(done));
  setServices(undefined);
  delete process.env.LOCAL_ADMIN_PASSWORD;
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('public API', () => {
  it.each([
    ['media-aces', ['un-patron-doit-il-tweeter', 'social-crm']],
    ['touch-and-sell', ['social-selling-or-not', 'experience-client-collaborateur']],
    ['open2leads', ['b2b-best-practices']],
  ])('lists the seeded events of %s', async (organiser, ids) => {
    const { status, body } = await api(`/api/events?organiser=${organiser}`);
    expect(status).toBe(200);
    expect(body.events.map((event: { id: string }) => event.id)).toEqual(ids);
    for (const event of body.events) {
      expect(event.status).toBe('published');
      expect(event.timeZone).toBe('Europe/Paris');
      expect(event).not.toHaveProperty('joinUrl');
    }
  });

  it('registers, then opens the registration with its manage token only', async () => {
    const { status, body } = await postJson('/api/events/un-patron-doit-il-tweeter/registrations', {
      name: 'Camille Martin',
      email: 'camille@example.com',
      consent: true,
    });
    expect(status).toBe(201);
    expect(body.registration.status).toBe('confirmed');
    const fragment = new URLSearchParams(new URL(body.manageUrl).hash.slice(1));
    const id = fragment.get('registration') ?? '';
    const token = fragment.get('token') ?? '';
    expect(id).toBe(body.registration.id);

    const own = await api(`/api/registrations/${id}?token=${encodeURIComponent(token)}`);
    expect(own.status).toBe(200);
    expect(own.body.email).toBe('camille@example.com');

    const wrong = await api(`/api/registrations/${id}?token=${'x'.repeat(token.length)}`);
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.code).toBe('forbidden');
  });

  it('refuses a 20 KiB body with 413 and a non-JSON body with 415', async () => {
    const big = await postJson('/api/events/social-crm/registrations', {
      name: 'A',
      email: 'big@example.com',
      consent: true,
      company: 'x'.repeat(20 * 1024),
    });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('payload_too_large');

    const text = await api('/api/events/social-crm/registrations', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'name=A',
    });
    expect(text.status).toBe(415);
    expect(text.body.error.code).toBe('unsupported_media_type');
  });

  it('answers unknown API paths and wrong methods in the error shape', async () => {
    const missing = await api('/api/nothing-here');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');
    const method = await api('/api/events', { method: 'DELETE' });
    expect(method.status).toBe(405);
    expect(method.body.error.code).toBe('method_not_allowed');
    expect((await api('/local/outbox')).status).toBe(404);
  });
});

describe('admin API behind the local issuer', () => {
  it('logs in and lists only that organiser’s events', async () => {
    const token = await login('media-aces');
    const { status, body } = await api('/api/admin/events', { headers: bearer(token) });
    expect(status).toBe(200);
    expect(body.events.length).toBeGreaterThan(0);
    expect(new Set(body.events.map((event: { organiserId: string }) => event.organiserId))).toEqual(
      new Set(['media-aces']),
    );
  });

  it('refuses a wrong password, a malformed login and an unknown user', async () => {
    const wrong = await postJson('/local/login', { email: 'organiser@media-aces.example', password: 'nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('unauthorized');
    expect(
      (await postJson('/local/login', { email: 'someone@example.com', password: PASSWORD })).status,
    ).toBe(401);
    const bad = await postJson('/local/login', { email: 42 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation_failed');
  });

  it('refuses missing, foreign, expired and unsigned tokens with 401', async () => {
    const claims = { email: 'x@example.com', 'cognito:groups': ['media-aces'], token_use: 'access' };
    const { privateKey: otherKey } = await generateKeyPair('ES256');
    const foreign = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256' })
      .setSubject('intruder')
      .setIssuer(issuerUrl)
      .setAudience(LOCAL_AUDIENCE)
      .setExpirationTime('1h')
      .sign(otherKey);
    // The issuer's own key, but expired an hour ago.
    const ownJwk = JSON.parse(await readFile(join(tmp, 'data', 'local-issuer-key.json'), 'utf8')) as JWK;
    const now = Math.floor(Date.now() / 1000);
    const expired = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: ownJwk.kid })
      .setSubject('late')
      .setIssuer(issuerUrl)
      .setAudience(LOCAL_AUDIENCE)
      .setIssuedAt(now - 7200)
      .setExpirationTime(now - 3600)
      .sign(await importJWK(ownJwk, 'ES256'));
    const unsigned = new UnsecuredJWT(claims)
      .setSubject('none')
      .setIssuer(issuerUrl)
      .setAudience(LOCAL_AUDIENCE)
      .setExpirationTime('1h')
      .encode();

    for (const headers of [{}, bearer(foreign), bearer(expired), bearer(unsigned), bearer('not-a-jwt')]) {
      const { status, body } = await api('/api/admin/events', { headers });
      expect(status).toBe(401);
      expect(body.error.code).toBe('unauthorized');
    }
  });

  it('hides another organiser’s event (404) and keeps drafts off the public API', async () => {
    const token = await login('media-aces');
    const foreign = await api('/api/admin/events/social-selling-or-not', { headers: bearer(token) });
    expect(foreign.status).toBe(404);

    const start = new Date(Date.now() + 10 * 86_400_000);
    const created = await postJson(
      '/api/admin/events',
      {
        title: 'Brouillon',
        format: 'online',
        startsAt: start.toISOString(),
        endsAt: new Date(start.getTime() + 3_600_000).toISOString(),
      },
      bearer(token),
    );
    expect(created.status).toBe(201);
    expect(created.body.status).toBe('draft');
    const hidden = await api(`/api/events/${created.body.id}`);
    expect(hidden.status).toBe(404);
    expect(hidden.body.error.code).toBe('not_found');
  });
});

describe('static pages', () => {
  it('serves pretty routes with the security headers', async () => {
    const page = await api('/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.body).toContain('Événements');
  });

  it('does not serve files outside the web directory', async () => {
    for (const path of ['/..%2f..%2fpackage.json', '/../../package.json', '/%2e%2e/%2e%2e/package.json']) {
      const { status, body } = await rawGet(base, path);
      expect(status).toBe(404);
      expect(body).not.toContain('secret');
    }
  });
});

describe('scheduler tick', () => {
  it('releases a confirmation hold once it has lapsed', async () => {
    const { body } = await postJson('/api/events/experience-client-collaborateur/registrations', {
      name: 'Dominique Petit',
      email: 'dominique@example.com',
      consent: true,
    });
    expect(body.registration.status).toBe('pending_confirmation');
    // Its link comes by email only; the store says what became of it.
    const status = async () => (await services.registrations.getById(body.registration.id))?.status;

    await tick(services, new Date());
    expect(await status()).toBe('pending_confirmation');
    await tick(services, new Date(Date.now() + 3 * 3_600_000)); // past the 120-minute hold
    expect(await status()).toBe('cancelled');
  });
});

describe('the local runtime’s own defences', () => {
  /** A request with the Host header a browser would send for the name it was given. */
  const withHost = (host: string, path: string) =>
    new Promise<number>((done, fail) => {
      const req = httpRequest(`${base}${path}`, { headers: { host } }, (res) => {
        res.resume();
        res.on('end', () => done(res.statusCode ?? 0));
      });
      req.on('error', fail);
      req.end();
    });

  it('answers 421 to a name that is not its own (DNS rebinding), and serves its own names', async () => {
    const port = new URL(base).port;
    for (const host of [`evil.example:${port}`, 'evil.example', `127.0.0.1.evil.example:${port}`]) {
      expect(await withHost(host, '/api/events?organiser=media-aces'), host).toBe(421);
    }
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`]) {
      expect(await withHost(host, '/api/events?organiser=media-aces'), host).toBe(200);
    }
  });

  it('stops answering logins after ten wrong ones from a client, right password included', async () => {
    const login = (password: string) =>
      postJson('/local/login', { email: 'organiser@media-aces.example', password });
    // Earlier tests here made wrong logins from this client too: they count in the same window.
    let wrong = 0;
    while (wrong <= LOGIN_FAILURES.limit && (await login(`wrong-${wrong}`)).status === 401) wrong++;
    expect(wrong).toBeGreaterThan(0);
    expect(wrong).toBeLessThanOrEqual(LOGIN_FAILURES.limit);
    const refused = await login(PASSWORD);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('rate_limited');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

/**
 * The event page as a link preview fetches it: plain HTTP, no script. Its head names the event
 * (functions/events/page-head.ts, through the route table as in AWS); the page's headers are
 * every page's.
 */
describe('the event page', () => {
  const CSP =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'self'; base-uri 'none'; form-action 'self'";
  const TEMPLATE = readFileSync(new URL('../web/src/event.html', import.meta.url), 'utf8');
  const metaOf = (html: string, key: string) =>
    new RegExp(`<meta (?:name|property)="${key}" content="([^"]*)" />`).exec(html)?.[1];

  it('names the event in its head, for previews that run no script', async () => {
    const event = (await api('/api/events/social-crm')).body;
    const page = await api('/events/social-crm');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toBe('public, max-age=60');
    expect(page.headers.get('content-security-policy')).toBe(CSP);
    expect(page.headers.get('x-frame-options')).toBeNull();
    const title = `${event.title} — ${event.organiserName}`;
    expect(/<title>([^<]*)<\/title>/.exec(page.body)?.[1]).toBe(title.replace(/'/g, '&#39;'));
    expect(metaOf(page.body, 'og:title')).toBe(title.replace(/'/g, '&#39;'));
    expect(metaOf(page.body, 'og:url')).toBe('http://127.0.0.1:3000/events/social-crm');
    expect(metaOf(page.body, 'og:locale')).toBe('fr_FR');
    expect(metaOf(page.body, 'description')).toContain('Salle du Sentier, Paris — Sur le Web social');
    // The body is the page's own, which its script fills.
    expect(page.body).toContain('<script type="module" src="/event.js"></script>');
  });

  it('answers HEAD with the headers alone, and frames in embed mode for any site', async () => {
    const head = await fetch(`${base}/events/social-crm`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(Number(head.headers.get('content-length'))).toBeGreaterThan(TEMPLATE.length);
    expect(await head.text()).toBe('');
    const embedded = await api('/events/social-crm?embed=1');
    expect(embedded.headers.get('content-security-policy')).toBe(CSP.replace("'self'; base", '*; base'));
  });

  it('gives a draft or an unknown id the page as it is, with 404 (200 in preview), so its script says so', async () => {
    // Straight into the table: this file's login limit is spent by the wrong-login test.
    const start = new Date(Date.now() + 10 * 86_400_000);
    const input = eventCreateInput.parse({
      title: 'Projet secret',
      format: 'online',
      startsAt: start.toISOString(),
      endsAt: new Date(start.getTime() + 3_600_000).toISOString(),
    });
    const ids = { id: 'projet-secret', organiserId: 'media-aces', organiserName: 'Media Aces' };
    await services.events.create(newEventRecord(input, ids, new Date()));
    for (const path of ['/events/projet-secret', '/events/no-such-event', '/events/not%20an%20id']) {
      const page = await api(path);
      expect([page.status, page.body], path).toEqual([404, TEMPLATE]);
      expect(page.headers.get('content-security-policy'), path).toBe(CSP);
      // The draft preview, drawn by the script for its organiser: the same page, 200 for any id.
      const preview = await api(`${path}?preview=1`);
      expect([preview.status, preview.body], path).toEqual([200, TEMPLATE]);
    }
  });
});
