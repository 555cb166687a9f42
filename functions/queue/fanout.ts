// In AWS: loads the manage token key (it seals or unseals tokens) before the handler can run.
import '../wiring/token-key.js';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { EventRepository } from '../events/ports.js';
import { releasable } from '../events/reminders.js';
import {
  fanoutMessage,
  fanoutRecipients,
  followUpDue,
  followUpKind,
  type MessageIntent,
  releaseDue,
} from '../notify/decide.js';
import { type FanoutQueue, parseQueueMessage, type QueueMessage } from '../notify/fanout-queue.js';
import { scrubbed } from '../notify/scrub.js';
import { type SendDeps, type SendResult, sendOne } from '../notify/send.js';
import { log } from '../platform/log.js';
import type { Registrations } from '../registrations/registrations.js';
import { queueFromEnv, sendDepsFromEnv } from '../wiring/notify.js';
import { services } from '../wiring/services.js';

/**
 * The fan-out worker (SQS): one page of an event's registrants per message, then the next
 * page as a new message, so no invocation loops over thousands of sends past its timeout.
 * A registrant whose send fails is queued on their own (`send` job) and the page goes on;
 * queue retries and the DLQ take it from there. The ledger makes redelivered pages harmless.
 */

/** Registrants per page: well within one invocation even when every one of them gets a message. */
export const PAGE_SIZE = 50;

export interface FanoutDeps {
  registrations: Pick<Registrations, 'list' | 'releaseNotReconfirmed'>;
  /** The event as it is now, for the reconfirmation deadline's pages. */
  events: Pick<EventRepository, 'get'>;
  send: (intent: MessageIntent) => Promise<SendResult>;
  queue: FanoutQueue;
  clock: () => Date;
  pageSize?: number;
}

export const fanoutDeps = (
  sendDeps: SendDeps,
  registrations: FanoutDeps['registrations'],
  queue: FanoutQueue,
): FanoutDeps => ({
  registrations,
  events: sendDeps.events,
  send: (intent) => sendOne(intent, sendDeps),
  queue,
  clock: sendDeps.clock,
});

export const processQueueMessage = async (message: QueueMessage, deps: FanoutDeps): Promise<void> => {
  if (message.type === 'send') {
    await deps.send(message.message); // a failure fails this SQS message: retried, then the DLQ
    return;
  }
  const { job } = message;
  const page = await deps.registrations.list(job.eventId, {
    limit: deps.pageSize ?? PAGE_SIZE,
    ...(job.cursor ? { cursor: job.cursor } : {}),
  });
  if (job.kind === 'release') {
    // The deadline releases seats: each its own conditional transaction (a redelivered page, or
    // two runs at once, find them released and do nothing), the first in line seated in it.
    const found = await deps.events.get(job.eventId);
    if (!found || !releaseDue(found.event, deps.clock())) return;
    for (const registration of page.items) {
      if (releasable(registration, found.event)) {
        await deps.registrations.releaseNotReconfirmed(registration, found.event, deps.clock());
      }
    }
    if (page.next) await deps.queue.enqueue({ type: 'page', job: { ...job, cursor: page.next } });
    return;
  }
  // A follow-up's message depends on each registrant's attendance (followUpKind), read now.
  const followUp = job.kind === 'follow_up' ? await deps.events.get(job.eventId) : undefined;
  if (job.kind === 'follow_up' && (!followUp || !followUpDue(followUp.event, deps.clock()))) return;
  for (const registration of page.items) {
    const kind = job.kind === 'follow_up' ? followUp && followUpKind(registration, followUp.event) : job.kind;
    if (!kind || !fanoutRecipients[kind].includes(registration.status)) continue;
    const intent = fanoutMessage({ ...job, kind }, registration);
    try {
      await deps.send(intent);
    } catch (error) {
      log.warn('fan-out send failed; retrying it on its own', {
        eventId: job.eventId,
        kind: job.kind,
        dedupeKey: intent.dedupeKey,
        error: scrubbed(error),
      });
      await deps.queue.enqueue({ type: 'send', message: intent });
    }
  }
  if (page.next) await deps.queue.enqueue({ type: 'page', job: { ...job, cursor: page.next } });
};

export const createFanoutHandler =
  (deps: FanoutDeps | (() => FanoutDeps)) =>
  async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const resolved = typeof deps === 'function' ? deps() : deps;
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    // Messages are independent (a standard queue has no order): one failing does not stop the others.
    for (const record of event.Records) {
      try {
        await processQueueMessage(parseQueueMessage(record.body), resolved);
      } catch (error) {
        log.error('fan-out message failed', { messageId: record.messageId, error: scrubbed(error) });
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  };

/** Lambda entry point (SQS event source with ReportBatchItemFailures). */
export const handler = createFanoutHandler(() =>
  fanoutDeps(sendDepsFromEnv(), services().registrations, queueFromEnv()),
);
