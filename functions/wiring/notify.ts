import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Mailer } from '../mail/mailer.js';
import { createSesMailer } from '../mail/ses-mailer.js';
import type { StreamChange } from '../notify/decide.js';
import { createSqsFanoutQueue, type FanoutQueue } from '../notify/fanout-queue.js';
import { MailLedger } from '../notify/ledger.js';
import { createEventBridgeReminderScheduler, type ReminderScheduler } from '../notify/reminder-scheduler.js';
import type { SendDeps } from '../notify/send.js';
import { systemResolver } from '../webhooks/address.js';
import { type DeliveryDeps, postOnce } from '../webhooks/deliver.js';
import { createWebhookPublisher } from '../webhooks/publish.js';
import { createSqsDeliveryQueue } from '../webhooks/queue.js';
import { documentClient } from './clients.js';
import { config, fanoutQueueConfig, mailConfig, reminderSchedulerConfig } from './config.js';
import { type Services, services } from './services.js';

export interface SendDepsParts {
  db: DynamoDBDocumentClient;
  tableName: string;
  services: Pick<Services, 'events' | 'registrations' | 'clock' | 'replies'>;
  mailer: Mailer;
  baseUrl: string;
  tokenKey: Buffer;
  mailFrom: string;
  onSent?: SendDeps['onSent'];
  /** The mail ledger on the table, when the caller keeps a hand on it (the local runtime's tests). */
  ledger?: MailLedger;
}

/**
 * The one builder of what sending a message needs, for the Lambda functions (SES, from the
 * environment) and the local runtime (the outbox): the stores, the mail ledger on the same
 * table, the mailer, and the settings the messages are made from.
 */
export const buildSendDeps = (parts: SendDepsParts): SendDeps => ({
  events: parts.services.events,
  registrations: parts.services.registrations,
  replies: parts.services.replies,
  ledger: parts.ledger ?? new MailLedger(parts.db, parts.tableName),
  mailer: parts.mailer,
  baseUrl: parts.baseUrl,
  tokenKey: parts.tokenKey,
  mailFrom: parts.mailFrom,
  clock: parts.services.clock,
  ...(parts.onSent ? { onSent: parts.onSent } : {}),
});

/**
 * The AWS wiring of the notification functions, from the environment, built on first use and
 * kept for the container's life. Each getter reads only what its part needs, so the remind
 * function does not need the scheduler's settings, nor the fanout function the scheduler's.
 */

let sendDeps: SendDeps | undefined;
let queue: FanoutQueue | undefined;
let scheduler: ReminderScheduler | undefined;

export const sendDepsFromEnv = (): SendDeps => {
  if (!sendDeps) {
    const { tableName, publicBaseUrl, manageTokenKey } = config();
    const mail = mailConfig();
    sendDeps = buildSendDeps({
      db: documentClient(),
      tableName,
      services: services(),
      mailer: createSesMailer(
        mail.configurationSetName ? { configurationSetName: mail.configurationSetName } : {},
      ),
      baseUrl: publicBaseUrl,
      tokenKey: manageTokenKey,
      mailFrom: mail.from,
    });
  }
  return sendDeps;
};

export const queueFromEnv = (): FanoutQueue => {
  queue ??= createSqsFanoutQueue(fanoutQueueConfig().queueUrl);
  return queue;
};

export const schedulerFromEnv = (): ReminderScheduler => {
  scheduler ??= createEventBridgeReminderScheduler(reminderSchedulerConfig());
  return scheduler;
};

/** The webhook deliveries' queue, when the stage has one (WEBHOOK_QUEUE_URL). */
export const webhookPublisherFromEnv = (): ((change: StreamChange) => Promise<void>) | undefined => {
  const queueUrl = process.env.WEBHOOK_QUEUE_URL;
  if (!queueUrl) return undefined;
  const { webhooks, events, clock } = services();
  return createWebhookPublisher({ store: webhooks, events, queue: createSqsDeliveryQueue(queueUrl), clock });
};

/** What one delivery attempt needs: the stores, the sealing key, the checked HTTP client. */
export const deliveryDeps = (
  parts: Pick<
    Services,
    'webhooks' | 'events' | 'registrations' | 'webhookSecretKey' | 'webhookPolicy' | 'baseUrl' | 'clock'
  >,
  resolver = systemResolver,
): DeliveryDeps => ({
  store: parts.webhooks,
  events: parts.events,
  registrations: parts.registrations,
  secretKey: parts.webhookSecretKey,
  post: (url, headers, body) => postOnce(url, headers, body, { policy: parts.webhookPolicy, resolver }),
  baseUrl: parts.baseUrl,
  clock: parts.clock,
});
