import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type Shard,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { log } from '../functions/platform/log.js';
import { appendDeadLetter, deadLetterReason } from './dead-letters.js';
import { writeWhole } from './write-whole.js';

/**
 * What Lambda's DynamoDB event source does in AWS, for DynamoDB Local: reads the table's
 * stream shard by shard, in order, and hands batches to the same notify handler as a
 * DynamoDBStreamEvent. A record the handler reports as failed (or a batch it throws on) is
 * retried from that record with a growing delay; after `maxAttempts` it is written to the
 * dead-letter file and the shard moves on. The last handled sequence number of each shard is
 * kept in DATA_DIR, so a restart neither loses nor resends.
 */

export type StreamHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | undefined>;

export interface StreamPollerOptions {
  dynamodb: DynamoDBClient;
  streams: DynamoDBStreamsClient;
  tableName: string;
  handler: StreamHandler;
  /** Holds `stream-checkpoints.json` and `dead-letters.jsonl`. */
  dataDir: string;
  intervalMs?: number;
  batchSize?: number;
  /** Deliveries of one record before it is dead-lettered (Lambda's retry attempts + 1). */
  maxAttempts?: number;
  /** First retry delay; doubled on each further attempt (capped at 10 s). */
  backoffMs?: number;
  onDeadLetter?: (info: { sequenceNumber: string; attempts: number; reason: string }) => void;
}

export interface StreamPoller {
  start(): Promise<void>;
  /** Finishes the batch in hand (a retry wait is cut short), then stops. */
  stop(): Promise<void>;
  /** Resolves after a complete pass, begun after the call, found nothing new on any shard. */
  idle(): Promise<void>;
  readonly deadLetterFile: string;
}

interface Checkpoints {
  streamArn: string;
  shards: Record<string, { sequenceNumber?: string; ended?: boolean }>;
}

const MAX_BACKOFF_MS = 10_000;

const errorName = (error: unknown): string => (error as { name?: string } | null)?.name ?? '';

type Attribute = Record<string, unknown>;
type Image = NonNullable<NonNullable<DynamoDBRecord['dynamodb']>['NewImage']>;

/**
 * DynamoDB Local writes an empty map into its stream as `{}` instead of `{"M": {}}` (the table
 * itself keeps it right; registrations' `answers` is often empty). Real streams carry the type,
 * and `unmarshall` refuses a value without one: repaired here, at any depth.
 */
const repairAttribute = (value: Attribute): Attribute => {
  if (Object.keys(value).length === 0) return { M: {} };
  if (value.M) return { M: repairImage(value.M) };
  if (Array.isArray(value.L)) return { L: (value.L as Attribute[]).map(repairAttribute) };
  return value;
};

const repairImage = (image: object | undefined): Record<string, Attribute> =>
  Object.fromEntries(
    Object.entries((image ?? {}) as Record<string, Attribute>).map(([name, value]) => [
      name,
      repairAttribute(value),
    ]),
  );

/** The SDK's stream record in the shape Lambda hands to a function (epoch seconds, the source ARN). */
export const toLambdaRecord = (record: StreamRecord, streamArn: string): DynamoDBRecord => {
  const data = record.dynamodb ?? {};
  const created = data.ApproximateCreationDateTime;
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion,
    eventSource: record.eventSource ?? 'aws:dynamodb',
    awsRegion: record.awsRegion,
    eventSourceARN: streamArn,
    ...(record.userIdentity ? { userIdentity: record.userIdentity } : {}),
    dynamodb: {
      ...(created ? { ApproximateCreationDateTime: Math.floor(new Date(created).getTime() / 1000) } : {}),
      // Same JSON shape; the two packages type binary values differently and the table has none.
      Keys: repairImage(data.Keys) as Image,
      ...(data.NewImage ? { NewImage: repairImage(data.NewImage) as Image } : {}),
      ...(data.OldImage ? { OldImage: repairImage(data.OldImage) as Image } : {}),
      SequenceNumber: data.SequenceNumber,
      SizeBytes: data.SizeBytes,
      StreamViewType: data.StreamViewType,
    },
  };
};

