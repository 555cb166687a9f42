import { beforeAll, describe, expect, it } from 'vitest';
import { registrationInput } from '../functions/registrations/schemas.js';
import { bySource, MAX_SOURCES, OTHER_SOURCES } from '../functions/sources/model.js';
import { trackingLinkInput } from '../functions/sources/schemas.js';
import { BASE_URL, startTestApp, type TestApp } from './support/app.js';
import { parseCsv } from './support/csv.js';

/** Where registrants come from (API.md, "Sources and integrations"): sources, tracking links, marketing consent. */

const person = { name: 'Ada', email: 'ada@example.com', consent: true };

describe('the source schema', () => {
  it('keeps the utm and ref parameters, trimmed, and drops unknown keys, prototype names included', () => {
    const parsed = registrationInput.parse(
      JSON.parse(
        JSON.stringify({ ...person, source: { utm_source: ' linkedin ', ref: 'abc', evil: 1 } }).replace(
          '"evil":1',
          '"evil":1,"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}}',
        ),
      ),
    );
    expect(parsed.source).toEqual({ utm_source: 'linkedin', ref: 'abc' });
    expect(Object.hasOwn(parsed.source ?? {}, '__proto__')).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses long, multi-line or non-text values, and a source that is not an object', () => {
    const refused = (source: unknown) => !registrationInput.safeParse({ ...person, source }).success;
    expect(refused({ utm_source: 'x'.repeat(101) })).toBe(true);
    expect(refused({ utm_campaign: 'a\nb' })).toBe(true);
    expect(refused({ ref: 'x'.repeat(65) })).toBe(true);
    expect(refused({ referrer: 'https://blog.example/'.padEnd(501, 'x') })).toBe(true);
    expect(refused({ utm_source: 42 })).toBe(true);
    expect(refused({ utm_medium: { toString: 'x' } })).toBe(true);
    expect(refused('linkedin')).toBe(true);
    expect(refused([1])).toBe(true);
    expect(refused({ utm_source: 'x'.repeat(100), referrer: 'https://blog.example/post' })).toBe(false);
    expect(registrationInput.safeParse({ ...person, marketingConsent: 'yes' }).success).toBe(false);
  });

  it('a tracking link needs a label and a utm_source, each one short line', () => {
    expect(trackingLinkInput.safeParse({ label: 'LinkedIn', utm_source: 'linkedin' }).success).toBe(true);
    expect(trackingLinkInput.safeParse({ label: ' ', utm_source: 'linkedin' }).success).toBe(false);
    expect(trackingLinkInput.safeParse({ label: 'LinkedIn' }).success).toBe(false);
    expect(trackingLinkInput.safeParse({ label: 'x'.repeat(101), utm_source: 'a' }).success).toBe(false);
  });

  it('bySource lists at most MAX_SOURCES rows, the rest added up', () => {
    const many = Array.from({ length: MAX_SOURCES + 10 }, (_, i) => ({
      status: 'confirmed' as const,
      source: { utm_source: `s${i}` },
    }));
    const rows = bySource(many, []);
    expect(rows).toHaveLength(MAX_SOURCES);
    expect(rows.at(-1)).toEqual({ source: OTHER_SOURCES, registered: 11, confirmed: 11, attended: 0 });
  });
});

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});

const admin = (method: string, path: string, body?: unknown, organiser = 'media-aces') =>
  app.call(method, `/api/admin/events${path}`, { organiser, body });

const register = (eventId: string, n: number, extra: Record<string, unknown> = {}) =>
  app.call('POST', `/api/events/${eventId}/registrations`, {
    body: { name: `P${n}`, email: `p${n}@example.com`, consent: true, ...extra },
  });

