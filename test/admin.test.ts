import { beforeAll, describe, expect, it } from 'vitest';
import { manageLink, startTestApp, type TestApp } from './support/app.js';
import { parseCsv } from './support/csv.js';
import { expectConsistent } from './support/invariants.js';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});

const inAWeek = (hours: number) => new Date(Date.now() + 7 * 86_400_000 + hours * 3_600_000).toISOString();

const newEvent = {
  title: 'Social CRM',
  format: 'in_person',
  venue: { name: 'La Cantine', address: '151 rue Montmartre', city: 'Paris' },
  startsAt: inAWeek(0),
  endsAt: inAWeek(2),
  capacity: 2,
};

const admin = (method: string, path: string, body?: unknown, organiser = 'media-aces') =>
  app.call(method, `/api/admin/events${path}`, { organiser, body });

const register = async (eventId: string, i: number) =>
  (
    await app.call('POST', `/api/events/${eventId}/registrations`, {
      body: { name: `P${i}`, email: `p${i}@example.com`, consent: true },
    })
  ).body;

describe('organiser scope', () => {
  it('creates drafts invisible to the public until published', async () => {
    const created = await admin('POST', '', newEvent);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'draft', organiserId: 'media-aces', sequence: 0 });
    const id = created.body.id;

    expect((await app.call('GET', `/api/events/${id}`)).status).toBe(404);
    const listed = await app.call('GET', '/api/events?organiser=media-aces');
    expect(listed.body.events.map((e: { id: string }) => e.id)).not.toContain(id);
    const attempt = await app.call('POST', `/api/events/${id}/registrations`, {
      body: { name: 'A', email: 'a@example.com', consent: true },
    });
    expect(attempt.status).toBe(404);

    expect((await admin('POST', `/${id}/publish`)).body.status).toBe('published');
    expect((await app.call('GET', `/api/events/${id}`)).status).toBe(200);
    expect(
      (await app.call('GET', '/api/events?organiser=media-aces')).body.events.map(
        (e: { id: string }) => e.id,
      ),
    ).toContain(id);
  });

  it('publishing refuses an online or hybrid event without a join link, and an event already over', async () => {
    const refused = async (fields: Record<string, unknown>, code: string) => {
      const id = (await admin('POST', '', { ...newEvent, ...fields })).body.id;
      const response = await admin('POST', `/${id}/publish`);
      expect([response.status, response.body.error.code]).toEqual([409, code]);
      expect((await admin('GET', `/${id}`)).body.status).toBe('draft');
      return id;
    };
    const online = await refused({ format: 'online', venue: null }, 'join_url_required');
    await refused({ format: 'hybrid' }, 'join_url_required');
    await admin('PATCH', `/${online}`, { joinUrl: 'https://meet.example/room' });
    expect((await admin('POST', `/${online}/publish`)).body.status).toBe('published');

    const ago = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString();
    const over = await refused({ startsAt: ago(3), endsAt: ago(1) }, 'event_in_past');
    expect((await admin('POST', `/${over}/publish`)).body.error.message).toMatch(/move its dates/);
    // Under way but not over: people may still join.
    const running = (await admin('POST', '', { ...newEvent, startsAt: ago(1), endsAt: inAWeek(0) })).body.id;
    expect((await admin('POST', `/${running}/publish`)).body.status).toBe('published');
  });

  it('names new events from their titles: readable, -2, -3 on collision, random when the title gives nothing', async () => {
    const create = async (title: string) => {
      const response = await admin('POST', '', { ...newEvent, title });
      expect(response.status).toBe(201);
      return response.body.id as string;
    };
    const title = 'Un patron doit-il tweeter ?';
    expect([await create(title), await create(title), await create(title)]).toEqual([
      'un-patron-doit-il-tweeter',
      'un-patron-doit-il-tweeter-2',
      'un-patron-doit-il-tweeter-3',
    ]);
    // At the same time: the conditional create gives each its own id.
    const together = await Promise.all([1, 2, 3, 4].map(() => create('Søren & Łukasz à Straße')));
    expect(together.sort()).toEqual([
      'soren-lukasz-a-strasse',
      'soren-lukasz-a-strasse-2',
      'soren-lukasz-a-strasse-3',
      'soren-lukasz-a-strasse-4',
    ]);
    expect(await create('日本語のイベント')).toMatch(/^evt_/);
    // Each is its own event, reachable by its id.
    expect((await admin('GET', '/un-patron-doit-il-tweeter-2')).body).toMatchObject({
      title,
      status: 'draft',
    });
  });

  it("one organiser cannot read or touch another organiser's events", async () => {
    const id = (await admin('POST', '', newEvent)).body.id;
    for (const [method, path] of [
      ['GET', `/${id}`],
      ['PATCH', `/${id}`],
      ['POST', `/${id}/publish`],
      ['POST', `/${id}/cancel`],
      ['GET', `/${id}/registrations`],
      ['GET', `/${id}/registrations.csv`],
      ['GET', `/${id}/stats`],
    ] as const) {
      const response = await admin(
        method,
        path,
        method === 'PATCH' ? { title: 'Pris' } : undefined,
        'open2leads',
      );
      expect([method, path, response.status]).toEqual([method, path, 404]);
    }
    const theirs = await admin('GET', '', undefined, 'open2leads');
    expect(theirs.body.events.map((e: { id: string }) => e.id)).not.toContain(id);
    expect((await admin('GET', `/${id}`)).body.title).toBe('Social CRM');
    expect((await admin('POST', '', { ...newEvent, organiserId: 'open2leads' })).status).toBe(400);
  });

  it('a login acting for several organisers lists one of them with ?organiser=, never one it is not in', async () => {
    const ours = (await admin('POST', '', newEvent)).body.id;
    const theirs = (await admin('POST', '', newEvent, 'open2leads')).body.id;
    const both = ['media-aces', 'open2leads'];
    const listed = async (path: string, organiser: string | string[]) => {
      const response = await app.call('GET', path, { organiser });
      return [response.status, response.body.error?.code ?? 'ok'];
    };
    const ids = async (query: string) =>
      (await app.call('GET', `/api/admin/events${query}`, { organiser: both })).body.events.map(
        (e: { id: string; organiserId: string }) => `${e.organiserId}/${e.id}`,
      );
    expect(await ids('')).toEqual(expect.arrayContaining([`media-aces/${ours}`, `open2leads/${theirs}`]));
    const picked = await ids('?organiser=open2leads');
    expect(picked).toContain(`open2leads/${theirs}`);
    expect(picked.filter((id: string) => !id.startsWith('open2leads/'))).toEqual([]);
    // Another organiser, or one not among the login's: as good as absent, on every organiser-wide list.
    for (const path of ['/api/admin/events', '/api/admin/webhooks', '/api/admin/api-keys']) {
      expect(await listed(`${path}?organiser=open2leads`, 'media-aces')).toEqual([404, 'not_found']);
      expect(await listed(`${path}?organiser=touch-and-sell`, both)).toEqual([404, 'not_found']);
      expect(await listed(`${path}?organiser=open2leads`, both)).toEqual([200, 'ok']);
      expect(await listed(`${path}?organiser=a%20b`, both)).toEqual([400, 'validation_failed']);
    }
  });

  it('refuses a call without organiser claims', async () => {
    const response = await app.call('GET', '/api/admin/events');
    expect([response.status, response.body.error.code]).toEqual([401, 'unauthorized']);
  });
});

