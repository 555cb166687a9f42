import { log } from '../functions/platform/log.js';
import type { AttemptOutcome } from '../functions/webhooks/deliver.js';
import type { DeliveryJob } from '../functions/webhooks/model.js';
import type { DeliveryQueue } from '../functions/webhooks/queue.js';

/**
 * The webhook delivery queue of the local runtime: in memory, each job attempted when due by
 * the same attempt code as the SQS worker, a failed one set aside until its next attempt is
 * due on the given clock (which tests move). `npm start` looks for due jobs every second;
 * jobs still waiting when the process stops are lost, as the fan-out queue's are (their log
 * lines stay `pending`).
 */

export interface LocalWebhookQueue extends DeliveryQueue {
  /** Attempts every job due now; resolves when they are done. */
  runDue(): Promise<void>;
  /** Resolves once the attempts under way are done. */
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

export const createLocalWebhookQueue = (options: {
  attempt: (job: DeliveryJob, attempt: number) => Promise<AttemptOutcome>;
  clock: () => Date;
}): LocalWebhookQueue => {
  const waiting: Waiting[] = [];
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;

  const attemptDue = async () => {
    const now = options.clock().getTime();
    const due = waiting.filter((item) => item.dueAt <= now);
    for (const item of due) {
      waiting.splice(waiting.indexOf(item), 1);
      item.attempts++;
      try {
        const outcome = await options.attempt(item.job, item.attempts);
        if ('retryInSeconds' in outcome) {
          waiting.push({ ...item, dueAt: options.clock().getTime() + outcome.retryInSeconds * 1000 });
        }
      } catch (error) {
        // Like an SQS redelivery: the same attempt number again later, after the first delay.
        log.error('local webhook delivery failed', { webhookId: item.job.webhookId, error: String(error) });
        waiting.push({ ...item, attempts: item.attempts - 1, dueAt: options.clock().getTime() + 5_000 });
      }
    }
  };

  const runDue = () => {
    running = running.then(attemptDue);
    return running;
  };

  return {
    async enqueue(job) {
      waiting.push({ job, attempts: 0, dueAt: options.clock().getTime() });
      void runDue();
    },
    runDue,
    idle: () => running,
    waiting: () => waiting.length,
    start(intervalMs = 1_000) {
      timer ??= setInterval(() => void runDue(), intervalMs);
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
    },
  };
};
