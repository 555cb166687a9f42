import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECONFIRM_BY } from '../functions/notify/decide.js';
import { processQueueMessage } from '../functions/queue/fanout.js';
import type { RegistrationRecord } from '../functions/registrations/model.js';
import { tick } from '../local/tick.js';
import { manageLink } from './support/app.js';
import { expectConsistent } from './support/invariants.js';
import { type NotifyChain, ORGANISER, startNotifyChain } from './support/notify.js';

/**
 * "Still coming?" on DynamoDB Local, through the whole chain (API -> table -> stream -> mail
 * ledger -> outbox): the reconfirm endpoint, the ask, and the deadline that releases the seats
 * nobody answered for, to the waitlist in FIFO order, exactly once.
 */

let chain: NotifyChain;

beforeAll(async () => {
  // Pages of 2 registrants, so the ask and the release cross several pages.
  chain = await startNotifyChain({ fanoutPageSize: 2 });
});
afterAll(() => chain?.stop());

const HOUR = 3_600_000;
const organiser = { organiser: ORGANISER.id };

const person = (tag: string) => ({ name: `Personne ${tag}`, email: `${tag}@example.com`, consent: true });

const register = async (eventId: string, tag: string) => {
  const response = await chain.app.call('POST', `/api/events/${eventId}/registrations`, {
    body: person(tag),
  });
  expect(response.status).toBe(201);
  return response.body as { registration: { id: string; status: string }; manageUrl: string };
};

const post = (manageUrl: string, action: string) => {
  const { id, token } = manageLink(manageUrl);
  return chain.app.call('POST', `/api/registrations/${id}/${action}?token=${token}`);
};

/** The kind of each message to `tag` (oldest first), from the ledger entry that sent it. */
const kindsFor = async (eventId: string, tag: string): Promise<string[]> => {
  const mails = await chain.mails(`${tag}@example.com`);
  const entries = await chain.notifications.ledger.entries(eventId);
  return mails.map((mail) => {
    const entry = entries.find((candidate) => candidate.mailId === mail.entry.id);
    return entry ? (entry.dedupeKey.split('#')[1] ?? '?') : 'not-in-ledger';
  });
};

/** An event three days ahead, people asked from an hour from now, the deadline 48 h later. */
const eventWithDeadline = (capacity: number) => {
  const now = Date.now();
  return chain.app.publishedEvent({
    capacity,
    startsAt: new Date(now + 72 * HOUR).toISOString(),
    endsAt: new Date(now + 74 * HOUR).toISOString(),
    reconfirmBy: new Date(now + 49 * HOUR).toISOString(),
    // Reminders an hour before only: none falls between the ask and the deadline here.
    reminders: ['PT1H'],
  });
};

describe('POST /api/registrations/{id}/reconfirm', () => {
  it('sets reconfirmedAt once: again, and twice at once, answer the same view', async () => {
    const eventId = await chain.app.publishedEvent({ capacity: 1 });
    const seat = await register(eventId, 'rita');
    const first = await post(seat.manageUrl, 'reconfirm');
    expect(first.status).toBe(200);
    expect(first.body.status).toBe('confirmed');
    const at = first.body.attendance.reconfirmedAt;
    expect(typeof at).toBe('string');
    const again = await Promise.all([post(seat.manageUrl, 'reconfirm'), post(seat.manageUrl, 'reconfirm')]);
    expect(again.map((r) => [r.status, r.body.attendance.reconfirmedAt])).toEqual([
      [200, at],
      [200, at],
    ]);

    const concurrentEvent = await chain.app.publishedEvent({ capacity: 1 });
    const other = await register(concurrentEvent, 'remi');
    const both = await Promise.all([post(other.manageUrl, 'reconfirm'), post(other.manageUrl, 'reconfirm')]);
    expect(both.map((r) => r.status)).toEqual([200, 200]);
    expect(both[0]?.body.attendance.reconfirmedAt).toBe(both[1]?.body.attendance.reconfirmedAt);
  });

  it('only a confirmed seat: 409 not_confirmed for the waitlist and a cancelled registration', async () => {
    const eventId = await chain.app.publishedEvent({ capacity: 1 });
    const seat = await register(eventId, 'sara');
    const waiting = await register(eventId, 'sami');
    expect(waiting.registration.status).toBe('waitlisted');
    const refused = await post(waiting.manageUrl, 'reconfirm');
    expect([refused.status, refused.body.error?.code ?? refused.body.code]).toEqual([409, 'not_confirmed']);
    expect((await post(seat.manageUrl, 'cancel')).status).toBe(200);
    const gone = await post(seat.manageUrl, 'reconfirm');
    expect(gone.status).toBe(409);
  });
});

