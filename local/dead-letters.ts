import { randomUUID } from 'node:crypto';
import { appendFile, mkdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type {
  DynamoDBBatchResponse,
  DynamoDBRecord,
  DynamoDBStreamEvent,
  SQSBatchResponse,
  SQSEvent,
} from 'aws-lambda';
import { scrubbed } from '../functions/notify/scrub.js';

/**
 * The local dead-letter queue: one JSON line per stream record or queue message that kept
 * failing, holding exactly what the handler was given, so it can be handed to the same
 * handler again once the cause is fixed (`replayDeadLetters`). It lives in DATA_DIR beside the
 * database, whose personal data the stream records carry anyway.
 */

export type DeadLetter =
  | { source: 'stream'; at: string; attempts: number; reason: string; record: DynamoDBRecord }
  | { source: 'queue'; at: string; attempts: number; reason: string; body: string };

export const deadLetterReason = (error: unknown): string =>
  error === undefined
    ? 'the handler reported the item as failed'
    : `${scrubbed(error).name}: ${scrubbed(error).message}`;

export const appendDeadLetter = async (file: string, letter: DeadLetter): Promise<void> => {
  await mkdir(dirname(file), { recursive: true });
  await appendFile(file, `${JSON.stringify(letter)}\n`);
};

export const readDeadLetters = async (file: string): Promise<DeadLetter[]> => {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as DeadLetter);
};

export interface ReplayHandlers {
  stream?: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | undefined>;
  queue?: (event: SQSEvent) => Promise<SQSBatchResponse | undefined>;
}

export const sqsEvent = (body: string, receiveCount = 1): SQSEvent => {
  const now = String(Date.now());
  return {
    Records: [
      {
        messageId: randomUUID(),
        receiptHandle: randomUUID(),
        body,
        attributes: {
          ApproximateReceiveCount: String(receiveCount),
          SentTimestamp: now,
          SenderId: 'local',
          ApproximateFirstReceiveTimestamp: now,
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:local:000000000000:fanout',
        awsRegion: 'local',
      },
    ],
  };
};

const replayOne = async (letter: DeadLetter, handlers: ReplayHandlers): Promise<boolean> => {
  try {
    if (letter.source === 'stream') {
      if (!handlers.stream) return false;
      const result = await handlers.stream({ Records: [letter.record] });
      return (result?.batchItemFailures ?? []).length === 0;
    }
    if (!handlers.queue) return false;
    const result = await handlers.queue(sqsEvent(letter.body, letter.attempts + 1));
    return (result?.batchItemFailures ?? []).length === 0;
  } catch {
    return false;
  }
};

/**
 * Hands every dead letter to its handler again, oldest first; those that now succeed leave
 * the file, the others stay. The file is moved aside first, so letters written meanwhile are
 * not lost when the remaining ones are put back.
 */
export const replayDeadLetters = async (
  file: string,
  handlers: ReplayHandlers,
): Promise<{ replayed: number; remaining: number }> => {
  const aside = `${file}.${process.pid}.replaying`;
  try {
    await rename(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { replayed: 0, remaining: 0 };
    throw error;
  }
  const letters = await readDeadLetters(aside);
  let replayed = 0;
  for (const letter of letters) {
    if (await replayOne(letter, handlers)) replayed++;
    else await appendDeadLetter(file, letter); // kept as it was, for a later replay
  }
  await rm(aside, { force: true });
  return { replayed, remaining: letters.length - replayed };
};
