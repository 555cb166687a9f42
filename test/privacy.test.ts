import { readFile } from 'node:fs/promises';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { log, redact, redactText } from '../functions/platform/log.js';
import {
  DEFAULT_PERSONAL_DATA_DAYS,
  PRIVACY_VERSION,
  personalDataDays,
  personalDataExpiresAt,
} from '../functions/platform/privacy.js';
import { tableSchema } from '../functions/platform/table.js';
import { routes } from '../functions/routes.js';
import { createServices, setServices } from '../functions/wiring/services.js';
import { BASE_URL, type CallResult, manageLink } from './support/app.js';
import { interceptSend } from './support/faults.js';
import { expectConsistent } from './support/invariants.js';
import { type NotifyChain, ORGANISER, startNotifyChain } from './support/notify.js';

/**
 * Privacy, on the whole chain (API -> table -> stream -> mail outbox): consent kept with the
 * version of the text, erasure by the attendee, data that expires, exports scoped to their
 * organiser, logs without personal data, and the join URL kept from everyone not seated.
 */

let chain: NotifyChain;
const OTHER = 'open2leads';

beforeAll(async () => {
  chain = await startNotifyChain();
});
afterAll(async () => {
  process.env.LOG_LEVEL = 'silent';
  await chain?.stop();
});

const call = (method: string, url: string, options?: Parameters<NotifyChain['app']['call']>[2]) =>
  chain.app.call(method, url, options);

const person = (tag: string) => ({
  name: `Personne ${tag}`,
  email: `${tag}@example.com`,
  consent: true,
});

const register = async (eventId: string, tag: string) => {
  const response = await call('POST', `/api/events/${eventId}/registrations`, { body: person(tag) });
  expect(response.status).toBe(201);
  return { ...manageLink(response.body.manageUrl), response };
};

const scan = async (): Promise<Record<string, unknown>[]> => {
  const items: Record<string, unknown>[] = [];
  let cursor: Record<string, unknown> | undefined;
  do {
    const page = await chain.app.doc.send(
      new ScanCommand({ TableName: chain.app.tableName, ExclusiveStartKey: cursor }),
    );
    items.push(...(page.Items ?? []));
    cursor = page.LastEvaluatedKey;
  } while (cursor);
  return items;
};

const itemOf = async (registrationId: string) =>
  (await scan()).find((item) => item.id === registrationId && String(item.sk).startsWith('REG#'));

// ---------------------------------------------------------------------------------------------