describe('the reconfirmation deadline (local tick)', () => {
  it('asks once, then releases only the unanswered seats, exactly once under two runs, FIFO', async () => {
    const eventId = await eventWithDeadline(4);
    const anna = await register(eventId, 'anna');
    await register(eventId, 'bert');
    const cleo = await register(eventId, 'cleo');
    await chain.mails();
    const remind = chain.notifications.remind;
    try {
      chain.setClock(HOUR + 60_000); // the ask is due
      await tick(chain.services, chain.services.clock(), { remind });
      await tick(chain.services, chain.services.clock(), { remind });
      for (const tag of ['anna', 'bert', 'cleo']) {
        expect(await kindsFor(eventId, tag)).toEqual(['confirmed', 'reconfirm_ask']);
      }
      const ask = (await chain.mails('bert@example.com')).at(-1);
      expect(ask?.email.subject).toMatch(/^Vous venez toujours/);
      expect(ask?.email.text).toMatch(/ask=coming/);
      expect(ask?.email.text).toMatch(/ask=cancel/);

      // After the ask: a late registrant (their seat is their answer), then two waiting.
      const emil = await register(eventId, 'emil');
      expect(emil.registration.status).toBe('confirmed');
      const wren = await register(eventId, 'wren');
      const wade = await register(eventId, 'wade');
      expect([wren.registration.status, wade.registration.status]).toEqual(['waitlisted', 'waitlisted']);
      // Anna answers; Cleo is already checked in.
      expect((await post(anna.manageUrl, 'reconfirm')).status).toBe(200);
      const cleoId = manageLink(cleo.manageUrl).id;
      const checkIn = await chain.app.call(
        'POST',
        `/api/admin/events/${eventId}/registrations/${cleoId}/check-in`,
        organiser,
      );
      expect(checkIn.status).toBe(200);
      await chain.mails();

      chain.setClock(49 * HOUR + 60_000); // past the deadline
      // Two runs at once (a retried schedule and the tick), then one more after.
      await Promise.all([
        remind({ eventId, window: RECONFIRM_BY }),
        tick(chain.services, chain.services.clock(), { remind }),
      ]);
      await chain.mails();
      await remind({ eventId, window: RECONFIRM_BY });

      const after = await expectConsistent(chain.app, eventId);
      const statusOf = (tag: string) => after.all.find((r) => r.email === `${tag}@example.com`);
      expect(statusOf('bert')).toMatchObject({ status: 'cancelled', cancelledBy: 'not_reconfirmed' });
      expect(statusOf('anna')?.status).toBe('confirmed');
      expect(statusOf('cleo')?.status).toBe('confirmed');
      expect(statusOf('emil')?.status).toBe('confirmed');
      expect(statusOf('wren')?.status).toBe('confirmed'); // first in line
      expect(statusOf('wade')?.status).toBe('waitlisted');

      expect(await kindsFor(eventId, 'bert')).toEqual(['confirmed', 'reconfirm_ask', 'not_reconfirmed']);
      expect(await kindsFor(eventId, 'wren')).toEqual(['waitlisted', 'promoted']);
      expect(await kindsFor(eventId, 'wade')).toEqual(['waitlisted']);
      expect(await kindsFor(eventId, 'anna')).toEqual(['confirmed', 'reconfirm_ask']);
      expect(await kindsFor(eventId, 'emil')).toEqual(['confirmed']);
      const released = (await chain.mails('bert@example.com')).at(-1);
      expect(released?.email.subject).toMatch(/^Place libérée faute de réponse/);
      expect(released?.calendar?.method).toBe('CANCEL');

      const stats = await chain.app.call('GET', `/api/admin/events/${eventId}/stats`, organiser);
      expect(stats.body.attendance).toEqual({
        confirmed: 4,
        reconfirmed: 3, // anna said so; emil and wren were seated after the ask
        released: 1,
        declined: 0,
        checkedIn: 1,
        joined: 0,
        noShow: null,
        showUpRate: null,
      });
    } finally {
      chain.setClock(0);
    }
  });

  it('a run that dies mid-way is resumed by the next: each seat released once, the line seated in order', async () => {
    const eventId = await eventWithDeadline(3);
    for (const tag of ['kai', 'kim', 'kit']) await register(eventId, tag);
    for (const tag of ['wax', 'way', 'wes']) await register(eventId, tag);
    await chain.mails();
    try {
      chain.setClock(49 * HOUR + 60_000);
      // The first run crashes after its first release (a killed worker): the page fails.
      let released = 0;
      const crashing = {
        list: chain.services.registrations.list.bind(chain.services.registrations),
        releaseNotReconfirmed: async (registration: RegistrationRecord, ...rest: [never, Date]) => {
          if (released === 1) throw new Error('killed');
          released++;
          return chain.services.registrations.releaseNotReconfirmed(registration, ...rest);
        },
      };
      const job = { kind: 'release' as const, eventId, sequence: 0 };
      await expect(
        processQueueMessage(
          { type: 'page', job },
          {
            registrations: crashing,
            events: chain.services.events,
            send: async () => ({ status: 'skipped', reason: 'stale' }),
            queue: { enqueue: async () => {} },
            clock: chain.services.clock,
            pageSize: 10,
          },
        ),
      ).rejects.toThrow('killed');
      expect(released).toBe(1);
      const midway = await expectConsistent(chain.app, eventId);
      expect(midway.count('cancelled')).toBe(1);

      // The schedule's retry, and the tick, run it again.
      await chain.notifications.remind({ eventId, window: RECONFIRM_BY });
      await tick(chain.services, chain.services.clock(), { remind: chain.notifications.remind });

      const after = await expectConsistent(chain.app, eventId);
      const of = (tag: string) => after.all.find((r) => r.email === `${tag}@example.com`);
      for (const tag of ['kai', 'kim', 'kit']) {
        expect(of(tag)).toMatchObject({ status: 'cancelled', cancelledBy: 'not_reconfirmed' });
        expect(await kindsFor(eventId, tag)).toEqual(['confirmed', 'not_reconfirmed']);
      }
      for (const tag of ['wax', 'way', 'wes']) {
        expect(of(tag)?.status).toBe('confirmed');
        expect(await kindsFor(eventId, tag)).toEqual(['waitlisted', 'promoted']);
      }
      // Seated in the order they queued.
      const seatedAt = ['wax', 'way', 'wes'].map((tag) => of(tag)?.confirmedAt ?? '');
      expect([...seatedAt].sort()).toEqual(seatedAt);
    } finally {
      chain.setClock(0);
    }
  });
});
