/**
 * Calendar answers (API.md, "Calendar replies"): the invitation names the registration's own
 * reply address, and Google, Outlook and Apple replies posted to POST /local/inbound (the local
 * runtime's SES receiving) decline or record, on DynamoDB Local, with the notification chain
 * running so the emails it causes are seen.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { receiveCalendarAnswer } from '../functions/inbound/receive.js';
import { createServices } from '../functions/wiring/services.js';
import { createLocalIssuer } from '../local/auth.js';
import { createLocalServer } from '../local/server.js';
import { BASE_URL, manageLink, REPLY_DOMAIN } from './support/app.js';
import { interceptSend, throttling, transactionConflict } from './support/faults.js';
import { readings } from './support/ical.js';
import { type NotifyChain, ORGANISER, startNotifyChain } from './support/notify.js';
import { type CalendarApp, type ReplyFields, replyMail } from './support/replies.js';

let chain: NotifyChain;
let server: Server;
let base: string;
let tmp: string;

beforeAll(async () => {
  chain = await startNotifyChain();
  tmp = await mkdtemp(join(tmpdir(), 'inbound-test-'));
  const issuer = await createLocalIssuer({ dataDir: tmp, issuer: `${BASE_URL}/local` });
  server = createLocalServer({
    issuer,
    organiserIds: [ORGANISER.id],
    webDir: tmp,
    inbound: (raw) => receiveCalendarAnswer(chain.services, raw),
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((done) => server?.close(done));
  await chain?.stop();
  await rm(tmp, { recursive: true, force: true });
});

const post = async (raw: Buffer | string, contentType = 'message/rfc822') => {
  const response = await fetch(`${base}/local/inbound`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: typeof raw === 'string' ? raw : new Uint8Array(raw),
  });
  return { status: response.status, body: await response.json() };
};

const register = async (eventId: string, who: string) => {
  const response = await chain.app.call('POST', `/api/events/${eventId}/registrations`, {
    body: { name: who, email: `${who}@example.com`, consent: true },
  });
  expect(response.status).toBe(201);
  return {
    ...(response.body.registration as { id: string; status: string }),
    token: manageLink(response.body.manageUrl).token,
  };
};

const stored = async (registrationId: string) => {
  const registration = await chain.services.registrations.getById(registrationId);
  if (!registration) throw new Error(`no registration ${registrationId}`);
  return registration;
};

/** The reply the app sends from the registration's attendee to its reply address. */
const answer = (
  app: CalendarApp,
  eventId: string,
  registration: { id: string },
  who: string,
  partstat: ReplyFields['partstat'],
  extra: Partial<ReplyFields> = {},
) =>
  replyMail(app, {
    to: chain.services.replies.for(registration.id) ?? '',
    attendee: `${who}@example.com`,
    uid: `${eventId}@inscriptions.calendar`,
    partstat,
    ...extra,
  });

const seats = async (eventId: string) => (await chain.services.events.get(eventId))?.seats;

describe('the invitation', () => {
  it('names the registration’s own reply address as ORGANIZER under the organiser’s name, never the organiser’s mailbox', async () => {
    const eventId = await chain.app.publishedEvent();
    const ada = await register(eventId, 'ada-invite');
    const [mail] = await chain.mails('ada-invite@example.com');
    // As sent: postal-mime hands the part over with its CRLFs made LFs.
    const ics = (mail?.calendar?.text ?? '').replace(/\r?\n/g, '\r\n');
    const address = chain.services.replies.for(ada.id);
    expect(address).toMatch(new RegExp(`^rsvp\\+[0-9a-f]{24}\\.[0-9a-f]{16}@${REPLY_DOMAIN}$`));
    for (const [parser, reading] of readings(ics)) {
      expect(reading.method, parser).toBe('REQUEST');
      expect(reading.events[0]?.organizer, parser).toEqual({ name: ORGANISER.name, email: address });
    }
    expect(ics).not.toContain(ORGANISER.replyTo);
    // Another registration of the same event has another address, which names it and only it.
    const bob = await register(eventId, 'bob-invite');
    expect(chain.services.replies.for(bob.id)).not.toBe(address);
    expect(chain.services.replies.registrationOf(address ?? '')).toBe(ada.id);
    expect(chain.services.replies.registrationOf((address ?? '').toUpperCase())).toBe(ada.id);
  });
});

