import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { MAX_ATTEMPTS } from '../functions/webhooks/model.js';
import { AppFunction } from './app-function.js';
import type { DataTable } from './data-table.js';

export interface WebhookDeliveriesProps {
  readonly data: DataTable;
  /** Origin of the pages: the event links in payloads. */
  readonly publicBaseUrl: string;
  /** Webhook secrets are sealed with a key derived from the manage token key. */
  readonly grantTokenKey: (fn: AppFunction) => void;
  readonly logRemovalPolicy: RemovalPolicy;
}

/** Per attempt 5 s (functions/webhooks/deliver.ts), a batch of a few: well within this. */
const WORKER_TIMEOUT = Duration.seconds(30);

/**
 * Webhook deliveries: a queue of delivery jobs (ids only) and the worker that attempts them.
 * A failed attempt stays on the queue, hidden until its next attempt (the worker sets the
 * message's visibility: the backoff, about 27 hours in all); after the last one the worker logs
 * the delivery as failed and deletes the message. The dead-letter queue only catches a worker
 * that keeps crashing on a message, and alarms. The worker is a plain Lambda function outside
 * any VPC: it reaches receivers on the internet, and the address checks
 * (functions/webhooks/address.ts) keep it off private and link-local addresses.
 */
export class WebhookDeliveries extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly worker: AppFunction;

  constructor(scope: Construct, id: string, props: WebhookDeliveriesProps) {
    super(scope, id);
    const queueDefaults = {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(4),
    } as const;
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      ...queueDefaults,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      ...queueDefaults,
      visibilityTimeout: Duration.seconds(WORKER_TIMEOUT.toSeconds() * 6),
      // Every attempt is a receive; a few more for crashes before the dead-letter queue.
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: MAX_ATTEMPTS + 3 },
    });

    this.worker = new AppFunction(this, 'Worker', {
      entry: 'functions/queue/webhooks.ts',
      description: 'Webhook deliveries: one signed attempt per queue message, retried with backoff',
      environment: { PUBLIC_BASE_URL: props.publicBaseUrl, WEBHOOK_QUEUE_URL: this.queue.queueUrl },
      timeout: WORKER_TIMEOUT,
      logRemovalPolicy: props.logRemovalPolicy,
    });
    // RW: the delivery log. Receiving, deleting and delaying (ChangeMessageVisibility) come with the event source.
    this.worker.bindTable(props.data, { accessMode: 'RW' });
    props.grantTokenKey(this.worker);
    this.worker.function.addEventSource(
      new SqsEventSource(this.queue, { batchSize: 5, reportBatchItemFailures: true, maxConcurrency: 2 }),
    );
  }

  /** A function that queues deliveries (notify): SendMessage on this queue only, and its URL. */
  grantEnqueue(fn: AppFunction): void {
    fn.allow(['sqs:SendMessage'], [this.queue.queueArn]);
    fn.function.addEnvironment('WEBHOOK_QUEUE_URL', this.queue.queueUrl);
  }
}
