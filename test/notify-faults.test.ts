import { TooManyRequestsException } from '@aws-sdk/client-sesv2';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { OutgoingMessage } from '../functions/mail/mailer.js';
import { MailLedger } from '../functions/notify/ledger.js';
import { STUCK_AFTER_MINUTES } from '../functions/notify/resend-stuck.js';
import { createNotifyHandler } from '../functions/stream/notify.js';
import { readDeadLetters } from '../local/dead-letters.js';
import { manageLink } from './support/app.js';
import { interceptSend, namedError } from './support/faults.js';
import { expectConsistent } from './support/invariants.js';
import { type NotifyChain, startNotifyChain } from './support/notify.js';

/**
 * Faults on the real chain: a mailer that fails like SES does (a mock only to inject the
 * fault; what it lets through goes to the real outbox), retries by the stream poller and the
 * fan-out queue, dead letters, and the replay once the mailer recovers.
 */

/** Per address: how many sends fail next, and how (SES answered with an error, or no answer came). */
const faults = new Map<string, { left: number; kind: 'refused' | 'no_answer' }>();
const calls = new Map<string, number>();

const MAX_ATTEMPTS = 3;
let chain: NotifyChain;

beforeAll(async () => {
  chain = await startNotifyChain({
    poller: { maxAttempts: MAX_ATTEMPTS, backoffMs: 20 },
    queue: { maxAttempts: MAX_ATTEMPTS, backoffMs: 20 },
    mailer: (outbox) => ({
      async send(message: OutgoingMessage) {
        calls.set(message.to, (calls.get(message.to) ?? 0) + 1);
        const fault = faults.get(message.to);
        if (fault && fault.left > 0) {
          fault.left--;
          if (fault.kind === 'refused') {
            throw new TooManyRequestsException({
              message: 'Maximum sending rate exceeded.',
              $metadata: { httpStatusCode: 429 },
            });
          }
          // Delivered, but the answer is lost on the way back.
          await outbox.send(message);
          throw Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
        }
        return outbox.send(message);
      },
    }),
  });
});
afterAll(() => chain?.stop());

const person = (tag: string) => ({ name: `Personne ${tag}`, email: `${tag}@example.com`, consent: true });

const register = async (eventId: string, tag: string) => {
  const response = await chain.app.call('POST', `/api/events/${eventId}/registrations`, {
    body: person(tag),
  });
  expect(response.status).toBe(201);
  return response.body as { registration: { id: string; status: string }; manageUrl: string };
};

const streamLetters = async (registrationId: string) =>
  (await readDeadLetters(chain.notifications.poller.deadLetterFile)).filter(
    (letter) => letter.source === 'stream' && letter.record.dynamodb?.NewImage?.id?.S === registrationId,
  );

/**
 * A registrant with their confirmation sent, and a claim for one more message (`kind`) left an
 * hour ago by a worker that died before sending it: what the stuck-claim sweep finds.
 */
const claimLeftBehind = async (tag: string, kind: string, dedupeKey: string) => {
  const eventId = await chain.app.publishedEvent();
  const { registration } = await register(eventId, tag);
  await chain.mails(`${tag}@example.com`);
  const emailKey = (await chain.app.services.registrations.getById(registration.id))?.emailKey ?? '';
  const intent = { kind, eventId, registrationId: registration.id, emailKey, dedupeKey };
  const claimed = await chain.notifications.ledger.claim(
    eventId,
    dedupeKey,
    new Date(Date.now() - 3_600_000),
    0,
    intent,
  );
  expect(claimed).toBeTruthy();
  return { eventId, ledger: chain.notifications.ledger };
};