describe('Decline', () => {
  it('from Google Calendar frees the seat, the first in line gets it, the person is told; the organiser gets nothing', async () => {
    const eventId = await chain.app.publishedEvent({ capacity: 1, waitlistEnabled: true });
    const ada = await register(eventId, 'ada-decline');
    const bob = await register(eventId, 'bob-decline');
    const carol = await register(eventId, 'carol-decline');
    expect([ada.status, bob.status, carol.status]).toEqual(['confirmed', 'waitlisted', 'waitlisted']);
    // The invitation went out before anyone answers it.
    expect(await chain.mails('ada-decline@example.com')).toHaveLength(1);

    const response = await post(answer('google', eventId, ada, 'ada-decline', 'DECLINED'));
    expect(response).toEqual({
      status: 202,
      body: { outcome: 'declined', registrationId: ada.id, changed: true },
    });
    expect(await stored(ada.id)).toMatchObject({
      status: 'cancelled',
      cancelledBy: 'attendee',
      rsvp: 'declined',
    });
    expect((await stored(bob.id)).status).toBe('confirmed');
    expect((await stored(carol.id)).status).toBe('waitlisted');
    expect(await seats(eventId)).toMatchObject({ held: 1, waitlisted: 1 });

    const kinds = async (to: string) => (await chain.mails(to)).map((mail) => mail.email.subject);
    expect(await kinds('ada-decline@example.com')).toEqual([
      expect.stringMatching(/^Inscription confirmée/),
      // The usual cancellation: they learn their seat is given up.
      expect.stringMatching(/^Inscription annulée/),
    ]);
    const promoted = (await chain.mails('bob-decline@example.com')).at(-1);
    expect(promoted?.email.subject).toMatch(/^Une place s'est libérée/);
    expect(promoted?.calendar?.method).toBe('REQUEST');
    expect(await chain.mails(ORGANISER.replyTo)).toEqual([]);

    // The registrant's view says so.
    const view = await chain.app.call('GET', `/api/registrations/${ada.id}?token=${ada.token}`);
    expect(view.body.attendance).toEqual({ rsvp: 'declined' });
  });

  it('replayed, and twice at once, acts once', async () => {
    const eventId = await chain.app.publishedEvent({ capacity: 2, waitlistEnabled: true });
    const ada = await register(eventId, 'ada-twice');
    const eve = await register(eventId, 'eve-twice');
    const bob = await register(eventId, 'bob-twice');
    const carol = await register(eventId, 'carol-twice');
    const decline = answer('outlook', eventId, ada, 'ada-twice', 'DECLINED');

    const both = await Promise.all([post(decline), post(decline)]);
    expect(both.map((r) => r.status).every((status) => status === 200 || status === 202)).toBe(true);
    expect(both.some((r) => r.body.changed === true)).toBe(true);
    const again = await post(decline);
    expect(again).toEqual({ status: 200, body: { outcome: 'ignored', reason: 'cancelled' } });

    expect((await stored(ada.id)).status).toBe('cancelled');
    expect((await stored(eve.id)).status).toBe('confirmed');
    expect((await stored(bob.id)).status).toBe('confirmed');
    expect((await stored(carol.id)).status).toBe('waitlisted');
    expect(await seats(eventId)).toMatchObject({ held: 2, waitlisted: 1, cancelled: 1 });
    const cancellations = (await chain.mails('ada-twice@example.com')).filter((mail) =>
      /^Inscription annulée/.test(mail.email.subject ?? ''),
    );
    expect(cancellations).toHaveLength(1);
  });
});

describe('Accept and Maybe', () => {
  it('from Outlook (base64) and Apple (quoted-printable) are recorded, a later answer replaces an earlier one, never the other way', async () => {
    const eventId = await chain.app.publishedEvent();
    const ada = await register(eventId, 'ada-accept');
    const { token } = ada;
    const attendance = async () =>
      (await chain.app.call('GET', `/api/registrations/${ada.id}?token=${token}`)).body.attendance;

    const monday = new Date(Date.now() - 3 * 3_600_000);
    const tuesday = new Date(Date.now() - 2 * 3_600_000);
    expect(await post(answer('outlook', eventId, ada, 'ada-accept', 'ACCEPTED', { stamp: monday }))).toEqual({
      status: 202,
      body: { outcome: 'accepted', registrationId: ada.id, changed: true },
    });
    expect(await attendance()).toEqual({ rsvp: 'accepted' });

    expect(
      (await post(answer('apple', eventId, ada, 'ada-accept', 'TENTATIVE', { stamp: tuesday }))).status,
    ).toBe(202);
    expect(await attendance()).toEqual({ rsvp: 'tentative' });

    // The Monday answer delivered again, late: older than what is kept.
    expect(await post(answer('outlook', eventId, ada, 'ada-accept', 'ACCEPTED', { stamp: monday }))).toEqual({
      status: 200,
      body: { outcome: 'ignored', reason: 'stale' },
    });
    // A Monday decline arriving after the Tuesday "maybe" frees nothing.
    expect(
      (await post(answer('google', eventId, ada, 'ada-accept', 'DECLINED', { stamp: monday }))).body,
    ).toEqual({ outcome: 'ignored', reason: 'stale' });
    expect((await stored(ada.id)).status).toBe('confirmed');
    // An answer to a newer invitation (the event moved: SEQUENCE 1) wins over any stamp.
    expect(
      (await post(answer('google', eventId, ada, 'ada-accept', 'ACCEPTED', { stamp: monday, sequence: 1 })))
        .body,
    ).toMatchObject({ outcome: 'accepted', changed: true });
    expect(await attendance()).toEqual({ rsvp: 'accepted' });

    // Answers that keep the seat send nobody anything: the confirmation is all Ada got.
    expect(await chain.mails('ada-accept@example.com')).toHaveLength(1);
    expect(await chain.mails(ORGANISER.replyTo)).toEqual([]);
    // The organiser's view carries it too.
    const list = await chain.app.call('GET', `/api/admin/events/${eventId}/registrations`, {
      organiser: ORGANISER.id,
    });
    expect(list.body.items[0].attendance).toEqual({ rsvp: 'accepted' });
  });
});

describe('what changes nothing', () => {
  it('wrong or unknown addresses, a bad tag, another attendee, not a REPLY, another invitation, junk: 200 or 4xx, never 5xx', async () => {
    const eventId = await chain.app.publishedEvent({ capacity: 1, waitlistEnabled: true });
    const ada = await register(eventId, 'ada-hostile');
    const bob = await register(eventId, 'bob-hostile');
    const adaAddress = chain.services.replies.for(ada.id) ?? '';
    const badTag = adaAddress.replace(/\.([0-9a-f])/, (_, c) => `.${c === '0' ? '1' : '0'}`);
    const decline = (extra: Partial<ReplyFields>) =>
      answer('google', eventId, ada, 'ada-hostile', 'DECLINED', extra);

    const cases: [string, Buffer | string, string?][] = [
      ['bad tag', decline({ to: badTag })],
      ['unknown address', decline({ to: `someone@${REPLY_DOMAIN}` })],
      ['another domain', decline({ to: adaAddress.replace(REPLY_DOMAIN, 'elsewhere.example') })],
      ['the organiser', decline({ to: ORGANISER.replyTo })],
      // Bob's address, Ada's answer: Bob's seat is not hers to give up, nor hers his.
      ['attendee mismatch', decline({ to: chain.services.replies.for(bob.id) ?? '' })],
      ['a REQUEST', decline({ method: 'REQUEST' })],
      ['a COUNTER', decline({ method: 'COUNTER' })],
      ['another invitation', decline({ uid: 'evt_other@inscriptions.calendar' })],
      ['NEEDS-ACTION', answer('apple', eventId, ada, 'ada-hostile', 'NEEDS-ACTION')],
      ['DELEGATED', answer('outlook', eventId, ada, 'ada-hostile', 'DELEGATED')],
      ['not MIME at all', '\u0000\u0001 garbage \r\n\r\n\r\n'],
      ['empty', ''],
      [
        'a broken calendar',
        `To: ${adaAddress}\r\nContent-Type: text/calendar; method=REPLY\r\n\r\nBEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nATTENDEE;PARTSTAT=DECLINED;CN="unterminated:mailto:x\r\n`,
      ],
      [
        'a boundary that never ends',
        `To: ${adaAddress}\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: multipart/mixed; boundary=y\r\n\r\n--y\r\n${'--y\r\n'.repeat(2000)}`,
      ],
      ['not message/rfc822', decline({}), 'application/json'],
      ['too large', Buffer.alloc(300 * 1024, 'a')],
    ];
    for (const [label, raw, contentType] of cases) {
      const response = await post(raw, contentType);
      expect(response.status, label).toBeLessThan(500);
      expect([200, 413, 415], label).toContain(response.status);
      if (response.status === 200) expect(response.body.outcome, label).toBe('ignored');
    }
    expect(await stored(ada.id)).toMatchObject({ status: 'confirmed' });
    expect((await stored(ada.id)).rsvp).toBeUndefined();
    expect((await stored(bob.id)).status).toBe('waitlisted');
    expect(await seats(eventId)).toMatchObject({ held: 1, waitlisted: 1, cancelled: 0 });
  });

  it('a reply to a cancelled registration, or after the event, is ignored', async () => {
    const eventId = await chain.app.publishedEvent();
    const ada = await register(eventId, 'ada-late');
    expect(
      (await chain.app.call('POST', `/api/registrations/${ada.id}/cancel?token=${ada.token}`)).status,
    ).toBe(200);
    expect((await post(answer('google', eventId, ada, 'ada-late', 'ACCEPTED'))).body).toEqual({
      outcome: 'ignored',
      reason: 'cancelled',
    });
    expect((await stored(ada.id)).rsvp).toBeUndefined();

    const past = await chain.app.publishedEvent();
    const bob = await register(past, 'bob-late');
    chain.setClock(8 * 86_400_000); // a day after the event
    try {
      expect((await post(answer('google', past, bob, 'bob-late', 'DECLINED'))).body).toEqual({
        outcome: 'ignored',
        reason: 'event_over',
      });
    } finally {
      chain.setClock(0);
    }
    expect((await stored(bob.id)).status).toBe('confirmed');
  });
});

describe('faults on the decline’s transaction', () => {
  it('a conflict, then a lost answer: the seat is freed once and the first in line promoted once', async () => {
    const eventId = await chain.app.publishedEvent({ capacity: 1, waitlistEnabled: true });
    const ada = await register(eventId, 'ada-fault');
    const bob = await register(eventId, 'bob-fault');
    const carol = await register(eventId, 'carol-fault');

    let transactions = 0;
    const faulty = interceptSend(chain.app.doc, async (command, send) => {
      if (!(command instanceof TransactWriteCommand)) return send(command);
      transactions++;
      if (transactions === 1) throw transactionConflict(command.input.TransactItems?.length ?? 1);
      const result = await send(command);
      if (transactions === 2) throw throttling(); // applied, but the answer is lost
      return result;
    });
    // The chain's reply addresses (its key), over the faulty client.
    const services = {
      ...createServices({
        db: faulty,
        tableName: chain.app.tableName,
        baseUrl: BASE_URL,
        tokenKey: randomBytes(32),
        holdMinutes: 120,
      }),
      replies: chain.services.replies,
    };
    const outcome = await receiveCalendarAnswer(
      services,
      answer('apple', eventId, ada, 'ada-fault', 'DECLINED'),
    );
    expect(outcome).toMatchObject({ outcome: 'declined', registrationId: ada.id });
    expect(transactions).toBeGreaterThanOrEqual(3);
    expect(await stored(ada.id)).toMatchObject({ status: 'cancelled', rsvp: 'declined' });
    expect((await stored(bob.id)).status).toBe('confirmed');
    expect((await stored(carol.id)).status).toBe('waitlisted');
    expect(await seats(eventId)).toMatchObject({ held: 1, waitlisted: 1, cancelled: 1 });
  });
});
