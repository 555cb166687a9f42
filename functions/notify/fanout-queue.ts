import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { FanoutJob, MessageIntent } from './decide.js';

/**
 * The fan-out queue port. A job is small and holds no personal data (ids, the registration's
 * key hash, a page cursor), so it can sit in a queue and a dead-letter queue safely:
 *
 * - `page`: send to one page of an event's registrants, then enqueue the next page;
 * - `send`: one registrant's message whose send failed inside a page, retried on its own so
 *   one bad address neither blocks nor repeats the rest of the fan-out.
 */
export type QueueMessage = { type: 'page'; job: FanoutJob } | { type: 'send'; message: MessageIntent };

export interface FanoutQueue {
  enqueue(message: QueueMessage): Promise<void>;
}

/** Amazon SQS: the fanout function reads the queue; its redrive policy leads to a DLQ. */
export const createSqsFanoutQueue = (
  queueUrl: string,
  client: SQSClient = new SQSClient({}),
): FanoutQueue => ({
  async enqueue(message) {
    await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(message) }));
  },
});

const KINDS = new Set(['page', 'send']);

/** Parses a queue body; anything else is refused (and lands in the DLQ rather than looping). */
export const parseQueueMessage = (body: string): QueueMessage => {
  const message = JSON.parse(body) as QueueMessage;
  if (!message || !KINDS.has(message.type)) throw new Error('Not a fan-out queue message');
  if (message.type === 'page' && !message.job?.eventId) throw new Error('A page job needs an eventId');
  if (message.type === 'send' && !message.message?.dedupeKey)
    throw new Error('A send job needs a dedupe key');
  return message;
};
