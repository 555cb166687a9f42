import { convertIcsCalendar } from 'ts-ics';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { redactText } from '../functions/platform/log.js';
import { createServices, setServices } from '../functions/wiring/services.js';
import { BASE_URL, manageLink } from './support/app.js';
import { interceptSend } from './support/faults.js';
import { type NotifyChain, parseCalendar, startNotifyChain } from './support/notify.js';

/**
 * The personal join link (API.md "Attendance"), on DynamoDB Local through the whole chain: `GET
 * /j/{code}` redirects a seat holder to the event's join URL as it is now, from 30 minutes
 * before the start to the end, and records `joinedAt` once; everyone else, and anyone earlier
 * or later, gets a page and never the URL. The emails and invitations carry the link instead.
 */

let chain: NotifyChain;

beforeAll(async () => {
  chain = await startNotifyChain();
});
afterAll(() => chain?.stop());

const JOIN = 'https://meet.example/webinar-9Zt4';
/** 10:00 in Paris (UTC+2 in June): the link opens at 09:30 there. */
const STARTS_AT = '2030-06-10T08:00:00.000Z';
const ENDS_AT = '2030-06-10T09:30:00.000Z';
const MINUTE = 60_000;

const call = (method: string, url: string, options?: Parameters<NotifyChain['app']['call']>[2]) =>
  chain.app.call(method, url, options);

const webinar = (fields: Record<string, unknown> = {}) =>
  chain.app.publishedEvent({
    format: 'online',
    joinUrl: JOIN,
    startsAt: STARTS_AT,
    endsAt: ENDS_AT,
    timeZone: 'Europe/Paris',
    ...fields,
  });

const register = async (eventId: string, tag: string, locale: 'fr' | 'en' = 'fr') => {
  const response = await call('POST', `/api/events/${eventId}/registrations`, {
    body: { name: `Personne ${tag}`, email: `${tag}@example.com`, consent: true, locale },
  });
  expect(response.status).toBe(201);
  // A seat pending confirmation gets no manage link in the answer.
  const token = response.body.manageUrl ? manageLink(response.body.manageUrl).token : '';
  return {
    id: String(response.body.registration.id),
    status: String(response.body.registration.status),
    token,
  };
};

const linkOf = (registrationId: string) => `/j/${chain.services.attendanceCodes.for(registrationId)}`;

/** The services' clock at `iso` plus `deltaMs`. */
const clockAt = (iso: string, deltaMs = 0) => chain.setClock(Date.parse(iso) + deltaMs - Date.now());

const stored = async (registrationId: string) => chain.services.registrations.getById(registrationId);

