import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { apiKeyCreateInput } from '../functions/apikeys/model.js';
import { eventCreateInput, eventStatuses } from '../functions/events/schemas.js';
import { MAX_BODY_BYTES } from '../functions/http/handler.js';
import { errorStatus } from '../functions/platform/errors.js';
import { PRIVACY_VERSION } from '../functions/platform/privacy.js';
import { BAD_MANAGE_TOKENS } from '../functions/platform/rate-limiter.js';
import { registrationInput, registrationStatuses } from '../functions/registrations/schemas.js';
import { type RouteDefinition, routes } from '../functions/routes.js';
import { registrationSource, trackingLinkInput } from '../functions/sources/schemas.js';
import { urlProblem } from '../functions/webhooks/address.js';
import { sealSecret } from '../functions/webhooks/deliver.js';
import { newWebhookSecret } from '../functions/webhooks/model.js';
import { type CallResult, manageLink, startTestApp, type TestApp } from './support/app.js';
import { payloadOf, solve } from './support/challenge.js';
import { expectConsistent } from './support/invariants.js';

/**
 * Hostile input, generated (fast-check) over the route table, so a new route is covered the
 * day it is added: arbitrary JSON, wrong types, strings near and over the body limit, deep
 * nesting, control characters, lone surrogates, bidi and zero-width characters,
 * prototype-pollution keys and unknown fields, in bodies, query strings and path ids. Admin
 * routes are called as the owning organiser, so the requests get past authorisation.
 *
 * Every answer is a 2xx or a 4xx in the contract's error shape, never a 5xx; afterwards every
 * item in the table still fits its schema and every event's counters equal its items.
 * Fixed seed (HOSTILE_SEED overrides), bounded runs (HOSTILE_RUNS per route).
 */

const SEED = Number(process.env.HOSTILE_SEED ?? 20_261_101);
const RUNS = Number(process.env.HOSTILE_RUNS ?? 40);
const OWNER = 'media-aces';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
  console.info(`hostile input: HOSTILE_SEED=${SEED} HOSTILE_RUNS=${RUNS}`);
});

afterAll(() => {
  // Printed again at the end, next to a failure's report.
  console.info(`hostile input ran with HOSTILE_SEED=${SEED}`);
});

// ---------------------------------------------------------------------------------------------
// Generators

const PROTO_KEYS = ['__proto__', 'constructor', 'prototype'] as const;

/** Characters that have broken parsers, headers, spreadsheets and terminals somewhere. */
const SPECIALS = [
  '\u0000',
  '\r',
  '\n',
  '\r\n',
  '\t',
  '\u0007',
  '\u001b[31m',
  '\u007f',
  '\u0085',
  '\u2028',
  '\u2029',
  '\u202e', // right-to-left override
  '\u200b', // zero-width space
  '\u200d', // zero-width joiner
  '\ufeff', // byte order mark
  '\ud800', // lone high surrogate
  '\udfff', // lone low surrogate
  '\ud83d\ude00',
  'e\u0301',
  '=1+1',
  '@SUM(A1)',
  '<script>alert(1)</script>',
  '"\'`',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template injection probe, on purpose
  '${7*7}',
  '../../etc/passwd',
  '%00',
  'NaN',
] as const;

const unit = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.constantFrom(...SPECIALS) },
  { weight: 1, arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0x9f }).map((c) => String.fromCharCode(c)) },
);

const hostileString = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit, maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  // Around the body limit, in one-byte and two-byte characters.
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: -64, max: 64 }), fc.constantFrom('x', 'é'))
      .map(([delta, char]) =>
        char.repeat(Math.max(0, Math.floor((MAX_BODY_BYTES + delta) / Buffer.byteLength(char)))),
      ),
  },
  // Just over the field limits (200, 254, 2000 characters).
  {
    weight: 1,
    arbitrary: fc.constantFrom(199, 200, 201, 254, 255, 1999, 2000, 2001).map((n) => 'a'.repeat(n)),
  },
);

/** A value nested `depth` times in arrays or objects. */
const nested = fc.tuple(fc.integer({ min: 1, max: 3000 }), fc.boolean()).map(([depth, arrays]) => {
  let value: unknown = 'deep';
  for (let i = 0; i < depth; i++) value = arrays ? [value] : { a: value };
  return value;
});

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 4, arbitrary: hostileString },
  {
    weight: 2,
    arbitrary: fc.constantFrom(null, true, false, 0, -1, 1.5, 1e308, -0, 2 ** 53 + 1, [], {}, ''),
  },
  { weight: 1, arbitrary: nested },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...PROTO_KEYS), fc.jsonValue({ maxDepth: 2 }))
      .map(([key, value]) => ({ [key]: { polluted: value } })),
  },
);

