// In AWS: loads the manage token key (webhook secrets are sealed with a key derived from it).
import '../wiring/token-key.js';
import { ChangeMessageVisibilityCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { scrubbed } from '../notify/scrub.js';
import { log } from '../platform/log.js';
import { attemptDelivery, type DeliveryDeps } from '../webhooks/deliver.js';
import { parseDeliveryJob } from '../webhooks/queue.js';
import { deliveryDeps } from '../wiring/notify.js';
import { services } from '../wiring/services.js';

/**
 * The webhook delivery worker (SQS): one attempt per received message. A failed attempt leaves
 * the message on the queue, hidden until its next attempt is due (the visibility timeout is
 * the backoff: 5 s to 10 h, about 27 h in all); the last one is logged as failed and the
 * message deleted. The receive count is the attempt number.
 */

/** SQS caps a message's visibility timeout at 12 hours. */
const MAX_VISIBILITY_SECONDS = 43_200;

export interface WebhookWorkerDeps {
  delivery: DeliveryDeps;
  /** Hides a received message for `seconds` (SQS ChangeMessageVisibility). */
  delay: (receiptHandle: string, seconds: number) => Promise<void>;
}

export const createWebhookHandler =
  (deps: WebhookWorkerDeps | (() => WebhookWorkerDeps)) =>
  async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const resolved = typeof deps === 'function' ? deps() : deps;
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      try {
        const attempt = Number(record.attributes.ApproximateReceiveCount) || 1;
        const outcome = await attemptDelivery(parseDeliveryJob(record.body), attempt, resolved.delivery);
        if ('retryInSeconds' in outcome) {
          await resolved.delay(
            record.receiptHandle,
            Math.min(outcome.retryInSeconds, MAX_VISIBILITY_SECONDS),
          );
          batchItemFailures.push({ itemIdentifier: record.messageId });
        }
      } catch (error) {
        log.error('webhook delivery failed', { messageId: record.messageId, error: scrubbed(error) });
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  };

let sqs: SQSClient | undefined;

/** Lambda entry point (SQS event source with ReportBatchItemFailures). */
export const handler = createWebhookHandler(() => ({
  delivery: deliveryDeps(services()),
  delay: async (receiptHandle, seconds) => {
    sqs ??= new SQSClient({});
    await sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: process.env.WEBHOOK_QUEUE_URL,
        ReceiptHandle: receiptHandle,
        VisibilityTimeout: seconds,
      }),
    );
  },
}));
