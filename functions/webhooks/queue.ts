import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { DeliveryJob } from './model.js';

/**
 * The delivery queue port: a job holds ids only, so it can sit in a queue (and its
 * dead-letter queue) safely. In AWS, SQS, whose visibility timeout spaces the retries
 * (functions/queue/webhooks.ts); locally, local/webhook-queue.ts.
 */
export interface DeliveryQueue {
  enqueue(job: DeliveryJob): Promise<void>;
}

export const createSqsDeliveryQueue = (
  queueUrl: string,
  client: SQSClient = new SQSClient({}),
): DeliveryQueue => ({
  async enqueue(job) {
    await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(job) }));
  },
});

/** Parses a queue body; anything else is refused (and lands in the DLQ rather than looping). */
export const parseDeliveryJob = (body: string): DeliveryJob => {
  const job = JSON.parse(body) as DeliveryJob;
  if (!job?.webhookId || !job.organiserId || !job.messageId || !job.occurredAt || !job.type) {
    throw new Error('Not a webhook delivery job');
  }
  return job;
};
