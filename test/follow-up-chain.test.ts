import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FOLLOW_UP } from '../functions/notify/decide.js';
import { registrationKey } from '../functions/platform/keys.js';
import { processQueueMessage } from '../functions/queue/fanout.js';
import { rsvpOrder } from '../functions/registrations/model.js';
import { tick } from '../local/tick.js';
import { manageLink } from './support/app.js';
import { parseCsv } from './support/csv.js';
import { type NotifyChain, ORGANISER, startNotifyChain } from './support/notify.js';

/**
 * Follow-ups after the event on DynamoDB Local, through the whole chain (schedule or tick ->
 * fan-out -> mail ledger -> outbox, parsed with postal-mime): the attended and the absent
 * message, nothing to the cancelled or waiting, exactly once under two runs at once and after a
 * run that died mid-way; and the show-up figures in the stats and the CSV.
 */

let chain: NotifyChain;

beforeAll(async () => {
  // Pages of 2 registrants, so the follow-ups cross several pages.
  chain = await startNotifyChain({ fanoutPageSize: 2 });
});
afterAll(() => chain?.stop());

const HOUR = 3_600_000;
/** Past the end (2 h from now) and its hour's margin. */
const AFTER_FOLLOW_UP = 3 * HOUR + 60_000;
const admin = { organiser: ORGANISER.id };

const FOLLOW_UP_TEXTS = {
  attended: { subject: 'Merci pour votre venue', body: 'Les slides <arrivent>.\n\nÀ bientôt !' },
  absent: { subject: 'Vous nous avez manqué', body: 'Le replay est en ligne.' },
  replayUrl: 'https://replay.example/v/42',
};

const register = async (eventId: string, tag: string, locale: 'fr' | 'en' = 'fr') => {
  const response = await chain.app.call('POST', `/api/events/${eventId}/registrations`, {
    body: { name: `Personne ${tag}`, email: `${tag}@example.com`, consent: true, locale },
  });
  expect(response.status).toBe(201);
  return response.body as { registration: { id: string; status: string }; manageUrl: string };
};

/** An hybrid event starting in an hour, over in two, with both follow-up texts. */
const endingSoon = (fields: Record<string, unknown> = {}) => {
  const now = Date.now();
  return chain.app.publishedEvent({
    format: 'hybrid',
    venue: { name: 'Salle', address: '', city: 'Paris' },
    capacity: 4,
    startsAt: new Date(now + HOUR).toISOString(),
    endsAt: new Date(now + 2 * HOUR).toISOString(),
    reminders: ['PT30M'],
    followUp: FOLLOW_UP_TEXTS,
    ...fields,
  });
};

const registrationOf = async (eventId: string, tag: string) => {
  const found = (await chain.app.services.registrations.all(eventId)).find(
    (r) => r.email === `${tag}@example.com`,
  );
  if (!found) throw new Error(`No registration for ${tag}`);
  return found;
};

/** Joined online: written as the join link records it (functions/api/join, another change). */
const markJoined = async (eventId: string, tag: string) => {
  const registration = await registrationOf(eventId, tag);
  await chain.app.doc.send(
    new UpdateCommand({
      TableName: chain.app.tableName,
      Key: registrationKey(eventId, registration.emailKey),
      UpdateExpression: 'SET joinedAt = :at',
      ExpressionAttributeValues: { ':at': new Date(Date.now() + 90 * 60_000).toISOString() },
    }),
  );
};

/** The follow-ups `tag` got (their subjects, oldest first), each from a ledger entry. */
const followUpsOf = async (eventId: string, tag: string) => {
  const mails = await chain.mails(`${tag}@example.com`);
  const entries = await chain.notifications.ledger.entries(eventId);
  return mails.filter((mail) =>
    entries.some((entry) => entry.mailId === mail.entry.id && entry.dedupeKey.endsWith('#follow_up')),
  );
};

const runTwiceAtOnce = async (eventId: string) => {
  const remind = chain.notifications.remind;
  await Promise.all([
    remind({ eventId, window: FOLLOW_UP }),
    tick(chain.services, chain.services.clock(), { remind }),
  ]);
};

