import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Mailer } from '../functions/mail/mailer.js';
import type { MessageIntent } from '../functions/notify/decide.js';
import { MailLedger } from '../functions/notify/ledger.js';
import type { ReminderInput } from '../functions/notify/reminder-scheduler.js';
import { tickReminderScheduler } from '../functions/notify/reminder-scheduler.js';
import { type ResendSummary, resendStuckClaims } from '../functions/notify/resend-stuck.js';
import { type SendDeps, type SendResult, sendOne } from '../functions/notify/send.js';
import { createFanoutHandler, fanoutDeps } from '../functions/queue/fanout.js';
import { type RemindResult, remind } from '../functions/scheduled/remind.js';
import { createNotifyHandler, notifyDeps } from '../functions/stream/notify.js';
import type { Resolver } from '../functions/webhooks/address.js';
import { attemptDelivery } from '../functions/webhooks/deliver.js';
import { createWebhookPublisher } from '../functions/webhooks/publish.js';
import { buildSendDeps, deliveryDeps } from '../functions/wiring/notify.js';
import type { Services } from '../functions/wiring/services.js';
import { replayDeadLetters } from './dead-letters.js';
import { localClientConfig } from './dynamodb-local.js';
import { createLocalFanoutQueue, type LocalFanoutQueue } from './fanout-queue.js';
import { createStreamPoller, type StreamPoller, type StreamPollerOptions } from './stream-poller.js';
import { createLocalWebhookQueue, type LocalWebhookQueue } from './webhook-queue.js';

/**
 * The notification path of the local runtime, wired as in AWS with local adapters: DynamoDB
 * Local's stream -> poller -> the notify handler -> the mailer (the outbox); fan-outs through
 * an in-process queue read by the fanout handler; webhook deliveries through a queue kept in
 * DATA_DIR; reminders from the tick through the remind code. `npm start` and the integration tests both use this one wiring.
 */

export interface LocalNotificationsOptions {
  endpoint: string;
  doc: DynamoDBDocumentClient;
  tableName: string;
  services: Pick<
    Services,
    | 'events'
    | 'registrations'
    | 'clock'
    | 'replies'
    | 'webhooks'
    | 'webhookSecretKey'
    | 'webhookPolicy'
    | 'baseUrl'
  >;
  baseUrl: string;
  tokenKey: Buffer;
  mailer: Mailer;
  mailFrom: string;
  dataDir: string;
  onSent?: SendDeps['onSent'];
  onDeadLetter?: (source: 'stream' | 'queue', reason: string) => void;
  /** Poller tuning (tests shorten the retry delays). */
  poller?: Pick<StreamPollerOptions, 'intervalMs' | 'maxAttempts' | 'backoffMs' | 'batchSize'>;
  queue?: { maxAttempts?: number; backoffMs?: number };
  /** Registrants per fan-out page (tests make it small to cross pages). */
  fanoutPageSize?: number;
  /** How webhook hosts are resolved (tests: a fake resolver). */
  webhookResolver?: Resolver;
}

export interface LocalNotifications {
  poller: StreamPoller;
  queue: LocalFanoutQueue;
  /** Webhook deliveries waiting for an attempt (on the services' clock), kept in DATA_DIR/webhook-queue. */
  webhooks: LocalWebhookQueue;
  ledger: MailLedger;
  notify: ReturnType<typeof createNotifyHandler>;
  fanout: ReturnType<typeof createFanoutHandler>;
  remind: (input: ReminderInput) => Promise<RemindResult>;
  /** One message through the ledger to the mailer, as the fan-out worker sends it (tests wrap it). */
  send: (intent: MessageIntent) => Promise<SendResult>;
  /** The stuck-claim sweep (every few minutes in AWS): owed messages never marked sent go again. */
  resendStuck: () => Promise<ResendSummary>;
  /** Waits until the stream is read to its end and the fan-out queue is empty, together. */
  settle(): Promise<void>;
  /** Hands the dead letters to the handlers again; those that succeed leave the file. */
  replayDeadLetters(): Promise<{ replayed: number; remaining: number }>;
  stop(): Promise<void>;
}

