import { Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { eventKey, registrationKey } from '../functions/platform/keys.js';
import { AppFunction, type AppFunctionProps } from './app-function.js';
import type { DataTable } from './data-table.js';
import type { Mail } from './mail.js';
import { wildcardResourceFinding } from './nag.js';
import { Reminders } from './reminders.js';
import { WebhookDeliveries } from './webhooks.js';

export interface NotificationsProps {
  readonly data: DataTable;
  readonly mail: Mail;
  readonly mailFrom: string;
  /** Origin of the pages: the links in every message. */
  readonly publicBaseUrl: string;
  /** The manage token key's secret: notify and fanout unseal tokens to put them in links. */
  readonly grantTokenKey: (fn: AppFunction) => void;
  readonly logRemovalPolicy: RemovalPolicy;
}

/** Fan-out function timeout; the queue's visibility timeout is six times it (AWS's guidance for SQS triggers). */
const FANOUT_TIMEOUT = Duration.seconds(90);
/** Deliveries of a fan-out message before it goes to the dead-letter queue. */
const FANOUT_MAX_RECEIVES = 5;
/** Stream batches are retried this many times, then their records' coordinates go to the failure queue. */
const STREAM_RETRIES = 5;

/**
 * The outbox's consumers. `notify` reads the table stream (registration and event items only)
 * and sends each state change's message, queues event-wide fan-outs and keeps reminders
 * scheduled; `fanout` works the queue a page of registrants at a time; `remind` (see
 * Reminders) turns a due schedule into a fan-out job. Failures end in two queues that alarm:
 * the stream's on-failure destination and the fan-out queue's dead-letter queue.
 */
export class Notifications extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly streamFailures: sqs.Queue;
  readonly reminders: Reminders;
  /** Webhook deliveries, queued by notify from the same stream changes. */
  readonly webhooks: WebhookDeliveries;
  readonly notify: AppFunction;
  readonly fanout: AppFunction;
  /** Every five minutes: emails claimed and never recorded as sent go again. */
  readonly resend: AppFunction;

  constructor(scope: Construct, id: string, props: NotificationsProps) {
    super(scope, id);
    const { data, mail } = props;

    // Queues hold ids and cursors only (no personal data), kept 14 days to be looked at and redriven.
    const queueDefaults = {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    } as const;
    this.deadLetterQueue = new sqs.Queue(this, 'FanoutDeadLetters', queueDefaults);
    this.queue = new sqs.Queue(this, 'FanoutQueue', {
      ...queueDefaults,
      visibilityTimeout: Duration.seconds(FANOUT_TIMEOUT.toSeconds() * 6),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: FANOUT_MAX_RECEIVES },
    });
    this.streamFailures = new sqs.Queue(this, 'StreamFailures', queueDefaults);
    // (cdk-nag sees the fan-out DLQ is one through the redrive policy; the stream's is the mapping's.)
    Validations.of(this.streamFailures).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the on-failure destination of the stream consumer; it alarms when not empty.',
    });

    this.reminders = new Reminders(this, 'Reminders', {
      data,
      queue: this.queue,
      logRemovalPolicy: props.logRemovalPolicy,
    });

    const mailEnvironment = {
      PUBLIC_BASE_URL: props.publicBaseUrl,
      MAIL_FROM: props.mailFrom,
      SES_CONFIGURATION_SET: mail.configurationSet.configurationSetName,
    };
    const queueEnvironment = { ...mailEnvironment, QUEUE_URL: this.queue.queueUrl };

    /**
     * A function that sends mail: the table read-write (the mail ledger), SES as the domain, and
     * the manage token key (the links in every message).
     */
    const mailSender = (id: string, options: Omit<AppFunctionProps, 'logRemovalPolicy'>) => {
      const fn = new AppFunction(this, id, { ...options, logRemovalPolicy: props.logRemovalPolicy });
      fn.bindTable(data, { accessMode: 'RW' });
      mail.grantSend(fn);
      props.grantTokenKey(fn);
      return fn;
    };

    this.fanout = mailSender('Fanout', {
      entry: 'functions/queue/fanout.ts',
      description: 'Fan-out worker: one page of an event’s registrants per queue message',
      environment: queueEnvironment,
      timeout: FANOUT_TIMEOUT,
    });
    // Next pages and failed sends go back on the queue; consuming it is granted by the event source.
    this.fanout.allow(['sqs:SendMessage'], [this.queue.queueArn]);
    this.fanout.function.addEventSource(
      new SqsEventSource(this.queue, {
        // A message is a page of up to 50 sends (~0.1-0.3 s each): two pages fit well inside the timeout.
        batchSize: 2,
        reportBatchItemFailures: true,
        // Two workers: about the sending rate SES starts an account with (14 messages/s); a
        // throttled send is queued again on its own.
        maxConcurrency: 2,
      }),
    );

    this.resend = mailSender('ResendStuck', {
      entry: 'functions/scheduled/resend.ts',
      description: 'Stuck-claim sweep: emails claimed and never recorded as sent are sent again',
      environment: mailEnvironment,
      timeout: Duration.minutes(2),
    });
    new events.Rule(this, 'ResendStuckEveryFiveMinutes', {
      schedule: events.Schedule.rate(Duration.minutes(5)),
      targets: [new eventTargets.LambdaFunction(this.resend.function, { retryAttempts: 0 })],
    });

    this.notify = mailSender('Notify', {
      entry: 'functions/stream/notify.ts',
      description: 'Table stream consumer: the message for each state change, fan-outs and reminders',
      environment: queueEnvironment,
      timeout: Duration.seconds(60),
    });
    this.notify.allow(['sqs:SendMessage'], [this.queue.queueArn]);
    this.reminders.grantManageSchedules(this.notify);
    this.webhooks = new WebhookDeliveries(this, 'Webhooks', {
      data,
      publicBaseUrl: props.publicBaseUrl,
      grantTokenKey: props.grantTokenKey,
      logRemovalPolicy: props.logRemovalPolicy,
    });
    this.webhooks.grantEnqueue(this.notify);

    const streamArn = data.table.tableStreamArn;
    if (!streamArn) throw new Error('The table has no stream');
    // The stream read the event source mapping does with the function's role (addEventSourceMapping,
    // unlike DynamoEventSource, grants none, so these statements are the whole of it).
    this.notify.allow(
      ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
      [streamArn],
    );
    // ListStreams names no resource in IAM: it is granted on "*" or not at all.
    this.notify.allow(['dynamodb:ListStreams'], ['*']);
    Validations.of(this.notify.role).acknowledge({
      id: wildcardResourceFinding('*'),
      reason:
        'dynamodb:ListStreams, which the stream event source needs, supports no resource-level permission.',
    });

    this.notify.function.addEventSourceMapping('TableStream', {
      eventSourceArn: streamArn,
      // Records written before the mapping existed are not skipped; the ledger makes replays harmless.
      startingPosition: lambda.StartingPosition.TRIM_HORIZON,
      batchSize: 25,
      maxBatchingWindow: Duration.seconds(1),
      // The handler stops at the first failed record and reports it: the retry resumes there, in
      // order. Halving batches would only replay records that already succeeded.
      bisectBatchOnError: false,
      reportBatchItemFailures: true,
      retryAttempts: STREAM_RETRIES,
      // The destination grants the function's role SendMessage on this queue (and only this one).
      onFailure: new SqsDlq(this.streamFailures),
      // Only registrations and events change what anyone is told; seatQuotas, counters, ledger
      // entries and rate-limit windows never wake the function.
      filters: [
        lambda.FilterCriteria.filter({
          dynamodb: {
            Keys: {
              sk: {
                S: [
                  ...lambda.FilterRule.beginsWith(registrationKey('', '').sk),
                  ...lambda.FilterRule.isEqual(eventKey('').sk),
                ],
              },
            },
          },
        }),
      ],
    });
  }
}