const objectKey = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...PROTO_KEYS, 'unknownField', 'id', 'status', 'organiserId') },
  { weight: 2, arbitrary: fc.string({ unit, maxLength: 20 }) },
);

/** JSON text, so `__proto__` keys arrive as own properties, as they would over the wire. */
const withField = (base: Record<string, unknown>, key: string, value: unknown): string => {
  const rest = JSON.stringify(base).slice(1, -1);
  return `{${rest}${rest ? ',' : ''}${JSON.stringify(key)}:${JSON.stringify(value) ?? 'null'}}`;
};

/** What a valid body looks like, for routes that take one; a new route starts from `{}`. */
const validBodies: Record<string, Record<string, unknown>> = {
  'functions/api/public/register.ts': {
    name: 'Ada Lovelace',
    email: 'ada@example.com',
    consent: true,
    answers: { diet: 'veg', talk: 'Hello', ok: true },
    source: {
      utm_source: 'linkedin',
      utm_campaign: 'launch',
      ref: 'abcdefgh',
      referrer: 'https://blog.example/post',
    },
    marketingConsent: true,
  },
  'functions/api/admin/createEvent.ts': {
    title: 'Hostile',
    format: 'online',
    joinUrl: 'https://meet.example/hostile',
    startsAt: new Date(Date.now() + 10 * 86_400_000).toISOString(),
    endsAt: new Date(Date.now() + 10 * 86_400_000 + 3_600_000).toISOString(),
    capacity: 3,
  },
  'functions/api/admin/updateEvent.ts': { title: 'Renamed', capacity: 4 },
  'functions/api/admin/createApiKey.ts': { label: 'Zapier' },
  'functions/api/admin/createLink.ts': {
    label: 'LinkedIn post',
    utm_source: 'linkedin',
    utm_medium: 'social',
  },
  'functions/api/admin/createWebhook.ts': {
    url: 'https://hooks.example.com/in',
    events: ['registration.created'],
  },
};

/** A registration needs an address of its own each time, or all but the first are `already_registered`. */
const baseFor = (route: RouteDefinition, fixture: Fixture): fc.Arbitrary<Record<string, unknown>> => {
  // The door scanner's code is the seated person's own (made from their id and the app's key).
  if (route.entry === 'functions/api/admin/checkInByCode.ts')
    return fc.constant({ code: app.services.attendanceCodes.for(fixture.people[0]?.id ?? '') });
  const base = validBodies[route.entry] ?? {};
  return 'email' in base
    ? fc.nat().map((n) => ({ ...base, email: `hostile${n}@example.com` }))
    : fc.constant(base);
};

const bodyFor = (route: RouteDefinition, fixture: Fixture): fc.Arbitrary<string | undefined> =>
  baseFor(route, fixture).chain((base) => bodyFrom(base));

