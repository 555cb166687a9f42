import { createSesMailer } from '../mail/ses-mailer.js';
import { createSqsFanoutQueue, type FanoutQueue } from '../notify/fanout-queue.js';
import { MailLedger } from '../notify/ledger.js';
import { createEventBridgeReminderScheduler, type ReminderScheduler } from '../notify/reminder-scheduler.js';
import type { SendDeps } from '../notify/send.js';
import { documentClient } from './clients.js';
import { config, fanoutQueueConfig, mailConfig, reminderSchedulerConfig } from './config.js';
import { services } from './services.js';

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
    const { events, registrations, clock } = services();
    const mail = mailConfig();
    const db = documentClient();
    sendDeps = {
      db,
      tableName,
      events,
      registrations,
      ledger: new MailLedger(db, tableName),
      mailer: createSesMailer(
        mail.configurationSetName ? { configurationSetName: mail.configurationSetName } : {},
      ),
      baseUrl: publicBaseUrl,
      tokenKey: manageTokenKey,
      mailFrom: mail.from,
      clock,
    };
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