export const startLocalNotifications = async (
  options: LocalNotificationsOptions,
): Promise<LocalNotifications> => {
  const { services, doc, tableName } = options;
  // The same builder as the Lambda functions', with the outbox as the mailer.
  const ledger = new MailLedger(doc, tableName);
  const sendDeps = buildSendDeps({
    ledger,
    db: doc,
    tableName,
    services,
    mailer: options.mailer,
    baseUrl: options.baseUrl,
    tokenKey: options.tokenKey,
    mailFrom: options.mailFrom,
    ...(options.onSent ? { onSent: options.onSent } : {}),
  });
  const queue = createLocalFanoutQueue({
    deadLetterFile: `${options.dataDir}/dead-letters.jsonl`,
    ...options.queue,
    onDeadLetter: (reason) => options.onDeadLetter?.('queue', reason),
  });
  const fanout = createFanoutHandler({
    ...fanoutDeps(sendDeps, services.registrations, queue),
    ...(options.fanoutPageSize ? { pageSize: options.fanoutPageSize } : {}),
  });
  queue.consume(fanout);
  const delivery = deliveryDeps(services, options.webhookResolver);
  const webhooks = createLocalWebhookQueue({
    attempt: (job, attempt) => attemptDelivery(job, attempt, delivery),
    clock: services.clock,
    dir: `${options.dataDir}/webhook-queue`,
  });
  // The deliveries a previous run left owed, back from disk (and a broken directory fails the start).
  await webhooks.idle();
  const notify = createNotifyHandler(
    notifyDeps(sendDeps, {
      queue,
      scheduler: tickReminderScheduler,
      webhooks: createWebhookPublisher({
        store: services.webhooks,
        events: services.events,
        queue: webhooks,
        clock: services.clock,
      }),
      seatWaiters: (eventId) => services.registrations.fillFreeSeats(eventId, services.clock()),
    }),
  );

  const clientConfig = localClientConfig(options.endpoint);
  const dynamodb = new DynamoDBClient(clientConfig);
  const streams = new DynamoDBStreamsClient(clientConfig);
  const poller = createStreamPoller({
    dynamodb,
    streams,
    tableName,
    handler: notify,
    dataDir: options.dataDir,
    ...options.poller,
    onDeadLetter: ({ reason }) => options.onDeadLetter?.('stream', reason),
  });
  try {
    await poller.start();
  } catch (error) {
    dynamodb.destroy();
    streams.destroy();
    throw error;
  }

  return {
    poller,
    queue,
    webhooks,
    ledger,
    notify,
    fanout,
    remind: (input) => remind(input, { events: services.events, queue, clock: services.clock }),
    send: (intent) => sendOne(intent, sendDeps),
    resendStuck: () => resendStuckClaims(sendDeps),
    async settle() {
      // A queue message may write to the table (the ledger) and a stream record may queue a page:
      // settled when a full round finds both quiet.
      // DynamoDB Local shows a write in its stream a moment after the write returns (longer
      // under load): quiet means two quiet rounds 100 ms apart.
      let quietRounds = 0;
      for (let round = 0; round < 50 && quietRounds < 2; round++) {
        await poller.idle();
        await queue.idle();
        await poller.idle();
        await webhooks.idle();
        quietRounds = queue.busy() ? 0 : quietRounds + 1;
        if (quietRounds === 1) await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    replayDeadLetters: () => replayDeadLetters(poller.deadLetterFile, { stream: notify, queue: fanout }),
    async stop() {
      await poller.stop();
      await queue.stop();
      webhooks.stop();
      await webhooks.idle();
      dynamodb.destroy();
      streams.destroy();
    },
  };
};
