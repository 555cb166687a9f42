import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  type _Record,
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord } from 'aws-lambda';
import ICAL from 'ical.js';
import PostalMime, { type Email } from 'postal-mime';
import { inject } from 'vitest';
import type { Mailer } from '../../functions/mail/mailer.js';
import { createServices, type Services, setServices } from '../../functions/wiring/services.js';
import { localClientConfig } from '../../local/dynamodb-local.js';
import { type LocalNotifications, startLocalNotifications } from '../../local/notifications.js';
import { createOutbox, type Outbox, type OutboxEntry } from '../../local/outbox.js';
import { toLambdaRecord } from '../../local/stream-poller.js';
import { BASE_URL, REPLY_DOMAIN, startTestApp, type TestApp } from './app.js';

/**
 * The whole notification chain on DynamoDB Local, as `npm start` wires it: the API writes the
 * table, the poller reads the table's stream and runs the notify handler, fan-outs go through
 * the in-process queue, and every message lands in a real outbox as an `.eml` file, which the
 * tests parse with a real MIME parser.
 */

export const MAIL_FROM = 'inscriptions@example.org';
export const ORGANISER = { id: 'media-aces', name: 'Media Aces', replyTo: 'contact@media-aces.example' };

export interface Mail {
  entry: OutboxEntry;
  email: Email;
  /** The `text/calendar` alternative, if any: its MIME method and parsed VCALENDAR. */
  calendar?: {
    mimeMethod: string | undefined;
    text: string;
    method: string;
    uid: string;
    sequence: number;
    status: string | null;
  };
}

export interface NotifyChain {
  app: TestApp;
  services: Services;
  notifications: LocalNotifications;
  outbox: Outbox;
  dataDir: string;
  /** Every message so far (or to one address), oldest first, once the chain has settled. */
  mails: (to?: string) => Promise<Mail[]>;
  /** Every record the table's stream holds, as Lambda would hand them over. */
  streamRecords: () => Promise<DynamoDBRecord[]>;
  /** Moves the services' clock (reminders), relative to the real one. */
  setClock: (offsetMs: number) => void;
  stop: () => Promise<void>;
}

export const parseCalendar = (text: string) => {
  const calendar = new ICAL.Component(ICAL.parse(text));
  const event = calendar.getFirstSubcomponent('vevent');
  return {
    method: String(calendar.getFirstPropertyValue('method')),
    uid: String(event?.getFirstPropertyValue('uid')),
    sequence: Number(event?.getFirstPropertyValue('sequence') ?? 0),
    status: (event?.getFirstPropertyValue('status') as string | null) ?? null,
  };
};

export const parseMail = async (entry: OutboxEntry, raw: Buffer): Promise<Mail> => {
  const email = await PostalMime.parse(raw);
  const part = email.attachments.find((attachment) => attachment.mimeType === 'text/calendar');
  if (!part) return { entry, email };
  const text =
    typeof part.content === 'string' ? part.content : new TextDecoder().decode(part.content as ArrayBuffer);
  return { entry, email, calendar: { mimeMethod: part.method, text, ...parseCalendar(text) } };
};

export const startNotifyChain = async (
  options: {
    mailer?: (outbox: Outbox) => Mailer;
    poller?: Parameters<typeof startLocalNotifications>[0]['poller'];
    queue?: Parameters<typeof startLocalNotifications>[0]['queue'];
    fanoutPageSize?: number;
    /** Wraps the table client (a contention model, injected faults). */
    wrap?: Parameters<typeof startTestApp>[0];
  } = {},
): Promise<NotifyChain> => {
  const app = await startTestApp(options.wrap);
  const tokenKey = randomBytes(32);
  let offsetMs = 0;
  // The API and the mailer share one key (to unseal manage links) and one clock (to move it).
  const services = createServices({
    db: app.doc,
    tableName: app.tableName,
    baseUrl: BASE_URL,
    tokenKey,
    holdMinutes: 120,
    replyDomain: REPLY_DOMAIN,
    clock: () => new Date(Date.now() + offsetMs),
    // As `npm start`: webhooks may go to a receiver on 127.0.0.1.
    allowLoopbackWebhooks: true,
  });
  setServices(services);
  await services.events.putOrganiser(ORGANISER);

  const dataDir = await mkdtemp(join(tmpdir(), 'notify-test-'));
  const outbox = createOutbox(join(dataDir, 'outbox'));
  const notifications = await startLocalNotifications({
    endpoint: inject('dynamoEndpoint'),
    doc: app.doc,
    tableName: app.tableName,
    services,
    baseUrl: BASE_URL,
    tokenKey,
    mailer: options.mailer ? options.mailer(outbox) : outbox,
    mailFrom: MAIL_FROM,
    dataDir,
    poller: { intervalMs: 40, ...options.poller },
    ...(options.queue ? { queue: options.queue } : {}),
    ...(options.fanoutPageSize ? { fanoutPageSize: options.fanoutPageSize } : {}),
  });

  const mails = async (to?: string): Promise<Mail[]> => {
    await notifications.settle();
    const entries = (await outbox.list(to ? { to } : {})).reverse();
    return Promise.all(
      entries.map(async (entry) => parseMail(entry, (await outbox.read(entry.id)) as Buffer)),
    );
  };

  const streamRecords = async (): Promise<DynamoDBRecord[]> => {
    const config = localClientConfig(inject('dynamoEndpoint'));
    const dynamodb = new DynamoDBClient(config);
    const streams = new DynamoDBStreamsClient(config);
    try {
      const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: app.tableName }));
      const arn = Table?.LatestStreamArn ?? '';
      const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: arn }));
      const records: _Record[] = [];
      for (const shard of StreamDescription?.Shards ?? []) {
        let { ShardIterator: iterator } = await streams.send(
          new GetShardIteratorCommand({
            StreamArn: arn,
            ShardId: shard.ShardId,
            ShardIteratorType: 'TRIM_HORIZON',
          }),
        );
        while (iterator) {
          const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
          records.push(...(page.Records ?? []));
          if ((page.Records ?? []).length === 0) break;
          iterator = page.NextShardIterator;
        }
      }
      return records.map((record) => toLambdaRecord(record, arn));
    } finally {
      dynamodb.destroy();
      streams.destroy();
    }
  };

  return {
    app,
    services,
    notifications,
    outbox,
    dataDir,
    mails,
    streamRecords,
    setClock: (offset) => {
      offsetMs = offset;
    },
    stop: async () => {
      await notifications.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
};
