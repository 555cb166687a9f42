import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { FanoutQueue, QueueMessage } from '../functions/notify/fanout-queue.js';
import { log } from '../functions/platform/log.js';
import { appendDeadLetter, deadLetterReason, sqsEvent } from './dead-letters.js';

/**
 * The fan-out queue of the local runtime: in memory, drained one message at a time by the
 * same fanout handler as in AWS (given an SQS event), with SQS's behaviour on failure:
 * redelivered after a growing delay, then written to the dead-letter file after `maxAttempts`.
 * Messages still queued when the process stops are lost (the stream records that caused them
 * were already acknowledged); `stop` therefore drains first, briefly.
 */

export interface LocalFanoutQueue extends FanoutQueue {
  /** Starts delivering to `handler` (the queue exists first: the handler enqueues into it). */
  consume(handler: (event: SQSEvent) => Promise<SQSBatchResponse>): void;
  /** Resolves once nothing is queued or in flight. */
  idle(): Promise<void>;
  /** Whether anything is queued or in flight right now. */
  busy(): boolean;
  /** Lets the queue drain for up to `drainMs`, then stops delivering. */
  stop(drainMs?: number): Promise<void>;
}

export interface LocalFanoutQueueOptions {
  deadLetterFile: string;
  maxAttempts?: number;
  backoffMs?: number;
  onDeadLetter?: (reason: string) => void;
}

interface Pending {
  body: string;
  attempts: number;
  notBefore: number;
}

export const createLocalFanoutQueue = (options: LocalFanoutQueueOptions): LocalFanoutQueue => {
  const maxAttempts = options.maxAttempts ?? 4;
  const backoffMs = options.backoffMs ?? 500;
  const queue: Pending[] = [];
  let handler: ((event: SQSEvent) => Promise<SQSBatchResponse>) | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  let idleWaiters: (() => void)[] = [];
  let wake: (() => void) | undefined;

  const settleIdle = () => {
    if (queue.length > 0 || running) return;
    for (const done of idleWaiters) done();
    idleWaiters = [];
  };

  const sleep = (ms: number) =>
    new Promise<void>((done) => {
      const timer = setTimeout(done, ms);
      wake = () => {
        clearTimeout(timer);
        done();
      };
    });

  const deliver = async (item: Pending): Promise<boolean> => {
    if (!handler) return false;
    try {
      const result = await handler(sqsEvent(item.body, item.attempts));
      return result.batchItemFailures.length === 0;
    } catch (error) {
      log.error('local fan-out handler threw', { error: deadLetterReason(error) });
      return false;
    }
  };

  const drain = async () => {
    while (!stopped && queue.length > 0) {
      const next = queue.reduce((a, b) => (b.notBefore < a.notBefore ? b : a));
      const wait = next.notBefore - Date.now();
      if (wait > 0) {
        await sleep(wait);
        continue;
      }
      queue.splice(queue.indexOf(next), 1);
      next.attempts++;
      if (await deliver(next)) continue;
      if (next.attempts >= maxAttempts) {
        const reason = 'the fanout handler kept failing this message';
        await appendDeadLetter(options.deadLetterFile, {
          source: 'queue',
          at: new Date().toISOString(),
          attempts: next.attempts,
          reason,
          body: next.body,
        });
        options.onDeadLetter?.(reason);
      } else {
        next.notBefore = Date.now() + backoffMs * 2 ** (next.attempts - 1);
        queue.push(next);
      }
    }
  };

  const kick = () => {
    if (running || stopped || !handler) return;
    running = drain()
      .catch((error: unknown) => log.error('local fan-out queue failed', { error: deadLetterReason(error) }))
      .finally(() => {
        running = undefined;
        if (queue.length > 0 && !stopped) kick();
        else settleIdle();
      });
  };

  return {
    async enqueue(message: QueueMessage) {
      if (stopped) throw new Error('The local fan-out queue is stopped');
      queue.push({ body: JSON.stringify(message), attempts: 0, notBefore: Date.now() });
      wake?.();
      kick();
    },
    consume(next) {
      handler = next;
      kick();
    },
    busy: () => queue.length > 0 || running !== undefined,
    idle() {
      return new Promise<void>((done) => {
        idleWaiters.push(done);
        settleIdle();
      });
    },
    async stop(drainMs = 5_000) {
      await Promise.race([this.idle(), new Promise((done) => setTimeout(done, drainMs).unref())]);
      stopped = true;
      wake?.();
      await running;
      settleIdle();
    },
  };
};