describe('a mailer failing, then recovering', () => {
  it('fails twice: the stream retries, one message, no dead letter', async () => {
    faults.set('anna@example.com', { left: MAX_ATTEMPTS - 1, kind: 'refused' });
    const eventId = await chain.app.publishedEvent();
    const { registration } = await register(eventId, 'anna');

    expect(await chain.mails('anna@example.com')).toHaveLength(1);
    expect(calls.get('anna@example.com')).toBe(MAX_ATTEMPTS);
    expect(await streamLetters(registration.id)).toEqual([]);
  });

  it('keeps failing: dead letter, registration intact, then one message once replayed, never two', async () => {
    faults.set('boris@example.com', { left: MAX_ATTEMPTS, kind: 'refused' });
    const eventId = await chain.app.publishedEvent();
    const { registration, manageUrl } = await register(eventId, 'boris');

    await chain.notifications.settle();
    expect(await chain.mails('boris@example.com')).toEqual([]);
    expect(calls.get('boris@example.com')).toBe(MAX_ATTEMPTS);
    // The record, whole, in the dead-letter file, with what is needed to replay it.
    const [letter, ...more] = await streamLetters(registration.id);
    expect(more).toEqual([]);
    expect(letter).toMatchObject({ source: 'stream', attempts: MAX_ATTEMPTS });
    expect(letter?.source === 'stream' && letter.record.eventSourceARN).toMatch(/stream/);
    // The registration never moved; the failed claim was given back.
    const { id, token } = manageLink(manageUrl);
    const opened = await chain.app.call('GET', `/api/registrations/${id}?token=${token}`);
    expect(opened.body.status).toBe('confirmed');
    await expectConsistent(chain.app, eventId);
    expect(await chain.notifications.ledger.entries(eventId)).toEqual([]);

    // The mailer has recovered (its faults are used up): the replay sends exactly one.
    expect(await chain.notifications.replayDeadLetters()).toEqual({ replayed: 1, remaining: 0 });
    expect(await chain.mails('boris@example.com')).toHaveLength(1);
    expect(await chain.notifications.replayDeadLetters()).toEqual({ replayed: 0, remaining: 0 });
    if (letter?.source === 'stream') await chain.notifications.notify({ Records: [letter.record] });
    expect(await chain.mails('boris@example.com')).toHaveLength(1);
    expect(calls.get('boris@example.com')).toBe(MAX_ATTEMPTS + 1);
  });

  it('no answer from the mailer: the claim stays, and the sweep sends it again (the one duplicate the window allows)', async () => {
    faults.set('chloe@example.com', { left: 1, kind: 'no_answer' });
    const eventId = await chain.app.publishedEvent();
    const { registration } = await register(eventId, 'chloe');

    expect(await chain.mails('chloe@example.com')).toHaveLength(1);
    expect(calls.get('chloe@example.com')).toBe(1);
    expect(await streamLetters(registration.id)).toEqual([]);
    const { ledger } = chain.notifications;
    const stuck = await ledger.stuckClaims(new Date(Date.now() + 1000));
    expect(stuck.map((claim) => claim.dedupeKey)).toEqual([
      expect.stringMatching(`^${registration.id}#confirmed#`),
    ]);

    // Too early: a send may still be under way.
    expect(await chain.notifications.resendStuck()).toMatchObject({ stuck: 0, resent: 0 });
    chain.setClock((STUCK_AFTER_MINUTES + 1) * 60_000);
    try {
      expect(await chain.notifications.resendStuck()).toMatchObject({ stuck: 1, resent: 1 });
      expect(await chain.notifications.resendStuck()).toMatchObject({ stuck: 0, resent: 0 });
    } finally {
      chain.setClock(0);
    }
    const mails = await chain.mails('chloe@example.com');
    expect(mails).toHaveLength(2);
    // The same message: one Message-ID, one calendar entry (same UID and SEQUENCE).
    expect(new Set(mails.map((mail) => mail.email.messageId)).size).toBe(1);
    expect(new Set(mails.map((mail) => `${mail.calendar?.uid}#${mail.calendar?.sequence}`)).size).toBe(1);
    const entry = await ledger.get(eventId, stuck[0]?.dedupeKey ?? '');
    expect(entry).toMatchObject({ status: 'sent', resends: 1 });
  });
});