describe('GET /j/{code}', () => {
  it('before the window: a page in the registrant’s language saying when it opens, in the event’s zone', async () => {
    const eventId = await webinar();
    const fr = await register(eventId, 'avant-fr');
    const en = await register(eventId, 'avant-en', 'en');
    clockAt(STARTS_AT, -31 * MINUTE);
    try {
      const page = await call('GET', linkOf(fr.id));
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(page.headers['cache-control']).toBe('no-store');
      expect(page.headers['referrer-policy']).toBe('no-referrer');
      expect(page.body).toContain('<html lang="fr">');
      expect(page.body).toMatch(/ouvrira le lundi 10 juin 2030 (à )?09:30 .*\(Europe\/Paris\)/);
      expect(page.body).toContain('ce même lien');
      const english = await call('GET', linkOf(en.id));
      expect(english.body).toContain('<html lang="en">');
      expect(english.body).toMatch(/opens on Monday,? 10 June 2030,? (at )?09:30 .*\(Europe\/Paris\)/);
      for (const body of [page.body, english.body]) expect(body).not.toContain('meet.example');
      const head = await call('HEAD', linkOf(fr.id));
      expect([head.status, head.body]).toEqual([200, '']);
      expect((await stored(fr.id))?.joinedAt).toBeUndefined();
    } finally {
      chain.setClock(0);
    }
  });

  it('in the window: 302 to the current join URL, joinedAt recorded once; the organiser may change the URL', async () => {
    const eventId = await webinar();
    const ada = await register(eventId, 'pendant');
    clockAt(STARTS_AT, -30 * MINUTE);
    try {
      const first = await call('GET', linkOf(ada.id));
      expect([first.status, first.headers.location]).toEqual([302, JOIN]);
      expect(first.headers['cache-control']).toBe('no-store');
      expect(first.headers['referrer-policy']).toBe('no-referrer');
      // The services' clock at the hit: 30 minutes before the start (and a few ms of this test).
      const joinedAt = (await stored(ada.id))?.joinedAt ?? '';
      expect(Date.parse(joinedAt) - (Date.parse(STARTS_AT) - 30 * MINUTE)).toBeGreaterThanOrEqual(0);
      expect(Date.parse(joinedAt) - (Date.parse(STARTS_AT) - 30 * MINUTE)).toBeLessThan(MINUTE);

      // The organiser moves the meeting: the same link leads to the new room; joinedAt stays.
      const moved = 'https://meet.example/other-room-4Kp';
      const patch = await call('PATCH', `/api/admin/events/${eventId}`, {
        organiser: 'media-aces',
        body: { joinUrl: moved },
      });
      expect(patch.status).toBe(200);
      clockAt(ENDS_AT, -MINUTE);
      const later = await call('GET', linkOf(ada.id));
      expect([later.status, later.headers.location]).toEqual([302, moved]);
      // The code is read in any case (a mail client may fold a link).
      expect((await call('GET', linkOf(ada.id).toLowerCase())).headers.location).toBe(moved);
      expect((await stored(ada.id))?.joinedAt).toBe(joinedAt);
    } finally {
      chain.setClock(0);
    }
  });

  it('two hits at once: both redirected, one write', async () => {
    const eventId = await webinar();
    const bob = await register(eventId, 'ensemble');
    const cleo = await register(eventId, 'ensemble-2');
    clockAt(STARTS_AT);
    try {
      const both = await Promise.all([call('GET', linkOf(bob.id)), call('GET', linkOf(bob.id))]);
      expect(both.map((r) => [r.status, r.headers.location])).toEqual([
        [302, JOIN],
        [302, JOIN],
      ]);
      // What the table's stream saw: exactly one change setting joinedAt on this registration.
      const joins = (await chain.streamRecords()).filter(
        (record) =>
          record.dynamodb?.NewImage?.id?.S === bob.id &&
          record.dynamodb.NewImage.joinedAt &&
          !record.dynamodb.OldImage?.joinedAt,
      );
      expect(joins).toHaveLength(1);
      const again = (await chain.streamRecords()).filter(
        (record) => record.dynamodb?.NewImage?.id?.S === bob.id && record.dynamodb.OldImage?.joinedAt,
      );
      expect(again).toHaveLength(0);

      // The use case itself: of two calls at once, one records.
      const record = (await stored(cleo.id)) ?? expect.fail('no registration');
      const outcomes = await Promise.all([
        chain.services.registrations.recordJoin(record, chain.services.clock()),
        chain.services.registrations.recordJoin(record, chain.services.clock()),
      ]);
      expect(outcomes.sort()).toEqual([false, true]);
    } finally {
      chain.setClock(0);
    }
  });

  it('after the end, a cancelled event, no seat, or a forged code: a page saying why, never the URL', async () => {
    const eventId = await webinar({ capacity: 1 });
    const seated = await register(eventId, 'apres');
    const waiting = await register(eventId, 'attente', 'en');
    expect(waiting.status).toBe('waitlisted');
    const leaving = await register(await webinar(), 'parti');
    expect(
      (await call('POST', `/api/registrations/${leaving.id}/cancel?token=${leaving.token}`)).status,
    ).toBe(200);
    const pending = await register(await webinar({ requireConfirmation: true }), 'pas-confirme');
    expect(pending.status).toBe('pending_confirmation');
    const cancelledEvent = await webinar();
    const stranded = await register(cancelledEvent, 'annule');
    const cancel = await call('POST', `/api/admin/events/${cancelledEvent}/cancel`, {
      organiser: 'media-aces',
    });
    expect(cancel.status).toBe(200);
    const code = chain.services.attendanceCodes.for(seated.id) ?? '';
    const forged = `${code.slice(0, -1)}${code.endsWith('0') ? '1' : '0'}`;

    const expectPage = async (path: string, status: number, words: RegExp) => {
      const page = await call('GET', path);
      expect([path, page.status]).toEqual([path, status]);
      expect(page.headers.location).toBeUndefined();
      expect(page.headers['cache-control']).toBe('no-store');
      expect(page.body).toMatch(words);
      expect(page.body).not.toContain('meet.example');
      expect(page.body).not.toContain(code);
    };
    clockAt(STARTS_AT);
    try {
      await expectPage(linkOf(waiting.id), 403, /waiting list/);
      await expectPage(linkOf(leaving.id), 403, /inscription .* est annulée/);
      await expectPage(linkOf(pending.id), 403, /pas encore confirmée/);
      await expectPage(linkOf(stranded.id), 410, /a été annulé/);
      await expectPage(`/j/${forged}`, 404, /aucune session[\s\S]*leads to no session/);
      await expectPage('/j/not-a-code', 404, /aucune session/);
      clockAt(ENDS_AT);
      await expectPage(linkOf(seated.id), 410, /est terminé/);
    } finally {
      chain.setClock(0);
    }
    for (const id of [seated.id, waiting.id, leaving.id, pending.id, stranded.id])
      expect((await stored(id))?.joinedAt).toBeUndefined();
  });

  it('a failure to record the join does not stop the redirect, and is logged without the code or the person', async () => {
    const eventId = await webinar();
    const dan = await register(eventId, 'journal');
    const code = chain.services.attendanceCodes.for(dan.id) ?? '';
    const lines: string[] = [];
    const spies = (['log', 'warn', 'error'] as const).map((method) =>
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        lines.push(args.map(String).join(' '));
      }),
    );
    const failing = createServices({
      db: interceptSend(chain.app.doc, async (command, send) => {
        if (!JSON.stringify(command.input).includes('joinedAt')) return send(command);
        throw new Error(`Write refused for ${BASE_URL}/j/${code} (journal@example.com)`);
      }),
      tableName: chain.app.tableName,
      baseUrl: BASE_URL,
      tokenKey: chain.app.tokenKey,
      holdMinutes: 120,
      clock: () => new Date(STARTS_AT),
    });
    // The chain's services carry the key the codes are made with: the failing ones must too.
    Object.assign(failing, { attendanceCodes: chain.services.attendanceCodes });
    setServices(failing);
    process.env.LOG_LEVEL = 'info';
    try {
      const response = await call('GET', `/j/${code}`);
      expect([response.status, response.headers.location]).toEqual([302, JOIN]);
    } finally {
      process.env.LOG_LEVEL = 'silent';
      setServices(chain.services);
      for (const spy of spies) spy.mockRestore();
    }
    expect((await stored(dan.id))?.joinedAt).toBeUndefined();
    const output = lines.join('\n');
    expect(output).toContain('join not recorded');
    expect(output).not.toContain(code);
    expect(output).not.toContain(code.slice(0, 12));
    expect(output).not.toContain('journal@example.com');
  });

  it('masks a join code in any logged text, however long', () => {
    expect(redactText('GET /j/0A1B2C3D4E5F60718293A4B5C6D7E8F901234567 302')).toBe('GET /j/[code] 302');
    expect(redactText('http://x/j/ABCDEF0123456789AB?x=1')).toBe('http://x/j/[code]?x=1');
  });
});

