import PostalMime, { type Email } from 'postal-mime';
import { describe, expect, it } from 'vitest';
import { type EventRecord, eventChanges } from '../functions/events/model.js';
import { composeMessage, composeNotification } from '../functions/mail/compose.js';
import {
  inviteMethodFor,
  type MessageContext,
  type MessageKind,
  messageKinds,
  renderMessage,
} from '../functions/mail/messages.js';
import type { RegistrationRecord } from '../functions/registrations/model.js';
import { eventRecord } from './support/records.js';

/**
 * Every message kind, rendered, composed into real MIME and read back by a real MIME
 * parser (postal-mime), as a mail client would see it.
 */

// Far from Paris: nothing below may depend on the machine's own zone.
process.env.TZ = 'Pacific/Honolulu';

const MAIL_FROM = 'inscriptions@mail.example.org';
const JOIN_URL = 'https://meet.example/room-7f3a9';
/** The registrant's personal join link (GET /j/{code}): what the emails give instead of JOIN_URL. */
const JOIN_LINK = 'https://inscriptions.example.org/j/0A1B2C3D4E5F60718293A4B5C6D7E8F901234567';
const MANAGE_URL = 'https://inscriptions.example.org/manage#registration=reg-1&token=tok-1';

const organiser = { id: 'media-aces', name: 'Media Aces', replyTo: 'contact@media-aces.example' };
/** The registration's address for calendar answers (functions/inbound/reply-address.ts). */
const REPLY_ADDRESS = 'rsvp+0a1b2c.0123456789abcdef@replies.example';

const baseEvent = (fields: Partial<EventRecord> = {}): EventRecord =>
  eventRecord({
    id: 'evt-1',
    organiserId: organiser.id,
    organiserName: organiser.name,
    title: 'Un patron doit-il tweeter ?',
    summary: 'Petit-déjeuner débat',
    format: 'hybrid',
    venue: { name: 'Maison des associations', address: '2 rue Aubé', city: 'Paris' },
    joinUrl: JOIN_URL,
    // 08:30–10:30 in Paris (UTC+1 in March).
    startsAt: '2026-03-10T07:30:00.000Z',
    endsAt: '2026-03-10T09:30:00.000Z',
    capacity: 50,
    sequence: 2,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-02T00:00:00.000Z',
    ...fields,
  });

type Registrant = MessageContext['registration'] & Pick<RegistrationRecord, 'email'>;

const registrant = (fields: Partial<Registrant> = {}): Registrant => ({
  name: 'Camille Martin',
  email: 'camille@example.com',
  locale: 'fr',
  status: 'confirmed',
  // Confirmed from an emailed link: the name may appear (see the unproven case below).
  mailboxProvenAt: '2026-01-02T00:00:00Z',
  ...fields,
});

/** The status a registrant has when each message is sent. */
const STATUS: Record<MessageKind, RegistrationRecord['status']> = {
  confirmed: 'confirmed',
  waitlisted: 'waitlisted',
  promoted: 'confirmed',
  promoted_pending: 'pending_confirmation',
  pending_confirmation: 'pending_confirmation',
  manage_link: 'confirmed',
  cancelled_by_attendee: 'cancelled',
  cancelled_by_organiser: 'cancelled',
  hold_expired: 'cancelled',
  not_reconfirmed: 'cancelled',
  // Sent from the registration as it was when erased: a confirmed seat.
  erased: 'confirmed',
  event_changed: 'confirmed',
  event_cancelled: 'confirmed',
  reminder: 'confirmed',
  reconfirm_ask: 'confirmed',
  follow_up_attended: 'confirmed',
  follow_up_absent: 'confirmed',
};

/** Written here, not read from the code under test, so a wrong subject fails. */
const SUBJECT: Record<MessageKind, { fr: string; en: string }> = {
  confirmed: { fr: 'Inscription confirmée', en: 'Registration confirmed' },
  waitlisted: { fr: "Liste d'attente", en: 'Waiting list' },
  promoted: { fr: "Une place s'est libérée pour vous", en: 'A seat is now yours' },
  promoted_pending: {
    fr: "Une place s'est libérée : confirmez-la",
    en: 'A seat has freed up: please confirm it',
  },
  pending_confirmation: { fr: 'Confirmez votre inscription', en: 'Please confirm your registration' },
  manage_link: { fr: "Votre lien d'inscription", en: 'Your registration link' },
  cancelled_by_attendee: { fr: 'Inscription annulée', en: 'Registration cancelled' },
  cancelled_by_organiser: {
    fr: "Inscription annulée par l'organisateur",
    en: 'Registration cancelled by the organiser',
  },
  hold_expired: { fr: 'Place libérée faute de confirmation', en: 'Seat released: not confirmed in time' },
  not_reconfirmed: { fr: 'Place libérée faute de réponse', en: 'Seat released: no answer in time' },
  erased: { fr: 'Inscription effacée', en: 'Registration erased' },
  event_changed: { fr: 'Événement modifié', en: 'Event updated' },
  event_cancelled: { fr: 'Événement annulé', en: 'Event cancelled' },
  reminder: { fr: 'Rappel', en: 'Reminder' },
  reconfirm_ask: { fr: 'Vous venez toujours ?', en: 'Are you still coming?' },
  // Without the organiser's own subject (see the follow-up tests below).
  follow_up_attended: { fr: 'Merci de votre venue', en: 'Thank you for coming' },
  follow_up_absent: { fr: 'Vous nous avez manqué', en: 'We missed you' },
};