describe('a fan-out with one failing address', () => {
  it('the others get theirs at once; the failing one is retried alone, dead-lettered, then replayed once', async () => {
    const eventId = await chain.app.publishedEvent({ capacity: 10 });
    for (const tag of ['dora', 'emil', 'fred']) await register(eventId, tag);
    await chain.notifications.settle();
    // The page's first try, then MAX_ATTEMPTS tries of its own send job.
    faults.set('emil@example.com', { left: 1 + MAX_ATTEMPTS, kind: 'refused' });

    const patch = await chain.app.call('PATCH', `/api/admin/events/${eventId}`, {
      organiser: 'media-aces',
      body: { title: 'Nouveau titre' },
    });
    expect(patch.status).toBe(200);

    for (const tag of ['dora', 'fred']) expect(await chain.mails(`${tag}@example.com`)).toHaveLength(2);
    expect(await chain.mails('emil@example.com')).toHaveLength(1);
    const queued = (await readDeadLetters(chain.notifications.poller.deadLetterFile)).filter(
      (letter) => letter.source === 'queue',
    );
    expect(queued).toHaveLength(1);
    // A queue letter holds ids only: no address, no name.
    expect(queued[0]?.source === 'queue' && queued[0].body).not.toContain('@');

    await chain.notifications.replayDeadLetters();
    for (const tag of ['dora', 'emil', 'fred'])
      expect(await chain.mails(`${tag}@example.com`)).toHaveLength(2);
  });
});