export const createStreamPoller = (options: StreamPollerOptions): StreamPoller => {
  const intervalMs = options.intervalMs ?? 250;
  const batchSize = options.batchSize ?? 100;
  const maxAttempts = options.maxAttempts ?? 5;
  const backoffMs = options.backoffMs ?? 250;
  const checkpointFile = join(options.dataDir, 'stream-checkpoints.json');
  const deadLetterFile = join(options.dataDir, 'dead-letters.jsonl');

  let streamArn = '';
  let checkpoints: Checkpoints = { streamArn: '', shards: {} };
  const iterators = new Map<string, string>();
  let running = false;
  let loop: Promise<void> | undefined;
  let pass = 0;
  let waiters: { after: number; done: () => void }[] = [];

  /** Sleeps that stop() cuts short; `idle()` also cuts the pause between passes (not a retry delay). */
  const wakers = {
    pause: undefined as (() => void) | undefined,
    retry: undefined as (() => void) | undefined,
  };
  const sleep = (ms: number, kind: keyof typeof wakers) =>
    new Promise<void>((done) => {
      const timer = setTimeout(done, ms);
      wakers[kind] = () => {
        clearTimeout(timer);
        done();
      };
    });

  const loadCheckpoints = async (): Promise<Checkpoints> => {
    try {
      const saved = JSON.parse(await readFile(checkpointFile, 'utf8')) as Checkpoints;
      // Another stream (the table was made afresh): its positions mean nothing here.
      if (saved.streamArn === streamArn) return saved;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    return { streamArn, shards: {} };
  };

  const saveCheckpoints = async () => {
    await mkdir(options.dataDir, { recursive: true });
    await writeWhole(checkpointFile, JSON.stringify(checkpoints, null, 2));
  };

  const markHandled = async (shardId: string, sequenceNumber: string | undefined) => {
    if (!sequenceNumber) return;
    checkpoints.shards[shardId] = { ...checkpoints.shards[shardId], sequenceNumber };
    await saveCheckpoints();
  };

  const listShards = async (): Promise<Shard[]> => {
    const shards: Shard[] = [];
    let start: string | undefined;
    do {
      const { StreamDescription } = await options.streams.send(
        new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: start }),
      );
      shards.push(...(StreamDescription?.Shards ?? []));
      start = StreamDescription?.LastEvaluatedShardId;
    } while (start);
    return shards;
  };

  const newIterator = async (shardId: string): Promise<string | undefined> => {
    const after = checkpoints.shards[shardId]?.sequenceNumber;
    const { ShardIterator } = await options.streams.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shardId,
        ...(after
          ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after }
          : { ShardIteratorType: 'TRIM_HORIZON' }),
      }),
    );
    return ShardIterator;
  };

  /** Lambda's contract: retry from the lowest failed record; unknown identifiers fail the whole batch. */
  const firstFailure = (records: StreamRecord[], response: DynamoDBBatchResponse | undefined) => {
    const failed = new Set((response?.batchItemFailures ?? []).map((item) => item.itemIdentifier));
    if (failed.size === 0) return -1;
    const index = records.findIndex((record) => failed.has(record.dynamodb?.SequenceNumber ?? ''));
    return index === -1 ? 0 : index;
  };

  const handleBatch = async (shardId: string, records: StreamRecord[]): Promise<boolean> => {
    let remaining = records;
    let attempts = 0;
    while (remaining.length > 0) {
      if (!running) return false; // stopped mid-retry: the checkpoint says where to resume
      let failedAt: number;
      let error: unknown;
      try {
        const response = await options.handler({
          Records: remaining.map((record) => toLambdaRecord(record, streamArn)),
        });
        failedAt = firstFailure(remaining, response);
      } catch (thrown) {
        failedAt = 0;
        error = thrown;
      }
      if (failedAt === -1) {
        await markHandled(shardId, remaining.at(-1)?.dynamodb?.SequenceNumber);
        return true;
      }
      if (failedAt > 0) {
        await markHandled(shardId, remaining[failedAt - 1]?.dynamodb?.SequenceNumber);
        remaining = remaining.slice(failedAt);
        attempts = 0;
      }
      attempts++;
      const head = remaining[0] as StreamRecord;
      const sequenceNumber = head.dynamodb?.SequenceNumber ?? '';
      if (attempts >= maxAttempts) {
        const reason = deadLetterReason(error);
        await appendDeadLetter(deadLetterFile, {
          source: 'stream',
          at: new Date().toISOString(),
          attempts,
          reason,
          record: toLambdaRecord(head, streamArn),
        });
        log.error('stream record dead-lettered', { sequenceNumber, attempts, file: deadLetterFile });
        options.onDeadLetter?.({ sequenceNumber, attempts, reason });
        await markHandled(shardId, sequenceNumber);
        remaining = remaining.slice(1);
        attempts = 0;
        continue;
      }
      await sleep(Math.min(MAX_BACKOFF_MS, backoffMs * 2 ** (attempts - 1)), 'retry');
    }
    return true;
  };

  /** One pass over the open shards, parents before children; how many records it saw. */
  const pollOnce = async (): Promise<number> => {
    const shards = await listShards();
    const known = new Set(shards.map((shard) => shard.ShardId));
    let seen = 0;
    for (const shard of shards) {
      const shardId = shard.ShardId ?? '';
      if (!running || checkpoints.shards[shardId]?.ended) continue;
      // A child shard continues its parent: it waits until the parent is read to its end.
      const parent = shard.ParentShardId;
      if (parent && known.has(parent) && !checkpoints.shards[parent]?.ended) continue;

      let iterator = iterators.get(shardId) ?? (await newIterator(shardId));
      if (!iterator) continue;
      let page: Awaited<ReturnType<typeof getRecords>>;
      try {
        page = await getRecords(iterator);
      } catch (error) {
        iterators.delete(shardId);
        // An iterator lives 15 minutes; trimmed data is gone: both just need a new iterator.
        if (['ExpiredIteratorException', 'TrimmedDataAccessException'].includes(errorName(error))) continue;
        throw error;
      }
      const records = page.Records ?? [];
      if (records.length > 0) {
        seen += records.length;
        if (!(await handleBatch(shardId, records))) return seen;
      }
      iterator = page.NextShardIterator;
      if (iterator) iterators.set(shardId, iterator);
      else {
        // A closed shard read to its end: its children take over.
        iterators.delete(shardId);
        checkpoints.shards[shardId] = { ...checkpoints.shards[shardId], ended: true };
        await saveCheckpoints();
      }
    }
    // Shards past the stream's retention are no longer listed: forget them.
    for (const shardId of Object.keys(checkpoints.shards)) {
      if (!known.has(shardId)) delete checkpoints.shards[shardId];
    }
    return seen;
  };

  const getRecords = (iterator: string) =>
    options.streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: batchSize }));

  const run = async () => {
    while (running) {
      const current = ++pass;
      let seen = 0;
      try {
        seen = await pollOnce();
      } catch (error) {
        log.error('stream poll failed', { error: deadLetterReason(error) });
        seen = -1;
      }
      if (seen === 0) {
        const ready = waiters.filter((waiter) => waiter.after <= current);
        waiters = waiters.filter((waiter) => waiter.after > current);
        for (const waiter of ready) waiter.done();
      }
      if (running && seen <= 0) await sleep(seen < 0 ? intervalMs * 8 : intervalMs, 'pause');
    }
  };

  return {
    deadLetterFile,
    async start() {
      if (running) return;
      const { Table } = await options.dynamodb.send(
        new DescribeTableCommand({ TableName: options.tableName }),
      );
      if (!Table?.LatestStreamArn || !Table.StreamSpecification?.StreamEnabled) {
        throw new Error(`Table ${options.tableName} has no stream enabled`);
      }
      streamArn = Table.LatestStreamArn;
      checkpoints = await loadCheckpoints();
      running = true;
      loop = run();
    },
    async stop() {
      running = false;
      wakers.pause?.();
      wakers.retry?.();
      await loop;
      for (const waiter of waiters) waiter.done();
      waiters = [];
    },
    idle() {
      if (!running) return Promise.resolve();
      return new Promise<void>((done) => {
        waiters.push({ after: pass + 1, done });
        wakers.pause?.();
      });
    },
  };
};