const INVITE: Partial<Record<MessageKind, 'REQUEST' | 'CANCEL'>> = {
  confirmed: 'REQUEST',
  promoted: 'REQUEST',
  event_changed: 'REQUEST',
  cancelled_by_attendee: 'CANCEL',
  cancelled_by_organiser: 'CANCEL',
  hold_expired: 'CANCEL',
  not_reconfirmed: 'CANCEL',
  erased: 'CANCEL',
  event_cancelled: 'CANCEL',
};

const WITH_JOIN_URL = new Set<MessageKind>(['confirmed', 'promoted', 'event_changed', 'reminder']);

/** A small valid iCalendar file, as the calendar module would give it. */
const ics = (method: 'REQUEST' | 'CANCEL', event: EventRecord = baseEvent()) =>
  [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Inscriptions//Test//EN',
    `METHOD:${method}`,
    'BEGIN:VEVENT',
    `UID:${event.id}@inscriptions.calendar`,
    `SEQUENCE:${event.sequence}`,
    'DTSTAMP:20260102T000000Z',
    'DTSTART:20260310T073000Z',
    'DTEND:20260310T093000Z',
    `SUMMARY:${event.title}`,
    `ORGANIZER;CN="${organiser.name}":mailto:${REPLY_ADDRESS}`,
    'ATTENDEE;CN="Camille Martin";RSVP=TRUE:mailto:camille@example.com',
    ...(method === 'CANCEL' ? ['STATUS:CANCELLED'] : []),
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n');

const contextFor = (
  kind: MessageKind,
  fields: { event?: Partial<EventRecord>; registration?: Partial<Registrant> } = {},
) => {
  const event = baseEvent({
    ...(kind === 'event_cancelled' ? { status: 'cancelled' as const, sequence: 3 } : {}),
    ...fields.event,
  });
  return {
    registration: registrant({
      status: STATUS[kind],
      ...(STATUS[kind] === 'pending_confirmation' ? { holdExpiresAt: '2026-03-01T09:00:00.000Z' } : {}),
      ...fields.registration,
    }),
    event,
    organiser,
    manageUrl: MANAGE_URL,
    joinLink: JOIN_LINK,
    waitlistPosition: kind === 'waitlisted' ? 3 : undefined,
    changes: kind === 'event_changed' ? (['time', 'joinUrl'] as const) : undefined,
  };
};

const send = async (kind: MessageKind, fields: Parameters<typeof contextFor>[1] = {}) => {
  const context = contextFor(kind, fields);
  const method = inviteMethodFor(kind, context.registration);
  const composed = await composeNotification({
    kind,
    context,
    mailFrom: MAIL_FROM,
    ...(method ? { ics: ics(method, context.event) } : {}),
    key: `${kind}:reg-1`,
  });
  const email = await PostalMime.parse(composed.raw);
  return { composed, email, raw: composed.raw.toString('utf8') };
};

const calendarParts = (email: Email) => ({
  alternative: email.attachments.filter((part) => part.mimeType === 'text/calendar'),
  files: email.attachments.filter((part) => part.filename?.endsWith('.ics')),
});

const textOf = (content: ArrayBuffer | Uint8Array | string): string =>
  typeof content === 'string' ? content : new TextDecoder().decode(content);

describe.each(messageKinds.map((kind) => [kind]))('%s', (kind) => {
  it.each(['fr', 'en'] as const)('reads in %s, with the event in its own zone', async (language) => {
    const { email } = await send(kind, { registration: { locale: language } });
    expect(email.subject).toBe(
      `${SUBJECT[kind][language]}${language === 'fr' ? ' :' : ':'} ${baseEvent().title}`,
    );
    expect(email.text).toContain(language === 'fr' ? 'Bonjour Camille Martin,' : 'Hello Camille Martin,');
    expect(email.html).toContain(`<html lang="${language}">`);
    for (const body of [email.text ?? '', email.html ?? '']) {
      // 07:30Z is 08:30 in Paris, 21:30 the day before in Honolulu.
      expect(body).toContain('08:30');
      expect(body).toContain('10:30');
      expect(body).not.toContain('21:30');
      expect(body).toContain(language === 'fr' ? 'mardi 10 mars 2026' : 'Tuesday, 10 March 2026');
      // Every message links to the registration, but the one saying it is gone.
      if (kind !== 'erased')
        expect(body).toContain(MANAGE_URL.replace(/&/g, body === email.html ? '&#38;' : '&'));
      else expect(body).not.toContain('manage#');
      expect(body).toContain('Maison des associations');
      expect(body).toContain(language === 'fr' ? 'et en ligne' : 'and online');
    }
  });

  it("falls back to the event's language when the registration has none", async () => {
    const { email } = await send(kind, { registration: { locale: undefined }, event: { language: 'en' } });
    expect(email.subject?.startsWith(SUBJECT[kind].en)).toBe(true);
  });

  it('carries no typed name to a mailbox not yet proven: greeting, To header', async () => {
    const lure = 'Call +33 1 23 45 67 89 now';
    const { email } = await send(kind, { registration: { name: lure, mailboxProvenAt: undefined } });
    expect(email.text).toMatch(/^Bonjour,$/m);
    expect(email.to).toEqual([{ name: '', address: 'camille@example.com' }]);
    for (const body of [email.text ?? '', email.html ?? '']) expect(body).not.toContain('+33');
  });

  it('has one recipient, the organiser as sender name and reply address, a stable Message-ID', async () => {
    const { email, composed } = await send(kind);
    expect(email.to).toEqual([{ name: 'Camille Martin', address: 'camille@example.com' }]);
    expect(email.cc ?? []).toEqual([]);
    expect(email.bcc ?? []).toEqual([]);
    expect(email.from).toEqual({ name: organiser.name, address: MAIL_FROM });
    expect(email.replyTo).toEqual([{ name: organiser.name, address: organiser.replyTo }]);
    expect(email.messageId).toBe(composed.messageId);
    expect(composed.messageId).toMatch(/^<[0-9a-f]{40}@mail\.example\.org>$/);
    // The same state change composed again: the same Message-ID.
    expect((await send(kind)).composed.messageId).toBe(composed.messageId);
  });

  it(`carries ${INVITE[kind] ? `a METHOD:${INVITE[kind]} invitation` : 'no invitation'}`, async () => {
    const { email, raw } = await send(kind);
    const { alternative, files } = calendarParts(email);
    const method = INVITE[kind];
    if (!method) {
      expect(alternative).toEqual([]);
      expect(files).toEqual([]);
      expect(raw).not.toContain('text/calendar');
      return;
    }
    expect(raw).toMatch(/Content-Type: multipart\/alternative;/);
    expect(raw).toContain(`Content-Type: text/calendar; charset=utf-8; method=${method}`);
    expect(alternative).toHaveLength(1);
    expect(alternative[0]?.method).toBe(method);
    expect(textOf(alternative[0]?.content ?? '')).toContain(`METHOD:${method}`);
    expect(files).toHaveLength(1);
    expect(files[0]?.disposition).toBe('attachment');
    expect(textOf(files[0]?.content ?? '')).toContain(`METHOD:${method}`);
    expect(textOf(files[0]?.content ?? '')).toContain('UID:evt-1@inscriptions.calendar');
    // Calendar answers go to the registration's reply address; a reply to the email, to the organiser.
    expect(textOf(files[0]?.content ?? '')).toContain(`mailto:${REPLY_ADDRESS}`);
    expect(email.replyTo?.[0]?.address).toBe(organiser.replyTo);
  });

  const joinAllowed = WITH_JOIN_URL.has(kind) && STATUS[kind] === 'confirmed';
  it(`${joinAllowed ? 'gives' : 'never gives'} the personal join link to a ${STATUS[kind]} registrant of an online event, never the join URL`, async () => {
    for (const format of ['online', 'hybrid'] as const) {
      const { email, raw } = await send(kind, { event: { format } });
      for (const body of [email.text ?? '', email.html ?? '', email.subject ?? '']) {
        if (joinAllowed && body !== email.subject) expect(body).toContain(JOIN_LINK);
        else expect(body).not.toContain(JOIN_LINK);
      }
      expect(raw).not.toContain('room-7f3a9');
    }
  });

  it('never gives the join URL of an in-person event, nor to someone without a confirmed seat', async () => {
    const inPerson = await send(kind, { event: { format: 'in_person' } });
    expect(`${inPerson.email.text}${inPerson.email.html}`).not.toMatch(/room-7f3a9|\/j\//);
    const waiting = await send(kind, { registration: { status: 'waitlisted' } });
    expect(`${waiting.email.text}${waiting.email.html}`).not.toMatch(/room-7f3a9|\/j\//);
  });

  it('escapes every value in the HTML', async () => {
    const { email } = await send(kind, {
      registration: { name: '<script>alert("name")</script>' },
      event: {
        title: 'Tom & Jerry <img src=x onerror=alert(1)>',
        joinUrl: 'https://meet.example/a?b=1&c="2"',
      },
    });
    const html = email.html ?? '';
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).toContain('&#60;script&#62;alert(&#34;name&#34;)&#60;/script&#62;');
    expect(html).toContain('Tom &#38; Jerry &#60;img src=x onerror=alert(1)&#62;');
    if (joinAllowed) expect(html).toContain(`href="${JOIN_LINK}"`);
    expect(html).not.toContain('meet.example/a?b');
    // The plain text keeps what people typed.
    expect(email.text).toContain('<script>alert("name")</script>');
  });

  it('lets no name or title create a header', async () => {
    const { email, raw } = await send(kind, {
      registration: { name: 'Mallory\r\nBcc: victim@evil.example' },
      event: { title: 'Atelier\r\nX-Injected: yes\nCc: other@evil.example' },
    });
    const keys = email.headers.map((header) => header.key);
    expect(keys).not.toContain('bcc');
    expect(keys).not.toContain('cc');
    expect(keys).not.toContain('x-injected');
    expect(email.to).toHaveLength(1);
    const head = raw.slice(0, raw.indexOf('\r\n\r\n'));
    const names = head
      .split('\r\n')
      .filter((line) => !/^[ \t]/.test(line))
      .map((line) => line.slice(0, line.indexOf(':')).toLowerCase());
    expect(names.sort()).toEqual(
      [
        'auto-submitted',
        'content-type',
        'date',
        'from',
        'message-id',
        'mime-version',
        'reply-to',
        'subject',
        'to',
      ].sort(),
    );
  });
});

describe('message content', () => {
  it('gives the waiting-list position and no invitation', async () => {
    const fr = await send('waitlisted');
    expect(fr.email.text).toContain('en position n°\u00a03');
    const en = await send('waitlisted', { registration: { locale: 'en' } });
    expect(en.email.text).toContain('in position 3');
  });

  it('asks for confirmation by a deadline read in the event zone, with the manage link', async () => {
    for (const kind of ['pending_confirmation', 'promoted_pending'] as const) {
      const { email } = await send(kind);
      // 09:00Z on 1 March is 10:00 in Paris.
      // ICU versions differ on the joiner ("," or "à"), not on the wall-clock time.
      expect(email.text).toMatch(/avant le dimanche 1 mars 2026(,| à) 10:00/);
      expect(email.text).toContain(`Confirmer ma place :\n${MANAGE_URL}`);
    }
  });

  it('says what changed', async () => {
    const fr = await send('event_changed');
    expect(fr.email.text).toContain("Ce qui change : la date ou l'heure et le lien de connexion.");
    const en = await send('event_changed', { registration: { locale: 'en' } });
    expect(en.email.text).toContain('What changed: the date or time and the joining link.');
    // Someone not given the link is not told it changed.
    const inPerson = await send('event_changed', { event: { format: 'in_person' } });
    expect(inPerson.email.text).toContain("Ce qui change : la date ou l'heure.");
  });

  it('derives the changes from two versions of the event', () => {
    const before = baseEvent();
    expect(eventChanges(before, baseEvent({ startsAt: '2026-03-10T08:30:00.000Z' }))).toEqual(['time']);
    expect(eventChanges(before, baseEvent({ venue: null, format: 'online' }))).toEqual(['place']);
    expect(eventChanges(before, baseEvent({ title: 'Autre', joinUrl: null }))).toEqual(['title', 'joinUrl']);
    expect(eventChanges(before, baseEvent({ description: 'longer' }))).toEqual([]);
  });

  it('quotes a title that has quotes of its own with the other kind, in French and English', () => {
    const title = 'Groupe de réflexion «\u00a0Expérience client\u00a0» et “collaborateur”';
    const french = renderMessage('waitlisted', contextFor('waitlisted', { event: { title } }));
    expect(french.text).toContain(
      "L'événement «\u00a0Groupe de réflexion “Expérience client” et “collaborateur”\u00a0» est complet",
    );
    const english = renderMessage(
      'waitlisted',
      contextFor('waitlisted', {
        event: { title: 'The “Social CRM” morning' },
        registration: { locale: 'en' },
      }),
    );
    expect(english.text).toContain('“The ‘Social CRM’ morning”');
  });

  it('renders the same message for the same context (pure)', () => {
    const context = contextFor('confirmed');
    expect(renderMessage('confirmed', context)).toEqual(renderMessage('confirmed', context));
  });
});

describe('composeMessage', () => {
  const base = {
    from: { name: organiser.name, address: MAIL_FROM },
    replyTo: { name: organiser.name, address: organiser.replyTo },
    to: { name: 'Camille', address: 'camille@example.com' },
    subject: 'Sujet',
    text: 'Bonjour',
    html: '<p>Bonjour</p>',
  };

  it('refuses an invitation whose METHOD is not the one asked for', async () => {
    await expect(
      composeMessage({
        ...base,
        invite: { method: 'CANCEL', ics: ics('REQUEST'), filename: 'invitation.ics' },
      }),
    ).rejects.toThrow(/METHOD:REQUEST/);
  });

  it('refuses more than one recipient, or an address with a name inside', async () => {
    for (const address of [
      'a@example.com, b@example.com',
      'a@example.com;b@example.com',
      'Eve <eve@example.com>',
    ]) {
      await expect(composeMessage({ ...base, to: { address } })).rejects.toThrow(/recipient/);
    }
  });

  it('strips control characters from the sender name: no Bcc, no extra header line', async () => {
    const { raw } = await composeMessage({
      ...base,
      from: { name: 'Eve\r\nBcc: x@evil.example', address: MAIL_FROM },
      replyTo: { name: 'Eve\r\nBcc: x@evil.example', address: organiser.replyTo },
    });
    const email = await PostalMime.parse(raw);
    expect(email.headers.map((header) => header.key)).not.toContain('bcc');
    expect(email.bcc ?? []).toEqual([]);
    expect(email.from?.name).toBe('Eve Bcc: x@evil.example');
    const head = raw.toString('utf8').split('\r\n\r\n')[0] ?? '';
    expect(head.split('\r\n').filter((line) => /^bcc:/i.test(line))).toEqual([]);
  });

  it('uses a random Message-ID on the sender domain without a key', async () => {
    const a = await composeMessage(base);
    const b = await composeMessage(base);
    expect(a.messageId).toMatch(/@mail\.example\.org>$/);
    expect(a.messageId).not.toBe(b.messageId);
  });

  it('needs the invitation for a kind that carries one', async () => {
    await expect(
      composeNotification({ kind: 'confirmed', context: contextFor('confirmed'), mailFrom: MAIL_FROM }),
    ).rejects.toThrow(/invitation/);
  });
});

describe('follow-ups', () => {
  const followUp = {
    attended: { subject: 'Merci & à bientôt', body: 'Merci <b>Camille</b> !\n\nLes slides suivent.' },
    absent: { subject: 'Sorry we missed you', body: 'The replay is online.' },
    replayUrl: 'https://replay.example/v/42?x=1&y=2',
  };

  it("carries the organiser's subject and text as plain text, escaped, with the replay link", async () => {
    const { email } = await send('follow_up_attended', { event: { followUp } });
    expect(email.subject).toBe('Merci & à bientôt');
    expect(email.text).toContain('Merci <b>Camille</b> !\n\nLes slides suivent.');
    expect(email.html).toContain('Merci &#60;b&#62;Camille&#60;/b&#62; !</p>');
    expect(email.html).not.toContain('<b>Camille');
    expect(email.html).toContain('href="https://replay.example/v/42?x=1&#38;y=2"');
    expect(email.text).toContain('Voir le replay :\nhttps://replay.example/v/42?x=1&y=2');
    expect(email.text).toContain('Vous recevez ce message car vous étiez inscrit(e) à «\u00a0Un patron');
  });

  it("reads in the registrant's language, the absent text for the absent, no replay link without one", async () => {
    const { email } = await send('follow_up_absent', {
      registration: { locale: 'en' },
      event: { followUp: { ...followUp, replayUrl: undefined } },
    });
    expect(email.subject).toBe('Sorry we missed you');
    expect(email.text).toContain('The replay is online.');
    expect(email.text).toContain('You are receiving this message because you registered for');
    expect(email.text).not.toContain('Merci');
    expect(email.text).not.toContain('Watch the replay');
  });
});