describe('races and order', () => {
  it('the same records handled by three invocations at once: one message', async () => {
    const eventId = await chain.app.publishedEvent();
    const { registration } = await register(eventId, 'gina');
    const records = (await chain.streamRecords()).filter(
      (record) => record.dynamodb?.NewImage?.id?.S === registration.id,
    );
    expect(records).toHaveLength(1);

    await Promise.all([1, 2, 3].map(() => chain.notifications.notify({ Records: records })));
    expect(await chain.mails('gina@example.com')).toHaveLength(1);
  });

  /** A registration's INSERT as the stream hands it over. */
  const record = (sequence: string, id: string, status = 'confirmed', eventId = 'evt_x'): DynamoDBRecord => {
    const item = {
      pk: `EVENT#${eventId}`,
      sk: `REG#${id}`,
      id,
      eventId,
      emailKey: id,
      status,
      updatedAt: '2030-01-01T00:00:00.000Z',
      answers: {},
    };
    return {
      eventName: 'INSERT',
      dynamodb: {
        SequenceNumber: sequence,
        Keys: marshall({ pk: item.pk, sk: item.sk }) as never,
        NewImage: marshall(item) as never,
      },
    };
  };

  it('a failing record stops its batch there and is the one reported; later records wait', async () => {
    const send = vi.fn(async (intent: { registrationId: string }) => {
      if (intent.registrationId === 'reg_a') throw new Error('mailer down');
      return { status: 'sent' as const, mailId: 'm' };
    });
    const handler = createNotifyHandler({
      send,
      queue: { enqueue: async () => {} },
      scheduler: { replace: async () => {} },
      clock: () => new Date(),
    });

    const response = await handler({
      Records: [record('1', 'reg_ok'), record('2', 'reg_a'), record('3', 'reg_b')],
    });

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: '2' }] });
    expect(send.mock.calls.map(([intent]) => intent.registrationId)).toEqual(['reg_ok', 'reg_a']);
  });

  it("looks at each event's waitlist once a batch, after the first new waitlist place; a failed look is retried", async () => {
    const looked: string[] = [];
    let failing = false;
    const handler = createNotifyHandler({
      send: async () => ({ status: 'sent' as const, mailId: 'm' }),
      queue: { enqueue: async () => {} },
      scheduler: { replace: async () => {} },
      clock: () => new Date(),
      seatWaiters: async (eventId) => {
        if (failing) throw new Error('table busy');
        looked.push(eventId);
      },
    });
    const batch = [
      record('1', 'reg_seated', 'confirmed', 'evt_a'),
      record('2', 'reg_w1', 'waitlisted', 'evt_a'),
      record('3', 'reg_w2', 'waitlisted', 'evt_a'),
      record('4', 'reg_w3', 'waitlisted', 'evt_b'),
    ];
    expect(await handler({ Records: batch })).toEqual({ batchItemFailures: [] });
    expect(looked).toEqual(['evt_a', 'evt_b']);

    failing = true;
    expect(await handler({ Records: batch })).toEqual({ batchItemFailures: [{ itemIdentifier: '2' }] });
  });

  it('a claim whose answer was lost is recognised as its own: the message goes, once', async () => {
    // The claim's write reaches the table, its answer does not: the client sends it again and
    // finds the item there. Without the claim's own id, the retry would take it for someone
    // else's and the message would never go.
    let lost = false;
    const losing = interceptSend(chain.app.doc, async (command, send) => {
      const result = await send(command);
      if (!lost && command instanceof PutCommand && String(command.input.Item?.sk).startsWith('MAIL#')) {
        lost = true;
        throw namedError('TimeoutError', 'Socket timed out without a response');
      }
      return result;
    });
    const ledger = new MailLedger(losing, chain.app.tableName);
    const send = vi.fn(async () => ({ id: 'ses-lost-answer' }));

    const outcome = await ledger.once(
      'evt_lost',
      'reg_1#confirmed#t',
      { now: new Date(), expiresAt: 0 },
      send,
    );

    expect(lost).toBe(true);
    expect(outcome).toEqual({ status: 'sent', mailId: 'ses-lost-answer' });
    expect(send).toHaveBeenCalledTimes(1);
    expect(
      await ledger.once('evt_lost', 'reg_1#confirmed#t', { now: new Date(), expiresAt: 0 }, send),
    ).toEqual({
      status: 'skipped',
    });
    expect(send).toHaveBeenCalledTimes(1);
  });

  it('a claim left by a worker that died before sending: a redelivery skips it, the sweep sends it once', async () => {
    // As if the worker had been killed right after its claim: the claim is there, no mail went.
    const { eventId, ledger } = await claimLeftBehind('dora', 'confirmed', 'dora#died');

    const send = vi.fn(async () => ({ id: 'never' }));
    expect(await ledger.once(eventId, 'dora#died', { now: new Date(), expiresAt: 0 }, send)).toEqual({
      status: 'skipped',
    });
    expect(send).not.toHaveBeenCalled();

    const before = calls.get('dora@example.com') ?? 0;
    expect(await chain.notifications.resendStuck()).toMatchObject({ stuck: 1, resent: 1, failed: 0 });
    expect(calls.get('dora@example.com')).toBe(before + 1);
    expect(await ledger.get(eventId, 'dora#died')).toMatchObject({ status: 'sent', resends: 1 });
    expect(await chain.notifications.resendStuck()).toMatchObject({ stuck: 0 });
  });

  it('a stuck claim whose message no longer fits is dropped, not sent', async () => {
    const { eventId, ledger } = await claimLeftBehind('emma', 'waitlisted', 'emma#w');
    const before = calls.get('emma@example.com') ?? 0;

    // She is confirmed, not waitlisted: that message is stale.
    expect(await chain.notifications.resendStuck()).toMatchObject({ stuck: 1, resent: 0, dropped: 1 });
    expect(calls.get('emma@example.com')).toBe(before);
    expect(await ledger.get(eventId, 'emma#w')).toMatchObject({ status: 'dropped' });
    expect(await chain.notifications.resendStuck()).toMatchObject({ stuck: 0 });
  });

  it('a resend the mailer refuses keeps its claim for the next sweep, never gives it back', async () => {
    const { eventId, ledger } = await claimLeftBehind('fred', 'confirmed', 'fred#r');

    faults.set('fred@example.com', { left: 1, kind: 'refused' });
    expect(await chain.notifications.resendStuck()).toMatchObject({ stuck: 1, resent: 0, failed: 1 });
    expect(await ledger.get(eventId, 'fred#r')).toMatchObject({ status: 'sending', resends: 1 });
    // Taken over just now: the next sweep waits a few minutes, then sends.
    expect(await chain.notifications.resendStuck()).toMatchObject({ stuck: 0 });
    chain.setClock((STUCK_AFTER_MINUTES + 1) * 60_000);
    try {
      expect(await chain.notifications.resendStuck()).toMatchObject({ stuck: 1, resent: 1 });
    } finally {
      chain.setClock(0);
    }
    expect(await ledger.get(eventId, 'fred#r')).toMatchObject({ status: 'sent', resends: 2 });
  });
});
