import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { log } from '../functions/platform/log.js';
import type { AttemptOutcome } from '../functions/webhooks/deliver.js';
import type { DeliveryJob } from '../functions/webhooks/model.js';
import type { DeliveryQueue } from '../functions/webhooks/queue.js';
import { writeWhole } from './write-whole.js';

/**
 * The webhook delivery queue of the local runtime, kept on disk as SQS keeps it in AWS: one
 * file per delivery in `dir` (`<webhook-id>.json`: the job, its attempts so far, when the next
 * is due), written before `enqueue` resolves, rewritten after each failed attempt, removed
 * once delivered or failed for good; a restart reloads them. Each job is attempted when due by
 * the same attempt code as the SQS worker, on the given clock (which tests move). `npm start`
 * looks for due jobs every second. A kill during an attempt leaves the file as it was before
 * it: the attempt is made again, with the same `webhook-id` (receivers dedupe on it).
 */

export interface LocalWebhookQueue extends DeliveryQueue {
  /** Attempts every job due now; resolves when they are done. */
  runDue(): Promise<void>;
  /** Resolves once the jobs on disk are loaded and the attempts under way are done. */
  idle(): Promise<void>;
  /** Jobs waiting for a later attempt. */
  waiting(): number;
  /** Looks for due jobs every `intervalMs` until stopped. */
  start(intervalMs?: number): void;
  stop(): void;
}

interface Waiting {
  job: DeliveryJob;
  attempts: number;
  dueAt: number;
}

/** The webhook-id names the file: ours (messageIdOf, the test event), so nothing else reaches the file system. */
const MESSAGE_ID = /^msg_[A-Za-z0-9_-]{1,64}$/;

export const createLocalWebhookQueue = (options: {
  attempt: (job: DeliveryJob, attempt: number) => Promise<AttemptOutcome>;
  clock: () => Date;
  /** Where the jobs are kept (DATA_DIR/webhook-queue for `npm start`). */
  dir: string;
}): LocalWebhookQueue => {
  // By webhook-id: a stream record read again after a crash queues its delivery once.
  const waiting = new Map<string, Waiting>();
  const saving = new Map<string, Promise<void>>();
  let timer: NodeJS.Timeout | undefined;

  const fileOf = (messageId: string) => {
    if (!MESSAGE_ID.test(messageId)) throw new Error('Not a webhook-id');
    return join(options.dir, `${messageId}.json`);
  };

  const save = (item: Waiting) => writeWhole(fileOf(item.job.messageId), JSON.stringify(item));

  const load = async () => {
    await mkdir(options.dir, { recursive: true });
    for (const name of await readdir(options.dir)) {
      // A `.tmp` left by a crash before its rename: the job it was replacing is still there.
      if (!name.endsWith('.json')) continue;
      try {
        const item = JSON.parse(await readFile(join(options.dir, name), 'utf8')) as Waiting;
        waiting.set(item.job.messageId, item);
      } catch (error) {
        log.error('local webhook job unreadable, left in place', { file: name, error: String(error) });
      }
    }
  };

  const attemptDue = async () => {
    const now = options.clock().getTime();
    const due = [...waiting.values()].filter((item) => item.dueAt <= now);
    for (const item of due) {
      const attempts = item.attempts + 1;
      let next: Waiting | undefined;
      try {
        const outcome = await options.attempt(item.job, attempts);
        if ('retryInSeconds' in outcome) {
          next = { ...item, attempts, dueAt: options.clock().getTime() + outcome.retryInSeconds * 1000 };
        }
      } catch (error) {
        // Like an SQS redelivery: the same attempt number again later, after the first delay.
        log.error('local webhook delivery failed', { webhookId: item.job.webhookId, error: String(error) });
        next = { ...item, dueAt: options.clock().getTime() + 5_000 };
      }
      try {
        if (next) await save(next);
        else await rm(fileOf(item.job.messageId), { force: true });
      } catch (error) {
        // The file keeps the state before this attempt: made again after a restart.
        log.error('local webhook queue write failed', { error: String(error) });
      }
      if (next) waiting.set(item.job.messageId, next);
      else waiting.delete(item.job.messageId);
    }
  };

  const loaded = load();
  let running: Promise<void> = loaded;

  const runDue = () => {
    running = running.then(attemptDue);
    return running;
  };

  return {
    async enqueue(job) {
      await loaded; // first, so a job reloaded from disk is not queued twice
      const id = job.messageId;
      const underway = saving.get(id);
      if (waiting.has(id) || underway) return underway;
      const item = { job, attempts: 0, dueAt: options.clock().getTime() };
      // On disk before it counts as queued (and before the stream moves past its record).
      const saved = save(item).finally(() => saving.delete(id));
      saving.set(id, saved);
      await saved;
      waiting.set(id, item);
      void runDue();
    },
    runDue,
    idle: () => running,
    waiting: () => waiting.size,
    start(intervalMs = 1_000) {
      timer ??= setInterval(() => void runDue(), intervalMs);
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
    },
  };
};