describe('follow-ups after the event (local tick and schedule)', () => {
  it('attended and absent each get their message once, in their language; nobody else', async () => {
    const eventId = await endingSoon();
    const seats = [];
    for (const tag of ['anna', 'cleo', 'carl', 'dora']) seats.push(await register(eventId, tag));
    const bert = await register(eventId, 'bert', 'en');
    expect(bert.registration.status).toBe('waitlisted');
    // Carl cancels: Bert takes his seat. Then Finn arrives and waits.
    const carl = manageLink(seats[2]?.manageUrl ?? '');
    const cancelled = await chain.app.call(
      'POST',
      `/api/registrations/${carl.id}/cancel?token=${carl.token}`,
    );
    expect(cancelled.status).toBe(200);
    await register(eventId, 'finn');
    await chain.app.services.registrations.checkIn(await registrationOf(eventId, 'anna'), new Date());
    await markJoined(eventId, 'cleo');
    await chain.mails();

    try {
      // Before the end plus its margin: nothing yet, whoever runs.
      chain.setClock(2 * HOUR + 30 * 60_000);
      await runTwiceAtOnce(eventId);
      expect(await followUpsOf(eventId, 'anna')).toEqual([]);

      chain.setClock(AFTER_FOLLOW_UP);
      await runTwiceAtOnce(eventId);
      await runTwiceAtOnce(eventId);

      const [anna] = await followUpsOf(eventId, 'anna');
      expect(anna?.email.subject).toBe('Merci pour votre venue');
      expect(anna?.email.text).toContain('Les slides <arrivent>.\n\nÀ bientôt !');
      expect(anna?.email.html).toContain('Les slides &#60;arrivent&#62;.</p>');
      expect(anna?.email.text).toContain('Voir le replay :\nhttps://replay.example/v/42');
      expect(anna?.calendar).toBeUndefined();

      const cleo = await followUpsOf(eventId, 'cleo');
      expect(cleo.map((mail) => mail.email.subject)).toEqual(['Merci pour votre venue']);

      for (const tag of ['dora', 'bert']) {
        const mails = await followUpsOf(eventId, tag);
        expect(mails.map((mail) => mail.email.subject)).toEqual(['Vous nous avez manqué']);
      }
      // Bert registered in English: the framing is English, the organiser's words as written.
      const [bertMail] = await followUpsOf(eventId, 'bert');
      expect(bertMail?.email.text).toMatch(/^Hello\b/);
      expect(bertMail?.email.text).toContain('Watch the replay:\nhttps://replay.example/v/42');
      expect(bertMail?.email.html).toContain('<html lang="en">');

      // Nothing to the one who cancelled, nor to the one still waiting.
      expect(await followUpsOf(eventId, 'carl')).toEqual([]);
      expect(await followUpsOf(eventId, 'finn')).toEqual([]);
      const entries = await chain.notifications.ledger.entries(eventId);
      expect(entries.filter((entry) => entry.dedupeKey.endsWith('#follow_up'))).toHaveLength(4);
    } finally {
      chain.setClock(0);
    }
  });

  it('none for a cancelled event, none without a text, only the written one otherwise', async () => {
    const cancelled = await endingSoon();
    const silent = await endingSoon({ followUp: null });
    const attendedOnly = await endingSoon({ followUp: { attended: FOLLOW_UP_TEXTS.attended } });
    for (const eventId of [cancelled, silent, attendedOnly]) await register(eventId, `gus-${eventId}`);
    await register(attendedOnly, `hal-${attendedOnly}`);
    await chain.app.services.registrations.checkIn(
      await registrationOf(attendedOnly, `hal-${attendedOnly}`),
      new Date(),
    );
    expect((await chain.app.call('POST', `/api/admin/events/${cancelled}/cancel`, admin)).status).toBe(200);
    await chain.mails();
    try {
      chain.setClock(AFTER_FOLLOW_UP);
      for (const eventId of [cancelled, silent, attendedOnly]) await runTwiceAtOnce(eventId);
      expect(await followUpsOf(cancelled, `gus-${cancelled}`)).toEqual([]);
      expect(await followUpsOf(silent, `gus-${silent}`)).toEqual([]);
      expect(await followUpsOf(attendedOnly, `gus-${attendedOnly}`)).toEqual([]);
      expect((await followUpsOf(attendedOnly, `hal-${attendedOnly}`)).map((m) => m.email.subject)).toEqual([
        'Merci pour votre venue',
      ]);
    } finally {
      chain.setClock(0);
    }
  });

  it('a run that dies mid-way is resumed by the next: each registrant gets one follow-up', async () => {
    const eventId = await endingSoon();
    for (const tag of ['ivy', 'jon', 'kay', 'lea']) await register(eventId, tag);
    await chain.mails();
    try {
      chain.setClock(AFTER_FOLLOW_UP);
      // The first run sends one message, then its worker is killed: the page fails.
      let sent = 0;
      const send = chain.notifications.send;
      await expect(
        processQueueMessage(
          { type: 'page', job: { kind: 'follow_up', eventId, sequence: 0 } },
          {
            registrations: chain.services.registrations,
            events: chain.services.events,
            send: async (intent) => {
              if (sent === 1) throw new Error('killed');
              sent++;
              return send(intent);
            },
            queue: {
              enqueue: async () => {
                throw new Error('killed');
              },
            },
            clock: chain.services.clock,
            pageSize: 10,
          },
        ),
      ).rejects.toThrow('killed');
      const midway = await chain.notifications.ledger.entries(eventId);
      expect(midway.filter((entry) => entry.dedupeKey.endsWith('#follow_up'))).toHaveLength(1);

      // The schedule's retry, and the tick, run it again.
      await runTwiceAtOnce(eventId);
      for (const tag of ['ivy', 'jon', 'kay', 'lea']) {
        expect((await followUpsOf(eventId, tag)).map((m) => m.email.subject)).toEqual([
          'Vous nous avez manqué',
        ]);
      }
    } finally {
      chain.setClock(0);
    }
  });
});

