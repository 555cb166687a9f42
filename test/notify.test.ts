import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tick } from '../local/tick.js';
import { manageLink } from './support/app.js';
import { readings } from './support/ical.js';
import {
  MAIL_FROM,
  type Mail,
  type NotifyChain,
  ORGANISER,
  parseCalendar,
  startNotifyChain,
} from './support/notify.js';

/** postal-mime gives text parts back with LF line ends; on the wire they are CRLF, as parsers want. */
const crlf = (text: string | undefined): string => (text ?? '').replace(/\r?\n/g, '\r\n');

/**
 * The real chain on DynamoDB Local: API call -> table -> stream -> poller -> notify handler
 * (-> fan-out queue -> fanout handler) -> outbox `.eml`, parsed with postal-mime and ical.js.
 */

let chain: NotifyChain;

beforeAll(async () => {
  // Pages of 2 registrants, so the fan-out tests cross several pages.
  chain = await startNotifyChain({ fanoutPageSize: 2 });
});
afterAll(() => chain?.stop());

const JOIN_URL = 'https://meet.example/secret-room';
/** A personal join link (GET /j/{code}): what emails give instead of JOIN_URL. */
const JOIN_LINK = /\/j\/[0-9A-F]{40}\b/;
const organiser = { organiser: ORGANISER.id };

const person = (tag: string, extra: Record<string, unknown> = {}) => ({
  name: `Personne ${tag}`,
  email: `${tag}@example.com`,
  consent: true,
  ...extra,
});

const register = async (eventId: string, body: Record<string, unknown>) => {
  const response = await chain.app.call('POST', `/api/events/${eventId}/registrations`, { body });
  expect([200, 201]).toContain(response.status);
  return response.body as { registration: { id: string; status: string }; manageUrl: string };
};

const manage = (manageUrl: string, action: string) => {
  const { id, token } = manageLink(manageUrl);
  return chain.app.call('POST', `/api/registrations/${id}/${action}?token=${token}`);
};

/** The kind of each message to `to` (oldest first), read from the ledger entry that sent it. */
/** The manage link an email carries. */
const linkIn = (mail: Mail): string =>
  /http:\/\/\S+\/manage#registration=[^\s]+/.exec(mail.email.text ?? '')?.[0] ?? '';

const kindsFor = async (eventId: string, to: string): Promise<string[]> => {
  const mails = await chain.mails(to);
  const entries = await chain.notifications.ledger.entries(eventId);
  return mails.map((mail) => {
    const entry = entries.find((candidate) => candidate.mailId === mail.entry.id);
    return entry ? (entry.dedupeKey.split('#')[1] ?? '?') : 'not-in-ledger';
  });
};

const only = async (to: string): Promise<Mail> => {
  const mails = await chain.mails(to);
  expect(mails).toHaveLength(1);
  return mails[0] as Mail;
};

const last = async (to: string): Promise<Mail> => {
  const mails = await chain.mails(to);
  return mails.at(-1) as Mail;
};

/** The UID the public calendar endpoint gives the event. */
const publicUid = async (eventId: string): Promise<string> => {
  const response = await chain.app.call('GET', `/calendar/events/${eventId}.ics`);
  expect(response.status).toBe(200);
  return parseCalendar(String(response.body)).uid;
};