describe('running an event', () => {
  it('raising capacity promotes as many as it frees; lowering below the seats taken is refused', async () => {
    const id = (await admin('POST', '', newEvent)).body.id;
    await admin('POST', `/${id}/publish`);
    for (let i = 0; i < 6; i++) await register(id, i);

    const lowered = await admin('PATCH', `/${id}`, { capacity: 1 });
    expect([lowered.status, lowered.body.error.code]).toEqual([409, 'capacity_below_confirmed']);

    const raised = await admin('PATCH', `/${id}`, { capacity: 5 });
    expect(raised.body.counts).toMatchObject({ confirmed: 5, waitlisted: 1 });
    expect(raised.body.sequence).toBe(0);
    const { all } = await expectConsistent(app, id);
    expect(all.find((r) => r.email === 'p5@example.com')?.status).toBe('waitlisted');
  });

  it('a change of time bumps the sequence; cancelling closes registration', async () => {
    const id = (await admin('POST', '', newEvent)).body.id;
    await admin('POST', `/${id}/publish`);
    const moved = await admin('PATCH', `/${id}`, { startsAt: inAWeek(1), endsAt: inAWeek(3) });
    expect(moved.body.sequence).toBe(1);
    const bad = await admin('PATCH', `/${id}`, { endsAt: inAWeek(-5) });
    expect([bad.status, bad.body.error.fields]).toEqual([400, { endsAt: 'Must be after startsAt' }]);

    const cancelled = await admin('POST', `/${id}/cancel`);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', sequence: 2 });
    const late = await app.call('POST', `/api/events/${id}/registrations`, {
      body: { name: 'A', email: 'a@example.com', consent: true },
    });
    expect([late.status, late.body.error.code]).toEqual([409, 'event_cancelled']);
    expect((await admin('POST', `/${id}/publish`)).status).toBe(409);
  });

  it('moves the programme with the event when the start moves; a programme sent is taken as given', async () => {
    // One clock for the whole test: inAWeek reads the time at each call.
    const base = Date.parse(inAWeek(0));
    const at = (hours: number) => new Date(base + hours * 3_600_000).toISOString();
    const agenda = [
      { startsAt: at(25), endsAt: at(26), title: 'Jour 2' },
      { startsAt: at(0), title: 'Ouverture' },
    ];
    const created = await admin('POST', '', { ...newEvent, startsAt: at(0), endsAt: at(30), agenda });
    expect(created.body.agenda.map((item: { title: string }) => item.title)).toEqual(['Ouverture', 'Jour 2']);
    const id = created.body.id;
    await admin('POST', `/${id}/publish`);

    const moved = await admin('PATCH', `/${id}`, { startsAt: at(24), endsAt: at(54) });
    expect(moved.status).toBe(200);
    expect(moved.body.agenda).toEqual([
      { startsAt: at(24), title: 'Ouverture', speakers: [] },
      { startsAt: at(49), endsAt: at(50), title: 'Jour 2', speakers: [] },
    ]);
    expect(moved.body.sequence).toBe(1);
    expect((await app.call('GET', `/api/events/${id}`)).body.agenda[1].startsAt).toBe(at(49));

    // Sent with the move, the programme stays where it was sent; an item outside is refused by row.
    const kept = await admin('PATCH', `/${id}`, {
      startsAt: at(0),
      endsAt: at(30),
      agenda: [{ startsAt: at(25), title: 'Jour 2' }],
    });
    expect(kept.body.agenda.map((item: { startsAt: string }) => item.startsAt)).toEqual([at(25)]);
    const outside = await admin('PATCH', `/${id}`, {
      agenda: [
        { startsAt: at(1), title: 'Dedans' },
        { startsAt: at(31), title: 'Après la fin' },
      ],
    });
    expect([outside.status, outside.body.error.code, Object.keys(outside.body.error.fields)]).toEqual([
      400,
      'validation_failed',
      ['agenda.1.startsAt'],
    ]);
    expect(outside.body.error.fields['agenda.1.startsAt']).toMatch(/within the event/);
  });

  it('checks in, undoes, cancels, promotes out of turn, erases, and keeps counts right', async () => {
    const id = (await admin('POST', '', newEvent)).body.id;
    await admin('POST', `/${id}/publish`);
    const [a, b, c, d] = [
      await register(id, 1),
      await register(id, 2),
      await register(id, 3),
      await register(id, 4),
    ];
    const reg = (body: { registration: { id: string } }) => `/${id}/registrations/${body.registration.id}`;

    expect((await admin('POST', `${reg(a)}/check-in`)).body.checkedInAt).toBeTruthy();
    expect((await admin('POST', `${reg(a)}/check-in`)).status).toBe(200);
    expect((await admin('GET', `/${id}`)).body.counts.checkedIn).toBe(1);
    expect((await admin('DELETE', `${reg(a)}/check-in`)).body.checkedInAt).toBeNull();
    expect((await admin('POST', `${reg(c)}/check-in`)).status).toBe(409);

    // d is second in line; the organiser seats d anyway: one more seat, never an oversold event.
    const promoted = await admin('POST', `${reg(d)}/promote`);
    expect(promoted.body.status).toBe('confirmed');
    expect((await admin('GET', `/${id}`)).body).toMatchObject({
      capacity: 3,
      counts: { confirmed: 3, waitlisted: 1 },
    });

    // Cancelling b frees a seat that c, still waiting, takes.
    expect((await admin('POST', `${reg(b)}/cancel`)).body.status).toBe('cancelled');
    expect((await app.services.registrations.getById(c.registration.id))?.status).toBe('confirmed');

    const resent = await admin('POST', `${reg(a)}/resend`);
    expect(resent.status).toBe(200);
    // A second resend right away would email the same person again: refused, said plainly.
    const again = await admin('POST', `${reg(a)}/resend`);
    expect([again.status, again.body.error.code]).toEqual([429, 'rate_limited']);
    const stillWorks = manageLink(a.manageUrl);
    expect(
      (await app.call('GET', `/api/registrations/${stillWorks.id}?token=${stillWorks.token}`)).status,
    ).toBe(200);

    expect((await admin('DELETE', reg(a))).body).toEqual({ id: a.registration.id, erased: true });
    expect((await admin('DELETE', reg(b))).status).toBe(200); // a cancelled one too
    expect((await admin('DELETE', reg(b))).status).toBe(404);
    expect(await app.services.registrations.getById(a.registration.id)).toBeUndefined();
    const stats = await admin('GET', `/${id}/stats`);
    expect(stats.body.counts).toMatchObject({ confirmed: 2, waitlisted: 0, cancelled: 1 });
    expect((await app.services.events.getSeatQuotas(id))?.erased).toBe(2);
    const days = stats.body.registrationsByDay;
    expect(days.reduce((n: number, day: { confirmed: number }) => n + day.confirmed, 0)).toBe(3); // erased one counted anonymously
    await expectConsistent(app, id);
  });

  it('lists registrations page by page and by status, and exports a CSV safe for spreadsheets', async () => {
    const id = (await admin('POST', '', { ...newEvent, capacity: 3 })).body.id;
    await admin('POST', `/${id}/publish`);
    for (let i = 0; i < 4; i++) await register(id, i);
    await app.call('POST', `/api/events/${id}/registrations`, {
      body: { name: '=HYPERLINK("http://evil.example")', email: 'evil@example.com', consent: true },
    });

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { id: string }[]; nextCursor: string | null } } = await admin(
        'GET',
        `/${id}/registrations?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...page.body.items.map((item) => item.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(5);

    const waiting = await admin('GET', `/${id}/registrations?status=waitlisted`);
    expect(waiting.body.items.map((r: { waitlistPosition: number }) => r.waitlistPosition).sort()).toEqual([
      1, 2,
    ]);
    expect((await admin('GET', `/${id}/registrations?cursor=bogus`)).status).toBe(400);
    expect((await admin('GET', `/${id}/registrations?status=everyone`)).body.error.fields).toHaveProperty(
      'status',
    );

    const csv = await admin('GET', `/${id}/registrations.csv`);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body).toContain(`'=HYPERLINK(""http://evil.example"")`);
    expect(csv.body.split('\r\n').filter(Boolean)).toHaveLength(6);
  });

  it('lists server-side: sorted, searched without case or accents, filtered before paging, with checked cursors', async () => {
    const id = (await admin('POST', '', { ...newEvent, capacity: 3 })).body.id;
    await admin('POST', `/${id}/publish`);
    const people = [
      { name: 'Søren Kierkegaard', email: 'sk@example.com' },
      { name: 'Łukasz Nowak', email: 'ln@example.com' },
      { name: 'Zoé Martin', email: 'zoe@example.com', company: 'Straße GmbH' },
      { name: 'Æsa Jónsdóttir', email: 'aesa@example.com' },
      { name: 'bernard Dupont', email: 'BD@example.com' },
      { name: 'Anne Ølund', email: 'ao@example.com' },
      { name: 'Hélène Roux', email: 'hr@example.com', company: 'Œuvres & Co' },
    ];
    for (const person of people) {
      const response = await app.call('POST', `/api/events/${id}/registrations`, {
        body: { ...person, consent: true },
      });
      expect(response.status).toBe(201);
    }
    type Item = { id: string; name: string; status: string; createdAt: string };
    type Page = { items: Item[]; nextCursor: string | null; total: number };
    const list = async (query: string): Promise<Page> => {
      const response = await admin('GET', `/${id}/registrations?${query}`);
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      return response.body;
    };
    /** Every page, following the cursors; the sizes say whether pages came full. */
    const walk = async (query: string) => {
      const sizes: number[] = [];
      const items: Item[] = [];
      let cursor: string | null = null;
      do {
        const page: Page = await list(`${query}${cursor ? `&cursor=${cursor}` : ''}`);
        sizes.push(page.items.length);
        items.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      return { sizes, items };
    };

    // Newest first by default, oldest on request; the same people either way, in reverse.
    const newest = await walk('limit=3');
    expect(newest.sizes).toEqual([3, 3, 1]);
    const times = newest.items.map((item) => item.createdAt);
    expect(times).toEqual([...times].sort().reverse());
    const oldest = await walk('sort=oldest&limit=2');
    expect(oldest.sizes).toEqual([2, 2, 2, 1]);
    expect(oldest.items.map((item) => item.id)).toEqual(newest.items.map((item) => item.id).reverse());
    expect((await list('')).items).toHaveLength(7);

    // By name, accents and case aside: Æsa as "aesa", Łukasz as "lukasz", Søren as "soren".
    const byName = await walk('sort=name&limit=4');
    expect(byName.items.map((item) => item.name)).toEqual([
      'Æsa Jónsdóttir',
      'Anne Ølund',
      'bernard Dupont',
      'Hélène Roux',
      'Łukasz Nowak',
      'Søren Kierkegaard',
      'Zoé Martin',
    ]);

    // Search: name, email or company, any case, any accent, letters NFD keeps whole included.
    const found = async (q: string) =>
      (await list(`q=${encodeURIComponent(q)}`)).items.map((item) => item.name).sort();
    expect(await found('soren')).toEqual(['Søren Kierkegaard']);
    expect(await found('SØREN')).toEqual(['Søren Kierkegaard']);
    expect(await found('lukasz')).toEqual(['Łukasz Nowak']);
    expect(await found('strasse')).toEqual(['Zoé Martin']);
    expect(await found('Straße')).toEqual(['Zoé Martin']);
    expect(await found('aesa')).toEqual(['Æsa Jónsdóttir']);
    expect(await found('olund')).toEqual(['Anne Ølund']);
    expect(await found('oeuvres')).toEqual(['Hélène Roux']);
    expect(await found('helene')).toEqual(['Hélène Roux']);
    expect(await found('bd@EXAMPLE')).toEqual(['bernard Dupont']);
    expect(await found('nobody')).toEqual([]);
    expect((await list('q=soren')).total).toBe(1);

    // The status filter comes before the page is cut: full pages, then the rest, then no cursor.
    const waiting = await walk('status=waitlisted&limit=2');
    expect(waiting.sizes).toEqual([2, 2]);
    expect(waiting.items.every((item) => item.status === 'waitlisted')).toBe(true);
    expect((await list('status=confirmed&limit=1')).nextCursor).not.toBeNull();
    const searchedAndWaiting = await walk('status=waitlisted&q=example.com&sort=name&limit=3');
    expect(searchedAndWaiting.sizes).toEqual([3, 1]);

    // Cursors: only ours, for this sort. Anything else is a 400, never a 500.
    const first = await list('limit=2');
    const forged = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const cursor of [
      'bogus',
      '!!!',
      forged(null),
      forged([1, 2]),
      forged({ s: 'newest', k: 1, i: 'x' }),
      forged({ s: 'newest', k: 'a', i: 'b', extra: true }),
      forged({ pk: 'EVENT#x', sk: 'REG#y' }),
      forged({ s: 'newest', k: 'x'.repeat(1100), i: 'b' }),
    ]) {
      const response = await admin('GET', `/${id}/registrations?cursor=${encodeURIComponent(cursor)}`);
      expect([cursor, response.status, response.body.error?.code]).toEqual([cursor, 400, 'invalid_cursor']);
    }
    const otherSort = await admin('GET', `/${id}/registrations?sort=name&cursor=${first.nextCursor}`);
    expect([otherSort.status, otherSort.body.error.code]).toEqual([400, 'invalid_cursor']);
    // A well-formed position past everyone is an empty last page, not an error.
    expect(await list(`cursor=${forged({ s: 'newest', k: '', i: '' })}`)).toMatchObject({
      items: [],
      nextCursor: null,
    });

    // Limits: 1 to 200.
    for (const limit of ['0', '201', '-1', '1.5', 'ten']) {
      const response = await admin('GET', `/${id}/registrations?limit=${limit}`);
      expect([limit, response.status, Object.keys(response.body.error.fields)]).toEqual([
        limit,
        400,
        ['limit'],
      ]);
    }
    expect((await list('limit=200')).items).toHaveLength(7);
    const badSort = await admin('GET', `/${id}/registrations?sort=random`);
    expect([badSort.status, Object.keys(badSort.body.error.fields)]).toEqual([400, ['sort']]);
  });

  it('fills default pages of 50 when filtering', async () => {
    const id = (await admin('POST', '', { ...newEvent, capacity: 5 })).body.id;
    await admin('POST', `/${id}/publish`);
    for (let i = 0; i < 60; i += 10)
      await Promise.all(Array.from({ length: 10 }, (_, j) => register(id, i + j)));
    const first = await admin('GET', `/${id}/registrations?status=waitlisted`);
    expect(first.body.items).toHaveLength(50);
    expect(first.body.total).toBe(55);
    const second = await admin(
      'GET',
      `/${id}/registrations?status=waitlisted&cursor=${first.body.nextCursor}`,
    );
    expect([second.body.items.length, second.body.nextCursor]).toEqual([5, null]);
  });

  it('exports the CSV per language: `;` and French for fr, `,` and English for en, local times, BOM', async () => {
    // Paris in winter is UTC+1: 09:15Z reads 10:15 on the event's clock.
    const id = (
      await admin('POST', '', {
        ...newEvent,
        capacity: 1,
        startsAt: '2031-01-15T09:00:00.000Z',
        endsAt: '2031-01-15T11:00:00.000Z',
      })
    ).body.id;
    await admin('POST', `/${id}/publish`);
    await register(id, 1);
    await app.call('POST', `/api/events/${id}/registrations`, {
      body: {
        name: 'Søren Ærø; "Le Grand"',
        email: 'soren@example.com',
        company: 'Straße, AG',
        consent: true,
      },
    });
    const all = await app.services.registrations.all(id);
    const created = all.find((r) => r.email === 'p1@example.com')?.createdAt ?? '';
    const paris = new Intl.DateTimeFormat('sv-SE', {
      timeZone: 'Europe/Paris',
      dateStyle: 'short',
      timeStyle: 'medium',
    }).format(new Date(created));

    const read = async (query: string, separator: string) => {
      const response = await admin('GET', `/${id}/registrations.csv${query}`);
      expect(response.status).toBe(200);
      const text = String(response.body);
      expect(text.charCodeAt(0)).toBe(0xfeff);
      const [header = [], ...rows] = parseCsv(text.slice(1), separator);
      const byEmail = (email: string) =>
        Object.fromEntries(header.map((title, i) => [title, rows.find((row) => row.includes(email))?.[i]]));
      return { header, rows, byEmail };
    };

    // The event is French: no `lang` means French.
    for (const query of ['', '?lang=fr']) {
      const fr = await read(query, ';');
      expect(fr.header.slice(0, 5)).toEqual([
        'Identifiant',
        'Statut',
        "Rang en liste d'attente",
        'Nom',
        'E-mail',
      ]);
      expect(fr.header).toContain('Inscription (Europe/Paris)');
      expect(fr.rows).toHaveLength(2);
      expect(fr.byEmail('p1@example.com')).toMatchObject({
        Statut: 'Confirmé·e',
        'Inscription (Europe/Paris)': paris,
      });
      expect(fr.byEmail('soren@example.com')).toMatchObject({
        Statut: "Liste d'attente",
        Nom: 'Søren Ærø; "Le Grand"',
        Entreprise: 'Straße, AG',
        "Rang en liste d'attente": '1',
      });
    }
    const en = await read('?lang=en', ',');
    expect(en.header.slice(0, 3)).toEqual(['ID', 'Status', 'Waitlist position']);
    expect(en.rows).toHaveLength(2);
    expect(en.byEmail('p1@example.com')).toMatchObject({
      Status: 'Confirmed',
      'Registered (Europe/Paris)': paris,
    });
    expect(en.byEmail('soren@example.com')).toMatchObject({ Status: 'Waitlisted', Company: 'Straße, AG' });

    const bad = await admin('GET', `/${id}/registrations.csv?lang=de`);
    expect([bad.status, Object.keys(bad.body.error.fields)]).toEqual([400, ['lang']]);
  });
});