describe('show-up figures on DynamoDB Local', () => {
  it('the stats count checked in, joined, declined in calendar; the CSV has the attendance columns', async () => {
    const eventId = await endingSoon({ capacity: 10, timeZone: 'Europe/Paris' });
    const seats = [];
    for (const tag of ['mia', 'ned', 'oli', 'pat']) seats.push(await register(eventId, tag));
    const mia = await registrationOf(eventId, 'mia');
    const checkedInAt = new Date(Date.now() + 65 * 60_000);
    await chain.app.services.registrations.checkIn(mia, checkedInAt);
    await markJoined(eventId, 'ned');
    const oli = manageLink(seats[2]?.manageUrl ?? '');
    const reconfirmed = await chain.app.call(
      'POST',
      `/api/registrations/${oli.id}/reconfirm?token=${oli.token}`,
    );
    expect(reconfirmed.status).toBe(200);
    // Pat clicks "Decline" in their calendar: the seat is given up.
    const pat = await registrationOf(eventId, 'pat');
    const at = new Date().toISOString();
    await chain.app.services.registrations.answerInvitation(
      pat,
      { rsvp: 'declined', at, order: rsvpOrder(0, at) },
      new Date(),
    );

    const stats = async () => (await chain.app.call('GET', `/api/admin/events/${eventId}/stats`, admin)).body;
    expect((await stats()).attendance).toMatchObject({
      confirmed: 3,
      checkedIn: 1,
      joined: 1,
      declined: 1,
      noShow: null,
      showUpRate: null,
    });
    try {
      chain.setClock(AFTER_FOLLOW_UP);
      expect((await stats()).attendance).toMatchObject({ noShow: 1, showUpRate: 0.667 });
    } finally {
      chain.setClock(0);
    }

    const read = async (lang: 'fr' | 'en') => {
      const response = await chain.app.call(
        'GET',
        `/api/admin/events/${eventId}/registrations.csv?lang=${lang}`,
        admin,
      );
      expect(response.status).toBe(200);
      const [header = [], ...rows] = parseCsv(String(response.body).slice(1), lang === 'fr' ? ';' : ',');
      return (tag: string) =>
        Object.fromEntries(
          header.map((title, i) => [title, rows.find((row) => row.includes(`${tag}@example.com`))?.[i]]),
        );
    };
    const paris = (date: Date) =>
      new Intl.DateTimeFormat('sv-SE', {
        timeZone: 'Europe/Paris',
        dateStyle: 'short',
        timeStyle: 'medium',
      }).format(date);
    const fr = await read('fr');
    expect(fr('mia')['Arrivée (Europe/Paris)']).toBe(paris(checkedInAt));
    expect(fr('ned')['Connexion en ligne (Europe/Paris)']).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(fr('oli')['Venue confirmée (Europe/Paris)']).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(fr('pat')['Réponse agenda']).toBe('Refusée');
    expect(fr('mia')['Réponse agenda']).toBe('');
    const en = await read('en');
    expect(en('pat')['Calendar answer']).toBe('Declined');
    expect(en('mia')['Checked in (Europe/Paris)']).toBe(paris(checkedInAt));
    expect(en('ned')['Joined online (Europe/Paris)']).toBe(fr('ned')['Connexion en ligne (Europe/Paris)']);
    expect(en('oli')['Reconfirmed (Europe/Paris)']).toBe(fr('oli')['Venue confirmée (Europe/Paris)']);
  });
});