describe('registration messages', () => {
  it('confirmed: one message, its invitation (REQUEST) with the calendar endpoints’ UID, the join URL', async () => {
    const eventId = await chain.app.publishedEvent({ language: 'en', title: 'Webinar' });
    const { manageUrl } = await register(eventId, person('ada', { locale: 'en' }));

    const mail = await only('ada@example.com');
    expect(await kindsFor(eventId, 'ada@example.com')).toEqual(['confirmed']);
    expect(mail.email.subject).toMatch(/^Registration confirmed/);
    expect(mail.email.text).toContain('Your registration');
    expect(mail.email.text).toMatch(JOIN_LINK);
    expect(mail.email.text).not.toContain(JOIN_URL);
    // One recipient; our sender under the organiser's name; replies to the organiser.
    expect(mail.email.to?.map((a) => ('address' in a ? a.address : ''))).toEqual(['ada@example.com']);
    expect(mail.email.from).toMatchObject({ name: ORGANISER.name, address: MAIL_FROM });
    expect(mail.email.replyTo?.[0]).toMatchObject({ address: ORGANISER.replyTo });
    expect(mail.email.bcc ?? []).toEqual([]);
    expect(mail.email.headers.filter((header) => header.key === 'bcc')).toEqual([]);
    // The calendar alternative says REQUEST in MIME and in iCalendar, and the .ics is attached too.
    expect(mail.calendar?.mimeMethod).toBe('REQUEST');
    expect(mail.calendar?.method).toBe('REQUEST');
    // Answers go to the registration's reply address, never to the organiser's mailbox.
    expect(mail.calendar?.text).not.toContain(ORGANISER.replyTo);
    expect(mail.calendar?.text.replace(/\r?\n[ \t]/g, '')).toMatch(
      /ORGANIZER;CN="?Media Aces"?:mailto:rsvp\+[0-9a-f]+\.[0-9a-f]{16}@localhost/,
    );
    expect(mail.email.attachments.map((part) => part.mimeType)).toContain('application/ics');
    // Same UID as the public event file and the registrant's own invite.ics.
    expect(mail.calendar?.uid).toBe(await publicUid(eventId));
    const { id, token } = manageLink(manageUrl);
    const invite = await chain.app.call('GET', `/api/registrations/${id}/invite.ics?token=${token}`);
    expect(parseCalendar(String(invite.body)).uid).toBe(mail.calendar?.uid);
    // The manage link in the message opens the registration.
    const fromMail = manageLink(linkIn(mail));
    expect(fromMail.id).toBe(id);
    const opened = await chain.app.call('GET', `/api/registrations/${fromMail.id}?token=${fromMail.token}`);
    expect(opened.status).toBe(200);
  });

  it('French for `fr`: subject, body and invitation', async () => {
    const eventId = await chain.app.publishedEvent({ language: 'en' });
    await register(eventId, person('bastien', { locale: 'fr' }));

    const mail = await only('bastien@example.com');
    expect(mail.email.subject).toMatch(/^Inscription confirmée/);
    expect(mail.email.text).toContain('Bonjour');
    expect(mail.calendar?.text).toContain('Rejoindre en ligne');
  });

  it('waitlisted (position, no invitation, no join URL), then cancelled (CANCEL) and promoted (REQUEST + join URL)', async () => {
    const eventId = await chain.app.publishedEvent({
      capacity: 1,
      format: 'hybrid',
      venue: { name: 'Salle Gaveau', address: '45 rue La Boétie', city: 'Paris' },
    });
    const first = await register(eventId, person('claire'));
    const second = await register(eventId, person('denis'));
    expect(second.registration.status).toBe('waitlisted');

    const waitlisted = await only('denis@example.com');
    expect(await kindsFor(eventId, 'denis@example.com')).toEqual(['waitlisted']);
    expect(waitlisted.calendar).toBeUndefined();
    expect(waitlisted.email.attachments).toEqual([]);
    expect(waitlisted.email.text).not.toMatch(JOIN_LINK);
    expect(waitlisted.email.text).not.toContain(JOIN_URL);
    expect(waitlisted.email.html).not.toMatch(JOIN_LINK);
    expect(waitlisted.email.html).not.toContain(JOIN_URL);
    expect(waitlisted.email.text).toMatch(/\b1\b/);

    expect((await manage(first.manageUrl, 'cancel')).status).toBe(200);

    expect(await kindsFor(eventId, 'claire@example.com')).toEqual(['confirmed', 'cancelled_by_attendee']);
    const cancelled = await last('claire@example.com');
    expect(cancelled.calendar?.mimeMethod).toBe('CANCEL');
    expect(cancelled.calendar?.method).toBe('CANCEL');
    expect(cancelled.calendar?.uid).toBe(await publicUid(eventId));
    // Her seat is cancelled, not the event: no STATUS:CANCELLED (RFC 5546 3.2.5).
    for (const [parser, reading] of readings(crlf(cancelled.calendar?.text)))
      expect(reading.events[0]?.status, parser).toBeUndefined();
    expect(cancelled.email.text).not.toMatch(JOIN_LINK);
    expect(cancelled.email.text).not.toContain(JOIN_URL);

    expect(await kindsFor(eventId, 'denis@example.com')).toEqual(['waitlisted', 'promoted']);
    const promoted = await last('denis@example.com');
    expect(promoted.calendar?.method).toBe('REQUEST');
    expect(promoted.calendar?.uid).toBe(await publicUid(eventId));
    expect(promoted.email.text).toMatch(JOIN_LINK);
    expect(promoted.email.text).not.toContain(JOIN_URL);
  });

  it('pending confirmation (link, no invitation, no join URL), then confirmed with the invitation', async () => {
    const eventId = await chain.app.publishedEvent({ requireConfirmation: true });
    const { registration, manageUrl } = await register(eventId, person('emile'));
    expect(manageUrl).toBeUndefined();

    const pending = await only('emile@example.com');
    expect(await kindsFor(eventId, 'emile@example.com')).toEqual(['pending_confirmation']);
    expect(pending.calendar).toBeUndefined();
    expect(pending.email.text).not.toMatch(JOIN_LINK);
    expect(pending.email.text).not.toContain(JOIN_URL);
    expect(manageLink(linkIn(pending)).id).toBe(registration.id);

    expect((await manage(linkIn(pending), 'confirm')).status).toBe(200);
    expect(await kindsFor(eventId, 'emile@example.com')).toEqual(['pending_confirmation', 'confirmed']);
    const confirmed = await last('emile@example.com');
    expect(confirmed.calendar?.method).toBe('REQUEST');
    expect(confirmed.email.text).toMatch(JOIN_LINK);
    expect(confirmed.email.text).not.toContain(JOIN_URL);
  });

  it('keeps the typed name out of emails and invitations until the mailbox is proven', async () => {
    // Anyone may type anyone's address: the "name" would be a message to a stranger, sent by us.
    const lure = 'Your account is locked, see evil.example/unlock';
    const toName = (mail: Mail) => mail.email.to?.map((a) => ('name' in a ? a.name : '')).join('');
    const open = await chain.app.publishedEvent({ format: 'hybrid', venue: { name: 'Salle' } });
    await register(open, person('henri', { name: lure }));
    const unproven = await only('henri@example.com');
    expect(unproven.email.text).toMatch(/^Bonjour,/m);
    for (const part of [
      unproven.email.text,
      unproven.email.html,
      unproven.calendar?.text,
      toName(unproven),
    ]) {
      expect(part ?? '').not.toContain('evil.example');
    }
    const unfold = (text = '') => text.replace(/\r?\n[ \t]/g, '');
    expect(unfold(unproven.calendar?.text)).toMatch(/^ATTENDEE;(?!.*CN=).*:mailto:henri@example.com\r?$/im);

    // Confirmed from the emailed link, the mailbox is the person's own: the name is theirs to see.
    const doubleOptIn = await chain.app.publishedEvent({ requireConfirmation: true });
    await register(doubleOptIn, person('iris', { name: 'Iris Lebrun' }));
    const pending = await only('iris@example.com');
    expect(pending.email.text).not.toContain('Iris Lebrun');
    expect((await manage(linkIn(pending), 'confirm')).status).toBe(200);
    const confirmed = await last('iris@example.com');
    expect(confirmed.email.text).toMatch(/^Bonjour Iris Lebrun,/m);
    expect(toName(confirmed)).toBe('Iris Lebrun');
    expect(unfold(confirmed.calendar?.text)).toMatch(
      /^ATTENDEE;.*CN="Iris Lebrun".*:mailto:iris@example.com\r?$/im,
    );
  });

  it('registering again after cancelling: the new invitation outranks the CANCEL (SEQUENCE), the first link still works', async () => {
    const eventId = await chain.app.publishedEvent();
    const first = await register(eventId, person('jeanne'));
    await only('jeanne@example.com'); // sent before the cancellation makes it stale
    expect((await manage(first.manageUrl, 'cancel')).status).toBe(200);
    const again = await register(eventId, person('jeanne'));
    const mails = await chain.mails('jeanne@example.com');
    expect(mails.map((mail) => [mail.calendar?.method, mail.calendar?.sequence])).toEqual([
      ['REQUEST', 0],
      ['CANCEL', 0],
      ['REQUEST', 1],
    ]);
    expect(new Set(mails.map((mail) => mail.calendar?.uid)).size).toBe(1);
    const { id, token } = manageLink(first.manageUrl);
    expect((await chain.app.call('GET', `/api/registrations/${id}?token=${token}`)).body.status).toBe(
      'cancelled',
    );
    expect(again.registration.id).not.toBe(id);
  });

  it('registering again after erasing: the new invitation outranks the CANCEL of the erasure', async () => {
    const eventId = await chain.app.publishedEvent();
    const first = await register(eventId, person('josette'));
    await only('josette@example.com');
    const { id, token } = manageLink(first.manageUrl);
    expect((await chain.app.call('DELETE', `/api/registrations/${id}?token=${token}`)).status).toBeLessThan(
      300,
    );
    await chain.mails('josette@example.com');
    // Past the view of the event a registration may reuse (EventStore.getRecent, a second).
    await new Promise((done) => setTimeout(done, 1_100));
    await register(eventId, person('josette'));
    const mails = await chain.mails('josette@example.com');
    expect(mails.map((mail) => [mail.calendar?.method, mail.calendar?.sequence])).toEqual([
      ['REQUEST', 0],
      ['CANCEL', 0],
      ['REQUEST', 1],
    ]);
    expect(new Set(mails.map((mail) => mail.calendar?.uid)).size).toBe(1);
  });

  it('registering again sends the existing registration a fresh manage link, to that address only', async () => {
    const eventId = await chain.app.publishedEvent();
    const { manageUrl } = await register(eventId, person('fanny'));
    const again = await chain.app.call('POST', `/api/events/${eventId}/registrations`, {
      body: person('fanny', { name: 'Quelqu’un d’autre' }),
    });
    expect(again.body).toEqual({ status: 'already_registered' });

    expect(await kindsFor(eventId, 'fanny@example.com')).toEqual(['confirmed', 'manage_link']);
    const mail = await last('fanny@example.com');
    expect(mail.calendar).toBeUndefined();
    expect(mail.email.to?.map((a) => ('address' in a ? a.address : ''))).toEqual(['fanny@example.com']);
    const link = manageLink(linkIn(mail));
    expect(link.id).toBe(manageLink(manageUrl).id);
    expect(link.token).not.toBe(manageLink(manageUrl).token);
    expect((await chain.app.call('GET', `/api/registrations/${link.id}?token=${link.token}`)).status).toBe(
      200,
    );
  });

  it('registering again and again sends one fresh link per ten minutes, not one per attempt', async () => {
    const eventId = await chain.app.publishedEvent();
    await register(eventId, person('gustave'));
    const again = () =>
      chain.app.call('POST', `/api/events/${eventId}/registrations`, { body: person('gustave') });
    for (let i = 0; i < 5; i++) expect((await again()).body).toEqual({ status: 'already_registered' });
    expect(await kindsFor(eventId, 'gustave@example.com')).toEqual(['confirmed', 'manage_link']);
    chain.setClock(11 * 60_000);
    try {
      await again();
      expect(await kindsFor(eventId, 'gustave@example.com')).toEqual([
        'confirmed',
        'manage_link',
        'manage_link',
      ]);
    } finally {
      chain.setClock(0);
    }
  });

  it('cancelled by the organiser: its own message with CANCEL', async () => {
    const eventId = await chain.app.publishedEvent();
    const { registration } = await register(eventId, person('gael'));
    // Let the confirmation go first: a message that no longer fits when its turn comes is dropped.
    await chain.mails('gael@example.com');
    const cancel = await chain.app.call(
      'POST',
      `/api/admin/events/${eventId}/registrations/${registration.id}/cancel`,
      organiser,
    );
    expect(cancel.status).toBe(200);

    expect(await kindsFor(eventId, 'gael@example.com')).toEqual(['confirmed', 'cancelled_by_organiser']);
    const cancelled = (await last('gael@example.com')).calendar;
    expect(cancelled?.method).toBe('CANCEL');
    for (const [parser, reading] of readings(crlf(cancelled?.text)))
      expect(reading.events[0]?.status, parser).toBeUndefined();
  });

  it('an erased seat gets one last message, the CANCEL that empties the calendar, and nothing more', async () => {
    const eventId = await chain.app.publishedEvent();
    const { registration } = await register(eventId, person('hugo'));
    await chain.mails();
    const erase = await chain.app.call(
      'DELETE',
      `/api/admin/events/${eventId}/registrations/${registration.id}`,
      organiser,
    );
    expect(erase.status).toBeLessThan(300);
    expect(await kindsFor(eventId, 'hugo@example.com')).toEqual(['confirmed', 'erased']);
    const goodbye = await last('hugo@example.com');
    expect(goodbye.calendar).toMatchObject({ method: 'CANCEL', uid: await publicUid(eventId) });
    // No link to a registration that is gone; and the ledger kept no copy of the person.
    expect(goodbye.email.text).not.toContain('manage#');
    const stored = JSON.stringify(await chain.notifications.ledger.entries(eventId));
    expect(stored).not.toContain('hugo@example.com');

    // A waitlisted person erased had nothing in a calendar: nothing is sent.
    const full = await chain.app.publishedEvent({ capacity: 1 });
    await register(full, person('waitlist-first'));
    const { registration: waiting } = await register(full, person('yann'));
    await chain.mails();
    await chain.app.call('DELETE', `/api/admin/events/${full}/registrations/${waiting.id}`, organiser);
    expect(await kindsFor(full, 'yann@example.com')).toEqual(['waitlisted']);
  });
});

