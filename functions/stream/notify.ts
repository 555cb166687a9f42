// In AWS: loads the manage token key (it seals or unseals tokens) before the handler can run.
import '../wiring/token-key.js';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { decide, type Intent, type StreamChange, type StreamEventName } from '../notify/decide.js';
import type { FanoutQueue } from '../notify/fanout-queue.js';
import type { ReminderScheduler } from '../notify/reminder-scheduler.js';
import { scrubbed } from '../notify/scrub.js';
import { type SendDeps, type SendResult, sendOne } from '../notify/send.js';
import { log } from '../platform/log.js';
import {
  queueFromEnv,
  schedulerFromEnv,
  sendDepsFromEnv,
  webhookPublisherFromEnv,
} from '../wiring/notify.js';
import { services } from '../wiring/services.js';

/**
 * The table stream's consumer: each changed item -> the messages and reminder changes it
 * calls for. Registration messages are sent here; event fan-outs go to the queue (thousands
 * of sends do not belong in one invocation); reminders are (re)scheduled.
 *
 * Records of a shard are handled in order and the first failure stops the batch: it is
 * reported (`batchItemFailures`) so the stream retries from that record, and the ledger makes
 * the already-sent part of the retry a no-op. After the event source's retries the record goes
 * to its on-failure destination. Mail only ever reads registrations: a failure here never
 * changes or rolls back a registration. The one write: after a waitlist place is taken, the
 * waitlist moves into any free seat (each move its own conditioned transaction, safe to repeat).
 */

export interface NotifyDeps {
  send: (intent: Parameters<typeof sendOne>[0]) => Promise<SendResult>;
  queue: FanoutQueue;
  scheduler: ReminderScheduler;
  clock: () => Date;
  /** Queues the webhook deliveries a change calls for (functions/webhooks/publish.ts). */
  webhooks?: (change: StreamChange) => Promise<void>;
  /** Moves the head of the event's waitlist into free seats, if any (registrations' fillFreeSeats). */
  seatWaiters?: (eventId: string) => Promise<unknown>;
}

export const notifyDeps = (
  sendDeps: SendDeps,
  ports: Pick<NotifyDeps, 'queue' | 'scheduler' | 'webhooks' | 'seatWaiters'>,
): NotifyDeps => ({ ...ports, send: (intent) => sendOne(intent, sendDeps), clock: sendDeps.clock });

type Image = Record<string, AttributeValue>;

/** The stream record as plain objects (the Lambda types and the SDK's AttributeValue differ only nominally). */
export const streamChange = (record: DynamoDBRecord): StreamChange => {
  const data = record.dynamodb ?? {};
  const keys = unmarshall((data.Keys ?? {}) as Image);
  return {
    eventName: (record.eventName ?? 'MODIFY') as StreamEventName,
    keys: { pk: String(keys.pk ?? ''), sk: String(keys.sk ?? '') },
    ...(data.OldImage ? { oldImage: unmarshall(data.OldImage as Image) } : {}),
    ...(data.NewImage ? { newImage: unmarshall(data.NewImage as Image) } : {}),
  };
};

/**
 * `seated`: the events whose waitlist was already looked at in this batch. Every record of a
 * batch was written before the batch came, so one look after the first covers them all.
 */
const apply = async (intent: Intent, deps: NotifyDeps, seated: Set<string>): Promise<void> => {
  switch (intent.type) {
    case 'message':
      await deps.send(intent.message);
      return;
    case 'fanout':
      await deps.queue.enqueue({ type: 'page', job: intent.job });
      return;
    case 'reminders':
      await deps.scheduler.replace(intent.eventId, intent.slots, deps.clock(), intent.stale);
      return;
    case 'seatWaiters':
      if (seated.has(intent.eventId)) return;
      await deps.seatWaiters?.(intent.eventId);
      seated.add(intent.eventId);
      return;
  }
};

export const createNotifyHandler =
  (deps: NotifyDeps | (() => NotifyDeps)) =>
  async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    const resolved = typeof deps === 'function' ? deps() : deps;
    const seated = new Set<string>();
    for (const record of event.Records) {
      const sequenceNumber = record.dynamodb?.SequenceNumber ?? '';
      try {
        const change = streamChange(record);
        for (const intent of decide(change)) await apply(intent, resolved, seated);
        // After the messages: a retry of this record finds them sent and the deliveries logged.
        await resolved.webhooks?.(change);
      } catch (error) {
        // Keys only: the sort key holds the email's hash, never the address.
        log.error('notify record failed', {
          sequenceNumber,
          pk: record.dynamodb?.Keys?.pk?.S,
          sk: record.dynamodb?.Keys?.sk?.S,
          error: scrubbed(error),
        });
        // Later records of this shard wait: the stream retries from here, in order.
        return { batchItemFailures: [{ itemIdentifier: sequenceNumber }] };
      }
    }
    return { batchItemFailures: [] };
  };

/** Lambda entry point (DynamoDB stream event source with ReportBatchItemFailures). */
export const handler = createNotifyHandler(() =>
  notifyDeps(sendDepsFromEnv(), {
    queue: queueFromEnv(),
    scheduler: schedulerFromEnv(),
    webhooks: webhookPublisherFromEnv(),
    seatWaiters: (eventId) => services().registrations.fillFreeSeats(eventId, services().clock()),
  }),
);