describe('consent', () => {
  it('is stored with its time and the version of the privacy text, and shown to the organiser', async () => {
    const eventId = await chain.app.publishedEvent();
    const { id } = await register(eventId, 'consent');
    const item = await itemOf(id);
    expect(item?.consentAt).toBe(item?.createdAt);
    expect(item?.consentVersion).toBe(PRIVACY_VERSION);

    const listed = await call('GET', `/api/admin/events/${eventId}/registrations`, {
      organiser: ORGANISER.id,
    });
    expect(listed.body.items[0]).toMatchObject({
      consentAt: item?.consentAt,
      consentVersion: PRIVACY_VERSION,
    });
    const csv = String(
      (
        await call('GET', `/api/admin/events/${eventId}/registrations.csv?lang=en`, {
          organiser: ORGANISER.id,
        })
      ).body,
    );
    // The consent time on the event's clock, its zone named in the title, then the version.
    expect(csv.split('\r\n')[0]).toMatch(/,Consent given \([\w/]+\),Consent version/);
    expect(csv).toContain(`,${PRIVACY_VERSION}`);
  });

  it('names the version the privacy page shows, in French and in English', async () => {
    const page = await readFile(new URL('../web/src/privacy.html', import.meta.url), 'utf8');
    for (const lang of ['fr', 'en']) {
      const section = new RegExp(`<section lang="${lang}"[\\s\\S]*?</section>`).exec(page)?.[0] ?? '';
      expect(section, lang).toContain(PRIVACY_VERSION);
      expect(section, lang).toContain(`${DEFAULT_PERSONAL_DATA_DAYS}`);
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe('the attendee erases their own data from the manage link', () => {
  it('only with their token; then nothing of them is left, their seat goes to the next in line', async () => {
    const eventId = await chain.app.publishedEvent({ capacity: 1 });
    const seated = await register(eventId, 'eraseme');
    const waiting = await register(eventId, 'nextinline');
    expect(waiting.response.body.registration.status).toBe('waitlisted');

    const wrong = await call('DELETE', `/api/registrations/${seated.id}?token=${waiting.token}`);
    expect([wrong.status, wrong.body.error.code]).toEqual([403, 'forbidden']);
    expect((await call('DELETE', `/api/registrations/${seated.id}`)).status).toBe(400);
    expect(await itemOf(seated.id)).toBeDefined();

    const erased = await call('DELETE', `/api/registrations/${seated.id}?token=${seated.token}`);
    expect([erased.status, erased.body]).toEqual([200, { id: seated.id, erased: true }]);

    // The link opens nothing any more; a second erasure finds nothing.
    expect((await call('GET', `/api/registrations/${seated.id}?token=${seated.token}`)).status).toBe(404);
    expect((await call('DELETE', `/api/registrations/${seated.id}?token=${seated.token}`)).status).toBe(404);
    // Nothing personal anywhere in the table: only an anonymous tombstone and the counts.
    const items = await scan();
    const text = JSON.stringify(items);
    expect(text).not.toContain('eraseme');
    expect(text).not.toContain('Personne eraseme');
    const tombstone = items.find((item) => item.sk === `ERASED#${seated.id}`);
    expect(Object.keys(tombstone ?? {}).sort()).toEqual([
      'checkedIn',
      'createdAt',
      'erasedAt',
      'pk',
      'shard',
      'sk',
      'status',
    ]);
    // The seat went to the waitlist; the counts keep the erased person, anonymously.
    expect((await call('GET', `/api/registrations/${waiting.id}?token=${waiting.token}`)).body.status).toBe(
      'confirmed',
    );
    const stats = await call('GET', `/api/admin/events/${eventId}/stats`, { organiser: ORGANISER.id });
    expect(
      stats.body.registrationsByDay.reduce((n: number, day: { confirmed: number }) => n + day.confirmed, 0),
    ).toBe(2);
    await expectConsistent(chain.app, eventId);
  });

  it('is a route of its own next to the organiser’s erasure', () => {
    const keys = routes.map((route) => `${route.method} ${route.path}`);
    expect(keys).toContain('DELETE /api/registrations/{registrationId}');
    expect(keys).toContain('DELETE /api/admin/events/{eventId}/registrations/{registrationId}');
  });
});

// ---------------------------------------------------------------------------------------------

describe('personal data expires', () => {
  afterEach(() => {
    delete process.env.PERSONAL_DATA_DAYS;
  });

  it('PERSONAL_DATA_DAYS after the event ends (30 by default)', () => {
    const endsAt = '2026-12-01T18:00:00.000Z';
    const end = Date.parse(endsAt) / 1000;
    expect(personalDataDays()).toBe(30);
    expect(personalDataExpiresAt(endsAt)).toBe(end + 30 * 86_400);
    process.env.PERSONAL_DATA_DAYS = '7';
    expect(personalDataExpiresAt(endsAt)).toBe(end + 7 * 86_400);
    for (const bad of ['0', '-3', '1.5', 'soon']) {
      process.env.PERSONAL_DATA_DAYS = bad;
      expect(() => personalDataDays()).toThrow(/PERSONAL_DATA_DAYS/);
    }
  });

  it('registrations carry the TTL date, moved with the event; counts and tombstones have none', async () => {
    const eventId = await chain.app.publishedEvent({ capacity: 1 });
    const first = await register(eventId, 'ttl1');
    const second = await register(eventId, 'ttl2');
    await call('DELETE', `/api/registrations/${second.id}?token=${second.token}`);
    const { event } = (await chain.services.events.get(eventId)) ?? {};
    const expected = personalDataExpiresAt(String(event?.endsAt));
    const ttl = tableSchema.timeToLiveAttribute;
    expect((await itemOf(first.id))?.[ttl]).toBe(expected);

    // The event moves a week later: so does the date its attendees' data goes.
    const later = (iso: string) => new Date(Date.parse(iso) + 7 * 86_400_000).toISOString();
    const moved = await call('PATCH', `/api/admin/events/${eventId}`, {
      organiser: ORGANISER.id,
      body: { startsAt: later(String(event?.startsAt)), endsAt: later(String(event?.endsAt)) },
    });
    expect(moved.status).toBe(200);
    const items = (await scan()).filter((item) => item.pk === `EVENT#${eventId}`);
    for (const item of items.filter((i) => String(i.sk).startsWith('REG#'))) {
      expect(item[ttl]).toBe(expected + 7 * 86_400);
    }
    // The anonymous records stay: event, counts, tombstones (mail ledger entries have their own TTL).
    const anonymous = items.filter(
      (i) => ['EVENT', 'GATE'].includes(String(i.sk)) || String(i.sk).startsWith('ERASED#'),
    );
    expect(anonymous.map((i) => String(i.sk).split('#')[0]).sort()).toEqual(['ERASED', 'EVENT', 'GATE']);
    for (const item of anonymous) expect(item[ttl], String(item.sk)).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------

describe('an organiser’s data export', () => {
  it('holds only that event’s attendees: none of their other events, none of another organiser', async () => {
    const mine = await chain.app.publishedEvent({}, ORGANISER.id);
    const myOther = await chain.app.publishedEvent({}, ORGANISER.id);
    const theirs = await chain.app.publishedEvent({}, OTHER);
    await register(mine, 'mine1');
    await register(mine, 'mine2');
    await register(myOther, 'myother');
    await register(theirs, 'theirs');

    const csv = await call('GET', `/api/admin/events/${mine}/registrations.csv`, { organiser: ORGANISER.id });
    expect(csv.status).toBe(200);
    const emails = String(csv.body)
      .match(/[\w.+-]+@example\.com/g)
      ?.sort();
    expect(emails).toEqual(['mine1@example.com', 'mine2@example.com']);
    const listed = await call('GET', `/api/admin/events/${mine}/registrations`, { organiser: ORGANISER.id });
    expect(listed.body.items.map((r: { email: string }) => r.email).sort()).toEqual(emails);

    for (const [method, path] of [
      ['GET', `/api/admin/events/${mine}/registrations.csv`],
      ['GET', `/api/admin/events/${mine}/registrations`],
    ] as const) {
      expect((await call(method, path, { organiser: OTHER })).status).toBe(404);
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe('logs', () => {
  it('drop personal fields and mask addresses and tokens, keeping ids and request ids', () => {
    const token = 'Zt3x_9qLw-P0aB7mN2kR8sV4yD6fH1jC5eG0iK3oU7w';
    const requestId = '3f2a1c9e-8b7d-4e6f-a5c4-1b2d3e4f5a6b';
    const line = redact({
      email: 'ada@example.com',
      name: 'Ada Lovelace',
      to: 'ada@example.com',
      manageToken: token,
      answers: { diet: 'veg' },
      nested: { user: { email: 'x@y.example', registrationId: 'reg_AbCdEfGhIjKlMnOp' } },
      requestId,
      eventId: 'un-patron-doit-il-tweeter',
      message: `Email address is not verified: ada@example.com, token=${token}`,
      error: Object.assign(new Error(`No item for ada.lovelace+events@mail.example.org ${token}`), {
        name: 'ConditionalCheckFailedException',
      }),
    }) as Record<string, unknown>;
    const text = JSON.stringify(line);
    expect(text).not.toMatch(/ada|lovelace|x@y\.example|veg/i);
    expect(text).not.toContain(token);
    expect(line).toMatchObject({
      requestId,
      eventId: 'un-patron-doit-il-tweeter',
      nested: { user: { registrationId: 'reg_AbCdEfGhIjKlMnOp' } },
      message: 'Email address is not verified: [email], token=[token]',
      error: { name: 'ConditionalCheckFailedException', message: 'No item for [email] [token]' },
    });
    expect(redactText('Rendez-vous à 9 h, salle B')).toBe('Rendez-vous à 9 h, salle B');
  });

  it('never carry an email, a name or a token, through a burst, a failed request and a mail run', async () => {
    const lines: string[] = [];
    const capture = (...args: unknown[]) => {
      lines.push(args.map(String).join(' '));
    };
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((method) =>
      vi.spyOn(console, method).mockImplementation(capture),
    );
    process.env.LOG_LEVEL = 'info';
    const secrets: string[] = [];
    try {
      // A burst of registrations, with a full event and a waitlist.
      const eventId = await chain.app.publishedEvent({ capacity: 3 });
      const burst = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          call('POST', `/api/events/${eventId}/registrations`, { body: person(`burst${i}`) }),
        ),
      );
      for (const [i, response] of burst.entries()) {
        expect(response.status).toBe(201);
        secrets.push(
          `burst${i}@example.com`,
          `Personne burst${i}`,
          manageLink(response.body.manageUrl).token,
        );
      }
      // A request that fails inside: the table answers with an error quoting the person.
      const leaky = createServices({
        db: interceptSend(chain.app.doc, async () => {
          // Addresses and tokens are masked wherever they stand; names, which no pattern
          // tells apart from other words, are kept out by never passing them (keys dropped).
          throw new Error(`Item too large for burst0@example.com, token ${secrets[2]}`);
        }),
        tableName: chain.app.tableName,
        baseUrl: BASE_URL,
        tokenKey: Buffer.alloc(32),
        holdMinutes: 120,
      });
      setServices(leaky);
      let failed: CallResult;
      try {
        failed = await call('POST', `/api/events/${eventId}/registrations`, { body: person('burst0') });
      } finally {
        setServices(chain.services);
      }
      expect(failed.status).toBe(500);
      // The mail run: every registrant's message composed and sent (a first send fails,
      // quoting the address as SES does), cancellations and promotions included.
      const { id, token } = manageLink(burst[0]?.body.manageUrl);
      await call('POST', `/api/registrations/${id}/cancel?token=${token}`);
      log.error('mail provider said', {
        error: new Error('Email address is not verified: burst1@example.com'),
      });
      await chain.mails();
      expect((await chain.mails('burst5@example.com')).length).toBeGreaterThan(0);
    } finally {
      process.env.LOG_LEVEL = 'silent';
      for (const spy of spies) spy.mockRestore();
    }
    const output = lines.join('\n');
    // The capture saw the failure (so a leak would have shown) ...
    expect(output).toContain('unhandled error');
    expect(output).toContain('[email]');
    // ... and nothing personal.
    for (const secret of secrets) expect(output).not.toContain(secret);
    expect(output).not.toMatch(/[\w.+-]+@example\.com/);
  });
});

// ---------------------------------------------------------------------------------------------

describe('the join URL', () => {
  it('appears on no public endpoint or feed, nor anywhere a waitlisted person looks', async () => {
    const JOIN = 'https://meet.example/only-for-the-seated-7Qx2';
    const eventId = await chain.app.publishedEvent({ capacity: 1, format: 'online', joinUrl: JOIN });
    const seated = await register(eventId, 'seatedjoin');
    const waiting = await register(eventId, 'waitingjoin');
    expect(waiting.response.body.registration.status).toBe('waitlisted');

    const seen: [string, string][] = [];
    const keep = (label: string, response: CallResult, status = 200) => {
      expect([label, response.status]).toEqual([label, status]);
      seen.push([label, typeof response.body === 'string' ? response.body : JSON.stringify(response.body)]);
    };
    seen.push(['register (seated)', JSON.stringify(seated.response.body)]);
    seen.push(['register (waitlisted)', JSON.stringify(waiting.response.body)]);
    // A tracking link of the event: its redirect names the event page, never the join URL.
    const link = await call('POST', `/api/admin/events/${eventId}/links`, {
      organiser: 'media-aces',
      body: { label: 'Post', utm_source: 'linkedin' },
    });
    // Every public GET of the route table, over this event and its organiser.
    for (const route of routes.filter((r) => r.auth === 'public' && r.method === 'GET')) {
      const url = route.path
        .replace('{eventId}', eventId)
        .replace('{registrationId}', waiting.id)
        .replace(
          '{code}',
          route.path.startsWith('/j/')
            ? (chain.services.attendanceCodes.for(waiting.id) ?? '')
            : link.body.code,
        )
        .replace(
          '{file}',
          route.path.startsWith('/calendar/organisers') ? `${ORGANISER.id}.ics` : `${eventId}.ics`,
        );
      const query = route.path.startsWith('/api/registrations/')
        ? `?token=${waiting.token}`
        : route.path === '/api/events'
          ? `?organiser=${ORGANISER.id}`
          : '';
      // A waitlisted person has nothing to put in a calendar: the invitation is a 409 for them;
      // their personal join link says why it does not open (403); a tracking link redirects.
      const status = route.path.endsWith('/invite.ics')
        ? 409
        : route.path.startsWith('/j/')
          ? 403
          : route.path.startsWith('/r/')
            ? 302
            : 200;
      const response = await call('GET', `${url}${query}`);
      keep(`${route.method} ${route.path}`, response, status);
      if (response.headers.location) seen.push([`${route.path} location`, response.headers.location]);
    }
    // Every message the waitlisted person got.
    const mails = await chain.mails('waitingjoin@example.com');
    expect(mails.length).toBeGreaterThan(0);
    for (const mail of mails) {
      seen.push([
        `mail ${mail.email.subject}`,
        (await chain.outbox.read(mail.entry.id))?.toString('utf8') ?? '',
      ]);
    }
    for (const [label, body] of seen) expect(body.includes(JOIN), label).toBe(false);

    // The seated person gets their personal join link, in the emails and on the manage page, and
    // never the join URL itself; the link leads to it only in its window (so a leak would show).
    const joinLink = `${BASE_URL}/j/${chain.services.attendanceCodes.for(seated.id)}`;
    const own = await call('GET', `/api/registrations/${seated.id}?token=${seated.token}`);
    expect(own.body.joinUrl).toBe(joinLink);
    const seatedMails = await chain.mails('seatedjoin@example.com');
    expect(seatedMails.some((mail) => (mail.email.text ?? '').includes(joinLink))).toBe(true);
    for (const mail of seatedMails)
      expect((await chain.outbox.read(mail.entry.id))?.toString('utf8')).not.toContain(JOIN);
    const early = await call('GET', new URL(joinLink).pathname);
    expect([early.status, String(early.body).includes(JOIN)]).toEqual([200, false]);
    const event = (await chain.services.events.get(eventId))?.event;
    chain.setClock(Date.parse(event?.startsAt ?? '') - Date.now());
    try {
      const open = await call('GET', new URL(joinLink).pathname);
      expect([open.status, open.headers.location]).toEqual([302, JOIN]);
    } finally {
      chain.setClock(0);
    }
  });
});