describe('event fan-outs', () => {
  it('a change of time reaches every registrant once (over several pages): an invitation for seat holders only', async () => {
    const eventId = await chain.app.publishedEvent({ capacity: 5 });
    const confirmed = ['c1', 'c2', 'c3', 'c4', 'c5'].map((tag) => `${tag}@example.com`);
    for (const email of confirmed) await register(eventId, { ...person('x'), email });
    await register(eventId, person('waiting'));
    await chain.mails();

    const { body: before } = await chain.app.call('GET', `/api/admin/events/${eventId}`, organiser);
    const startsAt = new Date(Date.parse(before.startsAt) + 86_400_000).toISOString();
    const endsAt = new Date(Date.parse(before.endsAt) + 86_400_000).toISOString();
    const patch = await chain.app.call('PATCH', `/api/admin/events/${eventId}`, {
      ...organiser,
      body: { startsAt, endsAt },
    });
    expect(patch.status).toBe(200);

    for (const email of confirmed) {
      expect(await kindsFor(eventId, email)).toEqual(['confirmed', 'event_changed']);
      const changed = await last(email);
      expect(changed.calendar?.method).toBe('REQUEST');
      expect(changed.calendar?.sequence).toBe(1);
      expect(changed.calendar?.uid).toBe(await publicUid(eventId));
      const wallClock = DateTime.fromISO(startsAt).setZone('Europe/Paris').toFormat("yyyyMMdd'T'HHmmss");
      expect(changed.calendar?.text).toContain(`DTSTART;TZID=Europe/Paris:${wallClock}`);
    }
    // Those waiting learn the new time too, with nothing for their calendar (they have no seat).
    expect(await kindsFor(eventId, 'waiting@example.com')).toEqual(['waitlisted', 'event_changed']);
    const told = await last('waiting@example.com');
    expect(told.calendar).toBeUndefined();
    expect(told.email.attachments).toEqual([]);

    // A change no calendar cares about sends nothing.
    await chain.app.call('PATCH', `/api/admin/events/${eventId}`, {
      ...organiser,
      body: { summary: 'Nouveau résumé' },
    });
    for (const email of confirmed) expect(await chain.mails(email)).toHaveLength(2);
  });

  it('a save that changes no value, or only capacity, bumps nothing and emails nobody; a new time does', async () => {
    const eventId = await chain.app.publishedEvent({
      capacity: 1,
      format: 'in_person',
      joinUrl: null,
      venue: { name: 'La Cantine', address: '151 rue Montmartre', city: 'Paris' },
    });
    await register(eventId, person('olga'));
    await register(eventId, person('pablo'));
    await chain.mails();
    const patch = async (body: Record<string, unknown>) => {
      const response = await chain.app.call('PATCH', `/api/admin/events/${eventId}`, { ...organiser, body });
      expect(response.status).toBe(200);
      return response.body as { sequence: number };
    };

    // The editor sends the whole form back; the venue's keys in either order are the same venue.
    const { body: stored } = await chain.app.call('GET', `/api/admin/events/${eventId}`, organiser);
    const form = {
      title: `${stored.title} `,
      format: stored.format,
      joinUrl: null,
      startsAt: stored.startsAt,
      endsAt: stored.endsAt,
      timeZone: stored.timeZone,
      capacity: stored.capacity,
    };
    for (const venue of [
      { name: 'La Cantine', address: '151 rue Montmartre', city: 'Paris' },
      { city: 'Paris', address: '151 rue Montmartre', name: 'La Cantine' },
    ])
      expect((await patch({ ...form, venue })).sequence).toBe(0);
    // More seats (the waiting one is seated), no waitlist, a registration window: nothing to tell.
    expect((await patch({ ...form, capacity: 3 })).sequence).toBe(0);
    expect((await patch({ waitlistEnabled: false, registrationClosesAt: stored.startsAt })).sequence).toBe(0);
    expect(await kindsFor(eventId, 'olga@example.com')).toEqual(['confirmed']);
    expect(await kindsFor(eventId, 'pablo@example.com')).toEqual(['waitlisted', 'promoted']);

    const later = (instant: string) => new Date(Date.parse(instant) + 3_600_000).toISOString();
    expect((await patch({ startsAt: later(stored.startsAt), endsAt: later(stored.endsAt) })).sequence).toBe(
      1,
    );
    expect(await kindsFor(eventId, 'olga@example.com')).toEqual(['confirmed', 'event_changed']);
    expect((await last('olga@example.com')).calendar?.sequence).toBe(1);
  });

  it('cancelling the event tells the confirmed, the pending and the waitlisted (CANCEL, same UID)', async () => {
    const eventId = await chain.app.publishedEvent({ capacity: 2, requireConfirmation: true });
    await register(eventId, person('ines'));
    expect((await manage(linkIn(await only('ines@example.com')), 'confirm')).status).toBe(200);
    await register(eventId, person('jules'));
    expect((await register(eventId, person('karim'))).registration.status).toBe('waitlisted');
    const uid = await publicUid(eventId);

    const cancel = await chain.app.call('POST', `/api/admin/events/${eventId}/cancel`, organiser);
    expect(cancel.status).toBe(200);

    for (const tag of ['ines', 'jules', 'karim']) {
      expect((await kindsFor(eventId, `${tag}@example.com`)).at(-1)).toBe('event_cancelled');
      const mail = await last(`${tag}@example.com`);
      expect(mail.calendar).toMatchObject({
        mimeMethod: 'CANCEL',
        method: 'CANCEL',
        uid,
        sequence: 1,
        status: 'CANCELLED',
      });
      // The whole event is cancelled: STATUS:CANCELLED, for the second parser too.
      for (const [parser, reading] of readings(crlf(mail.calendar?.text)))
        expect(reading.events[0]?.status, parser).toBe('CANCELLED');
      expect(mail.email.text).not.toMatch(JOIN_LINK);
      expect(mail.email.text).not.toContain(JOIN_URL);
    }
  });
});

