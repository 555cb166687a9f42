import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AttemptOutcome } from '../functions/webhooks/deliver.js';
import type { DeliveryJob } from '../functions/webhooks/model.js';
import { createLocalWebhookQueue } from '../local/webhook-queue.js';

/**
 * The local webhook queue on disk, with the attempt code replaced by a script of outcomes: what
 * a new queue over the same directory (a restarted `npm start`) finds after each step.
 */

const job = (n: number): DeliveryJob => ({
  organiserId: 'org',
  webhookId: 'wh_1',
  messageId: `msg_${String(n).padStart(27, '0')}`,
  type: 'registration.created',
  occurredAt: '2026-01-01T00:00:00.000Z',
  eventId: 'evt',
  registrationId: `reg_${n}`,
});

let dir = '';
let now = 0;
const clock = () => new Date(now);

beforeEach(async () => {
  process.env.LOG_LEVEL ??= 'silent';
  dir = await mkdtemp(join(tmpdir(), 'webhook-queue-'));
  now = Date.parse('2026-01-01T00:00:00Z');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A queue over `dir` whose attempts answer from `outcomes` (by call), recording each. */
const queueWith = (outcomes: (call: number) => AttemptOutcome | 'throw') => {
  const attempts: string[] = [];
  const queue = createLocalWebhookQueue({
    dir,
    clock,
    attempt: async (delivery, attempt) => {
      attempts.push(`${delivery.registrationId}#${attempt}`);
      const outcome = outcomes(attempts.length);
      if (outcome === 'throw') throw new Error('table unavailable');
      return outcome;
    },
  });
  return { queue, attempts };
};

const onDisk = async () => {
  const names = (await readdir(dir)).sort();
  return Promise.all(names.map(async (name) => JSON.parse(await readFile(join(dir, name), 'utf8'))));
};

describe('the local webhook queue on disk', () => {
  it('a job is on disk once enqueued, keeps its attempts and due time across a restart, and leaves when done', async () => {
    const first = queueWith(() => ({ retryInSeconds: 5 }));
    await first.queue.enqueue(job(1));
    // On disk as soon as enqueue resolves, whatever the attempt does next.
    expect((await onDisk()).map((item) => item.job.registrationId)).toEqual(['reg_1']);
    await first.queue.idle();
    expect(first.attempts).toEqual(['reg_1#1']);
    expect(await onDisk()).toEqual([{ job: job(1), attempts: 1, dueAt: now + 5_000 }]);

    // Restarted: the job is back, not before its time, then with the next attempt number.
    const second = queueWith(() => ({ done: true }));
    await second.queue.idle();
    expect(second.queue.waiting()).toBe(1);
    await second.queue.runDue();
    expect(second.attempts).toEqual([]);
    now += 5_000;
    await second.queue.runDue();
    expect(second.attempts).toEqual(['reg_1#2']);
    expect(await onDisk()).toEqual([]);
    expect(second.queue.waiting()).toBe(0);

    // Nothing comes back after a delivery.
    const third = queueWith(() => ({ done: true }));
    await third.queue.runDue();
    expect(third.attempts).toEqual([]);
  });

  it('a thrown attempt is made again with the same number; a job queued twice is kept once', async () => {
    const { queue, attempts } = queueWith((call) => (call === 1 ? 'throw' : { done: true }));
    await Promise.all([queue.enqueue(job(2)), queue.enqueue(job(2))]);
    await queue.idle();
    expect(await onDisk()).toEqual([{ job: job(2), attempts: 0, dueAt: now + 5_000 }]);
    // Read again from the stream while it waits: still one job.
    await queue.enqueue(job(2));
    expect(queue.waiting()).toBe(1);
    now += 5_000;
    await queue.runDue();
    await queue.runDue();
    expect(attempts).toEqual(['reg_2#1', 'reg_2#1']);
    expect(await onDisk()).toEqual([]);
  });

  it('refuses to name a file after anything but a webhook-id', async () => {
    const { queue } = queueWith(() => ({ done: true }));
    await expect(queue.enqueue({ ...job(3), messageId: '../escape' })).rejects.toThrow();
    expect(await readdir(dir)).toEqual([]);
  });
});