const bodyFrom = (base: Record<string, unknown>): fc.Arbitrary<string | undefined> => {
  const mutated = fc.tuple(objectKey, hostileValue).map(([key, value]) => withField(base, key, value));
  const keys = Object.keys(base);
  const replaced = keys.length
    ? fc.tuple(fc.constantFrom(...keys), hostileValue).map(([key, value]) => {
        const { [key]: _dropped, ...rest } = base;
        return withField(rest, key, value);
      })
    : mutated;
  const answers = fc
    .dictionary(objectKey, hostileValue, { maxKeys: 5 })
    .map((dictionary) => withField(base, 'answers', dictionary));
  // One odd character inside an otherwise valid value: where validation is most likely to wave
  // something through (a lone surrogate in a name, a bidi override in a company).
  const textKeys = Object.keys(base).filter((key) => typeof base[key] === 'string');
  const oddOne = fc.oneof(
    fc.constantFrom(...SPECIALS),
    fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
  );
  const spliced = textKeys.length
    ? fc.tuple(fc.constantFrom(...textKeys), oddOne, fc.nat()).map(([key, odd, at]) => {
        const value = String(base[key]);
        const cut = at % (value.length + 1);
        const { [key]: _old, ...rest } = base;
        return withField(rest, key, `${value.slice(0, cut)}${odd}${value.slice(cut)}`);
      })
    : mutated;
  const raw = fc.oneof(
    fc.string({ unit, maxLength: 60 }),
    fc.constantFrom('{', '{"a":}', '[1,]', 'null', '"string"', '1e999', '{"a":1}{"b":2}', '\ufeff{}', ''),
    fc.integer({ min: 1000, max: 8000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`),
  );
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.constant(JSON.stringify(base)) },
    { weight: 3, arbitrary: mutated },
    { weight: 3, arbitrary: replaced },
    { weight: 3, arbitrary: spliced },
    { weight: 2, arbitrary: answers },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)) },
    { weight: 2, arbitrary: raw },
  );
};

/** What a client can send of a string: a lone surrogate has no UTF-8, so it goes as U+FFFD. */
const wellFormed = (value: string): string => value.replace(/[\ud800-\udfff]/gu, '\ufffd');

/**
 * A hostile value in a path segment. Empty and dot segments (`.`, `..`, `%2e%2e`) are taken off
 * by URL resolution before any route sees them, so they get a letter in front to stay one.
 */
const segment = (value: string): string => {
  const encoded = encodeURIComponent(wellFormed(value));
  return /^(\.|%2e){0,2}$/i.test(encoded) ? `x${encoded}` : encoded;
};

const hostileId = fc.oneof(
  hostileString,
  fc.constantFrom('..', '.', '%2e%2e', 'x'.repeat(65), 'reg_', 'evt_', 'EVENT#x', 'a b', 'a/b', '\u0000'),
);

// ---------------------------------------------------------------------------------------------
// The fixture each route is thrown at: a published online event (join URL, questions) of
// OWNER with one seat taken and one person waiting.

interface Fixture {
  eventId: string;
  people: { id: string; token: string }[];
  /** One of OWNER's API keys. */
  apiKeyId: string;
  /** A tracking link of the event (`/r/{code}`). */
  linkCode: string;
  /** For the webhook routes: one of OWNER's subscriptions (its address a documentation one, never reached). */
  webhookId?: string;
}

const webhookFixture = async (): Promise<string> => {
  const id = `wh_hostile${Math.random().toString(36).slice(2, 10)}`;
  await app.services.webhooks.create({
    id,
    organiserId: OWNER,
    url: 'https://203.0.113.7/hook',
    events: ['registration.created'],
    secretSealed: sealSecret(newWebhookSecret(), app.services.webhookSecretKey()),
    createdAt: new Date().toISOString(),
  });
  return id;
};

const makeFixture = async (): Promise<Fixture> => {
  const eventId = await app.publishedEvent(
    {
      capacity: 1,
      questions: [
        { id: 'diet', label: 'Diet', type: 'select', options: ['veg', 'any'] },
        { id: 'talk', label: 'Talk', type: 'text' },
        { id: 'ok', label: 'OK', type: 'checkbox' },
      ],
      marketingConsentText: 'Send me news',
    },
    OWNER,
  );
  const people = [];
  for (const who of ['seated', 'waiting']) {
    const response = await app.call('POST', `/api/events/${eventId}/registrations`, {
      body: { name: who, email: `${who}@example.com`, consent: true },
    });
    expect(response.status).toBe(201);
    // The emailed token: it opens every manage route, confirmation included.
    const { id } = manageLink(response.body.manageUrl);
    people.push({ id, token: await app.emailedToken(id) });
  }
  const key = await app.call('POST', '/api/admin/api-keys', { organiser: OWNER, body: { label: 'Fixture' } });
  expect(key.status).toBe(201);
  const link = await app.call('POST', `/api/admin/events/${eventId}/links`, {
    organiser: OWNER,
    body: { label: 'Newsletter', utm_source: 'newsletter' },
  });
  expect(link.status).toBe(201);
  return { eventId, people, apiKeyId: key.body.id, linkCode: link.body.code };
};

interface Request {
  url: string;
  body?: string;
  contentType?: string;
  sourceIp: string;
}

const requestFor = (route: RouteDefinition, fixture: Fixture): fc.Arbitrary<Request> => {
  const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1] ?? '');
  const params = fc.tuple(
    ...names.map((name) =>
      fc
        .oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: hostileId })
        .map((hostile) => ({ name, hostile })),
    ),
  );
  // The parameters some route reads, each present or not, plausible or hostile; and any others.
  const queryValue = fc.oneof(
    hostileString,
    fc.constantFrom('1', '200', '201', '-1', '1e3', 'confirmed', 'waitlisted', OWNER, '', 'eyJwayI6IngifQ'),
    fc.jsonValue({ maxDepth: 2 }).map((value) => Buffer.from(JSON.stringify(value)).toString('base64url')),
  );
  const KNOWN = ['token', 'organiser', 'status', 'cursor', 'limit'] as const;
  const known = fc.oneof(
    // One at a time mostly: a hostile value next to valid ones is what reaches deepest.
    {
      weight: 3,
      arbitrary: fc.tuple(fc.constantFrom(...KNOWN), queryValue).map(([key, value]) => ({ [key]: value })),
    },
    {
      weight: 1,
      arbitrary: fc.record(Object.fromEntries(KNOWN.map((key) => [key, queryValue])), { requiredKeys: [] }),
    },
  );
  const query = fc
    .tuple(known, fc.dictionary(fc.string({ unit, maxLength: 10 }), hostileString, { maxKeys: 2 }))
    .map(([mine, other]) => ({ ...other, ...mine }));
  return fc
    .record({
      params,
      person: fc.nat({ max: fixture.people.length - 1 }),
      tokenOf: fc.oneof(
        { weight: 3, arbitrary: fc.constant('own') },
        { weight: 1, arbitrary: fc.constant('other') },
        { weight: 1, arbitrary: fc.constant('none') },
      ),
      query: fc.oneof({ weight: 1, arbitrary: fc.constant(undefined) }, { weight: 2, arbitrary: query }),
      body: bodyFor(route, fixture),
      contentType: fc.oneof(
        { weight: 5, arbitrary: fc.constant(undefined) },
        {
          weight: 1,
          arbitrary: fc.constantFrom(
            'text/plain',
            'application/x-www-form-urlencoded',
            'application/json; charset=utf-16',
            '',
          ),
        },
      ),
      sourceIp: fc.ipV4(),
    })
    .map(({ params: values, person, tokenOf, query: extra, body, contentType, sourceIp }) => {
      const own = fixture.people[person] ?? { id: '', token: '' };
      const other = fixture.people[(person + 1) % fixture.people.length] ?? own;
      let path = route.path;
      for (const { name, hostile } of values) {
        let value: string;
        if (hostile !== undefined) value = segment(hostile);
        else if (name === 'eventId') value = fixture.eventId;
        else if (name === 'registrationId') value = own.id;
        // The personal join link: the registrant's own code (a page before the window, 403 waitlisted).
        else if (name === 'code' && route.path.startsWith('/j/'))
          value = app.services.attendanceCodes.for(own.id) ?? 'x';
        else if (name === 'code') value = fixture.linkCode;
        else if (name === 'apiKeyId') value = fixture.apiKeyId;
        else if (name === 'webhookId') value = fixture.webhookId ?? 'x';
        else if (name === 'file')
          value = route.path.startsWith('/calendar/organisers') ? `${OWNER}.ics` : `${fixture.eventId}.ics`;
        else value = 'x';
        path = path.replace(`{${name}}`, value);
      }
      const search = new URLSearchParams();
      if (route.path.startsWith('/api/registrations/') && tokenOf !== 'none') {
        search.set('token', tokenOf === 'own' ? own.token : other.token);
      }
      if (route.entry.endsWith('public/listEvents.ts')) search.set('organiser', OWNER);
      for (const [key, value] of Object.entries(extra ?? {})) {
        if (value !== undefined) search.set(wellFormed(key), wellFormed(value));
      }
      const qs = search.toString();
      return { url: qs ? `${path}?${qs}` : path, body, contentType: contentType ?? undefined, sourceIp };
    });
};

// ---------------------------------------------------------------------------------------------
// The contract

const CODES = new Set([...Object.keys(errorStatus), 'method_not_allowed']);

const errorShape = z.strictObject({
  error: z.strictObject({
    code: z.string(),
    message: z.string(),
    fields: z.optional(z.record(z.string(), z.string())),
  }),
});

const checkAnswer = (response: CallResult, label: string, method = 'GET', page = false): void => {
  expect(response.status, `${label}: ${JSON.stringify(response.body).slice(0, 300)}`).toBeLessThan(500);
  if (response.status < 400) return;
  // A page's miss is the page itself, whose script says what is missing: HTML, not the error shape;
  // so is a join link's refusal (403 no seat, 410 over or cancelled), a page saying why.
  if (page && [403, 404, 410].includes(response.status)) {
    expect(response.headers['content-type'], label).toBe('text/html; charset=utf-8');
    return;
  }
  expect(response.headers['content-type'], label).toContain('application/json');
  // HEAD: the headers of the error GET would get, and no body to read the code from.
  if (method === 'HEAD') {
    expect(response.body, label).toBe('');
    expect(Object.values(errorStatus), label).toContain(response.status);
    return;
  }
  const parsed = errorShape.safeParse(response.body);
  expect(parsed.success, `${label}: ${JSON.stringify(response.body).slice(0, 300)}`).toBe(true);
  const code = response.body.error.code as keyof typeof errorStatus;
  expect(CODES.has(code), `${label}: unknown code ${code}`).toBe(true);
  expect(response.status, label).toBe(errorStatus[code]);
};

const touched = new Set<string>();

describe('every route, thrown hostile input', () => {
  routes.forEach((route, index) => {
    it(`${route.method} ${route.path}`, { timeout: 120_000 }, async () => {
      const fixture = await makeFixture();
      if (route.path.includes('{webhookId}')) fixture.webhookId = await webhookFixture();
      touched.add(fixture.eventId);
      const statuses = new Map<number, number>();
      await fc.assert(
        fc.asyncProperty(requestFor(route, fixture), async (request) => {
          const response = await app.call(route.method, request.url, {
            ...(route.auth === 'admin' ? { organiser: OWNER } : {}),
            ...(request.body !== undefined ? { body: request.body } : {}),
            ...(request.contentType !== undefined
              ? { headers: { 'content-type': request.contentType } }
              : {}),
            sourceIp: request.sourceIp,
          });
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          if (response.status === 201 && response.body?.id?.startsWith?.('evt_'))
            touched.add(response.body.id);
          checkAnswer(
            response,
            `${route.method} ${request.url.slice(0, 200)}`,
            route.method,
            // Pages answer their misses as pages: the event page, and the personal join link.
            route.entry.endsWith('eventPage.ts') || route.entry.endsWith('public/join.ts'),
          );
        }),
        { seed: SEED + index, numRuns: RUNS, endOnFailure: true },
      );
      // Nothing anyone sent leaked into every object's prototype.
      expect(Object.keys(Object.prototype)).toEqual([]);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      await expectConsistent(app, fixture.eventId);
      // The generators reach past validation at least sometimes (or the route takes no input).
      expect(
        [...statuses.keys()].some((status) => status < 400 || status === 304),
        JSON.stringify([...statuses]),
      ).toBe(true);
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Event definitions: what an organiser defines is input too

/** Question ids near the edges: every object's own names, the reserved-looking, the plain. */
const questionId = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...Object.getOwnPropertyNames(Object.prototype), 'prototype') },
  { weight: 2, arbitrary: fc.constantFrom('diet', 'q-1', 'Q_2', 'x', 'a'.repeat(64), 'a'.repeat(65)) },
  { weight: 2, arbitrary: fc.string({ unit, maxLength: 20 }) },
);
const eventStart = Date.parse(String(validBodies['functions/api/admin/createEvent.ts']?.startsAt));
const within = (minutes: number) => new Date(eventStart + minutes * 60_000).toISOString();
const validQuestion = (id: string) => ({ id, label: 'Une question', type: 'text', required: false });
const validItem = { startsAt: within(0), endsAt: within(30), title: 'Accueil', speakers: ['Ada'] };
const validVenue = { name: 'Salle', address: '1 rue de la Paix', city: 'Paris' };

/**
 * One odd part in an otherwise valid definition, so that it gets as far as registrations: odd
 * question ids (every object's own names among them), or a hostile agenda item or venue.
 */
const definition = fc.oneof(
  fc
    .array(fc.tuple(questionId, fc.boolean(), fc.constantFrom('text', 'checkbox')), {
      minLength: 1,
      maxLength: 3,
    })
    .map((questions) => ({
      questions: questions.map(([id, required, type]) => ({ ...validQuestion(id), required, type })),
    })),
  fc
    .tuple(fc.constantFrom('startsAt', 'endsAt', 'title', 'speakers'), hostileValue)
    .map(([key, value]) => ({ agenda: [{ ...validItem, [key]: value }] })),
  fc
    .tuple(fc.constantFrom('name', 'address', 'city'), hostileValue)
    .map(([key, value]) => ({ venue: { ...validVenue, [key]: value }, format: 'hybrid' })),
);

describe('event definitions, thrown hostile input', () => {
  it('questions, agenda and venue: refused with a 4xx or kept, and registering against them never a 5xx', {
    timeout: 120_000,
  }, async () => {
    let created = 0;
    await fc.assert(
      fc.asyncProperty(
        definition,
        fc.dictionary(questionId, hostileValue, { maxKeys: 4 }),
        fc.nat(),
        async (fields, answers, n) => {
          const body = JSON.stringify({ ...validBodies['functions/api/admin/createEvent.ts'], ...fields });
          const made = await app.call('POST', '/api/admin/events', { organiser: OWNER, body });
          checkAnswer(made, `create ${body.slice(0, 200)}`);
          if (made.status !== 201) return;
          created++;
          const eventId = String(made.body.id);
          touched.add(eventId);
          checkAnswer(
            await app.call('POST', `/api/admin/events/${eventId}/publish`, { organiser: OWNER }),
            'publish',
          );
          // A right answer to every question (whatever its id), then the hostile ones.
          const rightAnswers = Object.fromEntries(
            (made.body.questions ?? []).map((question: { id: string; type: string }) => [
              question.id,
              question.type === 'checkbox' ? true : 'oui',
            ]),
          );
          for (const sent of [rightAnswers, answers]) {
            const registration = await app.call('POST', `/api/events/${eventId}/registrations`, {
              body: withField(
                { name: 'Ada', email: `def${n}-${created}@example.com`, consent: true },
                'answers',
                sent,
              ),
            });
            checkAnswer(registration, `register ${JSON.stringify(sent).slice(0, 200)}`);
          }
          for (const path of [
            `/api/events/${eventId}`,
            `/calendar/events/${eventId}.ics`,
            `/api/admin/events/${eventId}/registrations.csv`,
          ]) {
            checkAnswer(await app.call('GET', path, { organiser: OWNER }), path);
          }
        },
      ),
      { seed: SEED + 1000, numRuns: RUNS, endOnFailure: true },
    );
    // The generators get past validation at least sometimes.
    expect(created).toBeGreaterThan(0);
  });
});

// ---------------------------------------------------------------------------------------------
// Registration challenges: what the page sends back is input too

describe('registration challenges, thrown hostile input', () => {
  it('a hostile, tampered or replayed solution is refused with a 4xx, and the right one registers once', {
    timeout: 120_000,
  }, async () => {
    const eventId = await app.publishedEvent({ requireChallenge: true, capacity: 5 }, OWNER);
    touched.add(eventId);
    const { body: challenge } = await app.call('GET', `/api/events/${eventId}/challenge`);
    const number = solve(challenge);
    const solution = fc.oneof(
      { weight: 3, arbitrary: hostileValue },
      // One field of the right solution replaced.
      {
        weight: 4,
        arbitrary: fc
          .tuple(
            fc.constantFrom('algorithm', 'challenge', 'number', 'salt', 'signature', '__proto__'),
            hostileValue,
          )
          .map(([key, value]) => payloadOf(challenge, number, { [key]: value })),
      },
      // Any JSON, base64-encoded as a payload is.
      {
        weight: 2,
        arbitrary: fc
          .jsonValue({ maxDepth: 3 })
          .map((value) => Buffer.from(JSON.stringify(value)).toString('base64')),
      },
      // The right one, again and again: it registers the first time only.
      { weight: 1, arbitrary: fc.constant(payloadOf(challenge, number)) },
    );
    let sent = 0;
    let registered = 0;
    await fc.assert(
      fc.asyncProperty(solution, async (value) => {
        const body = withField(
          { name: 'Ada', email: `solver${++sent}@example.com`, consent: true },
          'challenge',
          value,
        );
        const response = await app.call('POST', `/api/events/${eventId}/registrations`, { body });
        checkAnswer(response, `register with challenge ${body.slice(0, 200)}`);
        if (response.status === 201) registered++;
        else expect(response.status, body.slice(0, 200)).toBeGreaterThanOrEqual(400);
      }),
      { seed: SEED + 2000, numRuns: RUNS * 2, endOnFailure: true },
    );
    expect(registered).toBe(1);
    expect((await app.services.registrations.all(eventId)).length).toBe(registered);
    await expectConsistent(app, eventId);
  });
});

// ---------------------------------------------------------------------------------------------
// What was stored

const isoInstant = z.iso.datetime({ offset: true });
const nonNegative = z.number().check(z.int(), z.minimum(0));

const storedRegistration = z.looseObject({
  pk: z.string().check(z.regex(/^EVENT#/)),
  sk: z.string().check(z.regex(/^REG#[A-Za-z0-9_-]{32}$/)),
  id: z.string().check(z.regex(/^reg_[A-Za-z0-9_-]{16}$/)),
  eventId: z.string(),
  emailKey: z.string(),
  status: z.enum(registrationStatuses),
  tokenHashes: z
    .array(z.string().check(z.regex(/^[A-Za-z0-9_-]{43}$/)))
    .check(z.minLength(1), z.maxLength(5)),
  tokenSealed: z.string(),
  consentAt: isoInstant,
  consentVersion: z.literal(PRIVACY_VERSION),
  createdAt: isoInstant,
  updatedAt: isoInstant,
  locale: z.enum(['fr', 'en']),
});

const storedLink = z.strictObject({
  pk: z.string().check(z.regex(/^LINK#[A-Za-z0-9_-]{8}$/)),
  sk: z.literal('LINK'),
  gsi1pk: z.string().check(z.regex(/^EVENT#.+#LINKS$/)),
  gsi1sk: z.string(),
  code: z.string().check(z.regex(/^[A-Za-z0-9_-]{8}$/)),
  eventId: z.string(),
  // The input schema is lazy (built on first use): its object is the inner type.
  ...trackingLinkInput._zod.innerType.shape,
  visits: nonNegative,
  createdAt: isoInstant,
});

const storedMarketingConsent = z.strictObject({
  given: z.literal(true),
  text: z.string().check(z.minLength(1)),
  at: isoInstant,
});

const storedSeats = z.looseObject({
  status: z.enum(eventStatuses),
  held: nonNegative,
  pending: nonNegative,
  waitlisted: nonNegative,
  cancelled: nonNegative,
  checkedIn: nonNegative,
  capacity: z.optional(nonNegative),
});

const WEBHOOK_ATTRIBUTES = [
  'pk',
  'sk',
  'id',
  'organiserId',
  'url',
  'events',
  'secretSealed',
  'previousSecretSealed',
  'previousUntil',
  'createdAt',
];
const DELIVERY_ATTRIBUTES = [
  'pk',
  'sk',
  'expiresAt',
  'organiserId',
  'webhookId',
  'messageId',
  'type',
  'occurredAt',
  'eventId',
  'registrationId',
  'status',
  'attempts',
  'responseCode',
  'error',
  'lastAttemptAt',
  'nextAttemptAt',
];

const ERASED_ATTRIBUTES = ['checkedIn', 'createdAt', 'erasedAt', 'pk', 'shard', 'sk', 'status'];

/** JSON.stringify escapes what has no UTF-8: NUL and unpaired surrogate halves. */
const BAD_ESCAPE =
  /\\u0000|\\ud[89ab][0-9a-f]{2}(?!\\ud[c-f])|(?<!\\ud[89ab][0-9a-f]{2})\\ud[c-f][0-9a-f]{2}/gi;

const checkItem = (item: Record<string, unknown>): void => {
  const where = `${item.pk} ${item.sk}`;
  const sk = String(item.sk);
  // No stored string carries a lone surrogate or a NUL (DynamoDB and mail would choke later).
  const unencodable = (JSON.stringify(item).match(BAD_ESCAPE) ?? []).length;
  expect(
    unencodable,
    `${where}: ${JSON.stringify(item).match(new RegExp(`.{0,60}(${BAD_ESCAPE.source}).{0,20}`, 'i'))?.[0]}`,
  ).toBe(0);
  if (sk === 'EVENT') {
    const {
      pk,
      sk: _sk,
      gsi1pk,
      gsi1sk,
      id,
      organiserId,
      organiserName,
      status,
      sequence,
      createdAt,
      updatedAt,
      ...fields
    } = item;
    const parsed = eventCreateInput.safeParse(fields);
    expect(parsed.success, `${where}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
    expect(eventStatuses).toContain(status);
    expect(Number.isInteger(sequence) && (sequence as number) >= 0, where).toBe(true);
    expect(String(item.endsAt) > String(item.startsAt), where).toBe(true);
  } else if (sk === 'GATE' || /^GATE#\d+$/.test(sk)) {
    const parsed = storedSeats.safeParse(item);
    expect(parsed.success, `${where}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
    if (typeof item.capacity === 'number')
      expect(item.held as number, where).toBeLessThanOrEqual(item.capacity);
  } else if (sk.startsWith('REG#')) {
    const parsed = storedRegistration.safeParse(item);
    expect(parsed.success, `${where}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
    // The person's fields, as stored, are a valid form: trimmed, bounded, no control characters.
    const form = registrationInput.safeParse({
      name: item.name,
      email: item.email,
      company: item.company,
      jobTitle: item.jobTitle,
      answers: item.answers,
      locale: item.locale,
      consent: true,
    });
    expect(form.success, `${where}: ${JSON.stringify(form.error?.issues)}`).toBe(true);
    // Where they came from, as stored: a valid, non-empty source; marketing consent only as given.
    if (item.source !== undefined) {
      expect(registrationSource.safeParse(item.source).success, where).toBe(true);
      expect(Object.keys(item.source as object).length, where).toBeGreaterThan(0);
    }
    if (item.marketingConsent !== undefined) {
      expect(storedMarketingConsent.safeParse(item.marketingConsent).success, where).toBe(true);
    }
    expect(form.data?.email, where).toBe(item.email);
    expect(form.data?.name, where).toBe(item.name);
  } else if (sk.startsWith('ERASED#')) {
    // A tombstone keeps nothing about the person.
    expect(Object.keys(item).sort(), where).toEqual(ERASED_ATTRIBUTES);
  } else if (String(item.pk).startsWith('CHALLENGE#')) {
    // A spent challenge: its hash and when it may go, nothing else.
    expect(Object.keys(item).sort(), where).toEqual(['expiresAt', 'pk', 'sk']);
    expect(String(item.pk), where).toMatch(/^CHALLENGE#[0-9a-f]{64}$/);
    expect(Number.isInteger(item.expiresAt), where).toBe(true);
  } else if (sk === 'APIKEY') {
    // An API key: its hash, never the key; a label that is a valid one.
    expect(String(item.pk), where).toMatch(/^APIKEY#[A-Za-z0-9_-]{43}$/);
    expect(Object.keys(item).sort(), where).toEqual(
      [
        'createdAt',
        'gsi1pk',
        'gsi1sk',
        'id',
        'label',
        'organiserId',
        'pk',
        'sk',
        ...('lastUsedAt' in item ? ['lastUsedAt'] : []),
      ].sort(),
    );
    expect(apiKeyCreateInput.safeParse({ label: item.label }).success, where).toBe(true);
  } else if (String(item.pk).startsWith('LINK#')) {
    // A tracking link: what the organiser named, its count, and no visitor's data.
    const parsed = storedLink.safeParse(item);
    expect(parsed.success, `${where}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
  } else if (sk.startsWith('WEBHOOK#')) {
    // A subscription: its address as given (validated), its secret sealed, nothing else.
    expect(
      Object.keys(item).every((key) => WEBHOOK_ATTRIBUTES.includes(key)),
      where,
    ).toBe(true);
    // (The fixtures' documentation address is written straight to the store, never through the API.)
    if (!String(item.id).startsWith('wh_hostile')) {
      expect(urlProblem(String(item.url), { allowLoopback: false }), where).toBeUndefined();
    }
    expect(String(item.secretSealed), where).not.toContain('whsec_');
  } else if (String(item.pk).startsWith('WEBHOOK#')) {
    // A delivery's log line: ids, status and code, no payload.
    expect(
      Object.keys(item).every((key) => DELIVERY_ATTRIBUTES.includes(key)),
      where,
    ).toBe(true);
  } else if (String(item.pk).startsWith('RATE#')) {
    expect(item.count as number, where).toBeLessThanOrEqual(BAD_MANAGE_TOKENS.limit);
    expect(Number.isInteger(item.expiresAt), where).toBe(true);
  } else {
    throw new Error(`An item nothing should have written: ${where}`);
  }
};

describe('after the hostile run', () => {
  it('stores nothing that breaks a schema, and every event’s counters equal its items', async () => {
    const items: Record<string, unknown>[] = [];
    let cursor: Record<string, unknown> | undefined;
    do {
      const page = await app.doc.send(
        new ScanCommand({ TableName: app.tableName, ExclusiveStartKey: cursor }),
      );
      items.push(...(page.Items ?? []));
      cursor = page.LastEvaluatedKey;
    } while (cursor);
    expect(items.length).toBeGreaterThan(routes.length * 3);
    for (const item of items) checkItem(item);

    const seatQuotas = items
      .filter((item) => item.sk === 'GATE')
      .map((item) => String(item.pk).slice('EVENT#'.length));
    for (const eventId of new Set([...seatQuotas, ...touched])) await expectConsistent(app, eventId);
  });
});