describe('reminders (local tick)', () => {
  const HOUR = 3_600_000;

  it('24 h and 1 h before an online event, to the confirmed only, with the join URL, once each', async () => {
    const start = new Date(Date.now() + 25 * HOUR);
    const eventId = await chain.app.publishedEvent({
      capacity: 1,
      startsAt: start.toISOString(),
      endsAt: new Date(start.getTime() + HOUR).toISOString(),
    });
    await register(eventId, person('lea'));
    await register(eventId, person('marc'));
    const remind = chain.notifications.remind;
    // The registration emails go out (from the table stream) before the clock moves on.
    await chain.mails();

    try {
      chain.setClock(HOUR - 3 * 60_000); // 24 h 03 before: not yet, though within a late schedule's margin
      await tick(chain.services, chain.services.clock(), { remind });
      expect(await kindsFor(eventId, 'lea@example.com')).toEqual(['confirmed']);

      chain.setClock(HOUR + 60_000); // 23 h 59 before the start
      await tick(chain.services, chain.services.clock(), { remind });
      await tick(chain.services, chain.services.clock(), { remind });
      expect(await kindsFor(eventId, 'lea@example.com')).toEqual(['confirmed', 'reminder-24h']);
      const reminder = await last('lea@example.com');
      expect(reminder.email.text).toMatch(JOIN_LINK);
      expect(reminder.email.text).not.toContain(JOIN_URL);
      expect(await kindsFor(eventId, 'marc@example.com')).toEqual(['waitlisted']);

      chain.setClock(24 * HOUR + 60_000); // 59 min before
      await tick(chain.services, chain.services.clock(), { remind });
      expect(await kindsFor(eventId, 'lea@example.com')).toEqual([
        'confirmed',
        'reminder-24h',
        'reminder-1h',
      ]);
      expect(await kindsFor(eventId, 'marc@example.com')).toEqual(['waitlisted']);
    } finally {
      chain.setClock(0);
    }
  });

  it('in person: the 24 h reminder only, without a join URL', async () => {
    const start = new Date(Date.now() + 25 * HOUR);
    const eventId = await chain.app.publishedEvent({
      format: 'in_person',
      joinUrl: null,
      venue: { name: 'Espace Bourse', address: '28 place de la Bourse', city: 'Paris' },
      startsAt: start.toISOString(),
      endsAt: new Date(start.getTime() + HOUR).toISOString(),
    });
    await register(eventId, person('nina'));
    const remind = chain.notifications.remind;
    // The registration emails go out (from the table stream) before the clock moves on.
    await chain.mails();
    try {
      chain.setClock(HOUR + 60_000);
      await tick(chain.services, chain.services.clock(), { remind });
      chain.setClock(24 * HOUR + 60_000);
      await tick(chain.services, chain.services.clock(), { remind });
      expect(await kindsFor(eventId, 'nina@example.com')).toEqual(['confirmed', 'reminder-24h']);
    } finally {
      chain.setClock(0);
    }
  });
});

describe('exactly once', () => {
  it('handing the whole stream to the handler again, twice, sends nothing more', async () => {
    const before = (await chain.mails()).map((mail) => mail.entry.id);
    expect(before.length).toBeGreaterThan(20);
    const records = await chain.streamRecords();
    expect(records.length).toBeGreaterThan(before.length);

    for (let round = 0; round < 2; round++) {
      const response = await chain.notifications.notify({ Records: records });
      expect(response.batchItemFailures).toEqual([]);
    }
    expect((await chain.mails()).map((mail) => mail.entry.id)).toEqual(before);
  });
});