describe('the emails and the invitation give the personal link, never the join URL', () => {
  it('confirmation and its invitation (LOCATION, URL, DESCRIPTION), and the manage view', async () => {
    const eventId = await webinar();
    const eve = await register(eventId, 'courriel');
    const link = `${BASE_URL}${linkOf(eve.id)}`;
    const [mail] = await chain.mails('courriel@example.com');
    expect(mail?.email.subject).toMatch(/^Inscription confirmée/);
    expect(mail?.email.text).toContain(link);
    expect(mail?.email.html).toContain(`href="${link}"`);
    const raw = (await chain.outbox.read(mail?.entry.id ?? ''))?.toString('utf8') ?? '';
    expect(raw).not.toContain('webinar-9Zt4');

    const ics = mail?.calendar?.text ?? '';
    expect(parseCalendar(ics).method).toBe('REQUEST');
    const vevent = convertIcsCalendar(undefined, ics).events?.[0];
    expect([vevent?.location, vevent?.url]).toEqual([link, link]);
    expect(vevent?.description).toContain(link);
    expect(ics).not.toContain('webinar-9Zt4');

    const view = await call('GET', `/api/registrations/${eve.id}?token=${eve.token}`);
    expect(view.body.joinUrl).toBe(link);
    expect(JSON.stringify(view.body)).not.toContain('webinar-9Zt4');
  });
});