describe('sources on DynamoDB Local', () => {
  it('stores the source of a registration, shows it to the organiser and exports it', async () => {
    const eventId = await app.publishedEvent();
    const source = {
      utm_source: 'linkedin',
      utm_medium: 'social',
      utm_campaign: 'launch',
      referrer: 'https://blog.example/post',
    };
    expect((await register(eventId, 1, { source: { ...source, utm_term: '' } })).status).toBe(201);
    expect((await register(eventId, 2)).status).toBe(201);

    const listed = await admin('GET', `/${eventId}/registrations?sort=name`);
    expect(listed.body.items.map((r: { source: unknown }) => r.source)).toEqual([source, null]);

    const csv = parseCsv(String((await admin('GET', `/${eventId}/registrations.csv?lang=en`)).body).slice(1));
    const header = csv[0] ?? [];
    const row = csv.find((cells) => cells.includes('p1@example.com')) ?? [];
    const cell = (title: string) => row[header.indexOf(title)];
    expect(cell('utm_source')).toBe('linkedin');
    expect(cell('utm_campaign')).toBe('launch');
    expect(cell('Referring page')).toBe('https://blog.example/post');
  });

  it('creates tracking links, redirects through them counting visits (not HEAD, not bots), and attributes registrations', async () => {
    const eventId = await app.publishedEvent({ capacity: 5 });
    const created = await admin('POST', `/${eventId}/links`, {
      label: 'LinkedIn post',
      utm_source: 'linkedin',
      utm_medium: 'social',
    });
    expect(created.status).toBe(201);
    const { code, url } = created.body;
    expect(code).toMatch(/^[A-Za-z0-9_-]{8}$/);
    expect(url).toBe(`${BASE_URL}/r/${code}`);
    const other = await admin('POST', `/${eventId}/links`, { label: 'Newsletter', utm_source: 'newsletter' });

    const browser = { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/140' };
    const visit = await app.call('GET', `/r/${code}`, { headers: browser });
    expect(visit.status).toBe(302);
    const landing = new URL(visit.headers.location ?? '');
    expect(`${landing.origin}${landing.pathname}`).toBe(`${BASE_URL}/events/${eventId}`);
    expect(Object.fromEntries(landing.searchParams)).toEqual({
      utm_source: 'linkedin',
      utm_medium: 'social',
      ref: code,
    });
    await app.call('GET', `/r/${code}`, { headers: browser });
    const head = await app.call('HEAD', `/r/${code}`, { headers: browser });
    expect(head.status).toBe(302);
    await app.call('GET', `/r/${code}`, { headers: { 'user-agent': 'LinkedInBot/1.0' } });
    expect((await app.call('GET', '/r/nosuchcd', { headers: browser })).status).toBe(404);

    // Two came by the link (one checked in), one by a plain utm_source, one directly.
    const a = await register(eventId, 1, { source: { utm_source: 'linkedin', ref: code } });
    const b = await register(eventId, 2, { source: { utm_source: 'linkedin', ref: code } });
    await register(eventId, 3, { source: { utm_source: 'twitter' } });
    await register(eventId, 4);
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    await admin('POST', `/${eventId}/registrations/${a.body.registration.id}/check-in`);

    const links = await admin('GET', `/${eventId}/links`);
    expect(links.status).toBe(200);
    expect(links.body.links).toEqual([
      expect.objectContaining({
        code,
        url,
        label: 'LinkedIn post',
        utm_source: 'linkedin',
        utm_medium: 'social',
        visits: 2,
        registrations: 2,
        confirmed: 2,
        attended: 1,
      }),
      expect.objectContaining({ code: other.body.code, visits: 0, registrations: 0 }),
    ]);

    const stats = await admin('GET', `/${eventId}/stats`);
    expect(stats.body.bySource).toEqual([
      { source: 'LinkedIn post', registered: 2, confirmed: 2, attended: 1 },
      { source: 'direct', registered: 1, confirmed: 1, attended: 0 },
      { source: 'twitter', registered: 1, confirmed: 1, attended: 0 },
    ]);
  });

  it("keeps every organiser to their own event's links", async () => {
    const eventId = await app.publishedEvent();
    expect(
      (await admin('POST', `/${eventId}/links`, { label: 'x', utm_source: 'y' }, 'other-org')).status,
    ).toBe(404);
    expect((await admin('GET', `/${eventId}/links`, undefined, 'other-org')).status).toBe(404);
    expect((await admin('GET', `/${eventId}/stats`, undefined, 'other-org')).status).toBe(404);
    expect((await admin('GET', `/${eventId}/links`)).body.links).toEqual([]);
  });

  it('keeps marketing consent only when the event asks and the box is ticked', async () => {
    const text = 'Je souhaite recevoir les prochains événements';
    const asking = await app.publishedEvent({ marketingConsentText: text });
    const silent = await app.publishedEvent();
    expect((await app.call('GET', `/api/events/${asking}`)).body.marketingConsentText).toBe(text);
    expect((await app.call('GET', `/api/events/${silent}`)).body.marketingConsentText).toBeUndefined();

    await register(asking, 1, { marketingConsent: true });
    await register(asking, 2, { marketingConsent: false });
    await register(asking, 3);
    await register(silent, 4, { marketingConsent: true });

    const consents = async (eventId: string) =>
      (await admin('GET', `/${eventId}/registrations?sort=name`)).body.items.map(
        (r: { marketingConsent: unknown }) => r.marketingConsent,
      );
    expect(await consents(asking)).toEqual([
      { given: true, text, at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) },
      null,
      null,
    ]);
    expect(await consents(silent)).toEqual([null]);

    const csv = parseCsv(String((await admin('GET', `/${asking}/registrations.csv?lang=en`)).body).slice(1));
    const header = csv[0] ?? [];
    const textColumn = header.indexOf('Marketing consent text');
    expect(csv.find((row) => row.includes('p1@example.com'))?.[textColumn]).toBe(text);
    expect(csv.find((row) => row.includes('p2@example.com'))?.[textColumn]).toBe('');
    expect(header.some((title) => title.startsWith('Marketing consent ('))).toBe(true);

    // The organiser turns it on and off in the event.
    const updated = await admin('PATCH', `/${silent}`, { marketingConsentText: 'News?' });
    expect(updated.body.marketingConsentText).toBe('News?');
    expect(
      (await admin('PATCH', `/${silent}`, { marketingConsentText: null })).body.marketingConsentText,
    ).toBe(null);
  });
});
