import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSqsFanoutQueue, parseQueueMessage } from '../functions/notify/fanout-queue.js';
import { createEventBridgeReminderScheduler, scheduleName } from '../functions/notify/reminder-scheduler.js';
import { mailConfig, resetConfig } from '../functions/wiring/config.js';

/**
 * The AWS adapters of the notification path, through the real SDK clients, against a local
 * HTTP endpoint that stands in for the service: what goes over the wire is what AWS gets.
 */

interface Seen {
  method: string;
  path: string;
  target: string | undefined;
  body: Record<string, unknown>;
}

type Answer = { status: number; body: unknown; errorType?: string };

let server: Server;
let endpoint: string;
let seen: Seen[] = [];
let answers: ((request: Seen) => Answer | undefined)[] = [];

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((done) => {
    let text = '';
    req.on('data', (chunk) => {
      text += chunk;
    });
    req.on('end', () => done(text));
  });

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const text = await readBody(req);
    const request: Seen = {
      method: req.method ?? '',
      path: req.url ?? '',
      target: req.headers['x-amz-target'] as string | undefined,
      body: text ? JSON.parse(text) : {},
    };
    seen.push(request);
    const answer = answers.map((answerFor) => answerFor(request)).find(Boolean) ?? { status: 200, body: {} };
    res.writeHead(answer.status, {
      'content-type': 'application/json',
      ...(answer.errorType ? { 'x-amzn-errortype': answer.errorType } : {}),
    });
    res.end(JSON.stringify(answer.body));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((done) => server.close(() => done())));
afterEach(() => {
  seen = [];
  answers = [];
});

const clientConfig = () => ({
  endpoint,
  region: 'eu-west-3',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  maxAttempts: 1,
});

describe('EventBridge Scheduler reminders', () => {
  const settings = {
    scheduleGroup: 'inscriptions-reminders',
    remindFunctionArn: 'arn:aws:lambda:eu-west-3:123456789012:function:remind',
    schedulerRoleArn: 'arn:aws:iam::123456789012:role/scheduler-invoke-remind',
  };
  const scheduler = () => createEventBridgeReminderScheduler(settings, new SchedulerClient(clientConfig()));
  const now = new Date('2030-03-01T00:00:00.000Z');
  const slots = [
    { window: '24h' as const, at: '2030-03-31T08:00:00.000Z' },
    { window: '1h' as const, at: '2030-04-01T07:00:00.000Z' },
  ];

  it('creates one-time schedules in the group, targeting the remind function, deleting themselves', async () => {
    answers.push(() => ({ status: 200, body: { ScheduleArn: 'arn:aws:scheduler:::schedule/x' } }));
    await scheduler().replace('evt_1', slots, now);

    expect(seen.map((request) => `${request.method} ${request.path}`)).toEqual([
      'POST /schedules/reminder-24h-evt_1',
      'POST /schedules/reminder-1h-evt_1',
    ]);
    expect(seen[0]?.body).toMatchObject({
      GroupName: 'inscriptions-reminders',
      ScheduleExpression: 'at(2030-03-31T08:00:00)',
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      Target: { Arn: settings.remindFunctionArn, RoleArn: settings.schedulerRoleArn },
    });
    const target = seen[1]?.body.Target as { Input?: string } | undefined;
    expect(JSON.parse(String(target?.Input))).toEqual({
      eventId: 'evt_1',
      window: '1h',
    });
  });

  it('an existing schedule (a replay, a moved event) is updated in place', async () => {
    answers.push((request) =>
      request.method === 'POST'
        ? { status: 409, body: { Message: 'Schedule already exists.' }, errorType: 'ConflictException' }
        : undefined,
    );
    await scheduler().replace('evt_1', slots.slice(0, 1), now, ['1h']);

    expect(seen.map((request) => `${request.method} ${request.path.split('?')[0]}`)).toEqual([
      'POST /schedules/reminder-24h-evt_1',
      'PUT /schedules/reminder-24h-evt_1',
      'DELETE /schedules/reminder-1h-evt_1',
    ]);
    expect(seen[1]?.body).toMatchObject({
      ScheduleExpression: 'at(2030-03-31T08:00:00)',
      ActionAfterCompletion: 'DELETE',
    });
  });

  it('removing (event cancelled) deletes both; missing ones (already fired) are fine; past slots are not made', async () => {
    answers.push((request) =>
      request.method === 'DELETE'
        ? { status: 404, body: { Message: 'not found' }, errorType: 'ResourceNotFoundException' }
        : undefined,
    );
    await scheduler().replace('evt_1', [], now, ['24h', '1h']);
    await scheduler().replace('evt_1', slots, new Date('2030-03-31T12:00:00.000Z'));

    expect(seen.map((request) => `${request.method} ${request.path.split('?')[0]}`)).toEqual([
      'DELETE /schedules/reminder-24h-evt_1',
      'DELETE /schedules/reminder-1h-evt_1',
      'DELETE /schedules/reminder-24h-evt_1',
      'POST /schedules/reminder-1h-evt_1',
    ]);
    expect(seen[0]?.path).toContain('groupName=inscriptions-reminders');
  });

  it('other errors go up (the stream retries the record)', async () => {
    answers.push(() => ({ status: 400, body: { Message: 'bad role' }, errorType: 'ValidationException' }));
    await expect(scheduler().replace('evt_1', slots, now)).rejects.toThrow(/bad role/);
  });

  it('schedule names stay within what EventBridge accepts', () => {
    expect(scheduleName('un-patron-doit-il-tweeter', '24h')).toBe('reminder-24h-un-patron-doit-il-tweeter');
    const long = scheduleName('x'.repeat(80), '1h');
    expect(long).toMatch(/^reminder-1h-[0-9a-f]{40}$/);
    expect(scheduleName('évènement', '1h')).toMatch(/^[0-9A-Za-z_.-]{1,64}$/);
  });
});

describe('SQS fan-out queue', () => {
  it('sends the job as the message body to the configured queue', async () => {
    answers.push((request) => ({
      status: 200,
      body: {
        MessageId: 'm-1',
        MD5OfMessageBody: createHash('md5').update(String(request.body.MessageBody)).digest('hex'),
      },
    }));
    const queueUrl = 'https://sqs.eu-west-3.amazonaws.com/123456789012/fanout';
    const queue = createSqsFanoutQueue(queueUrl, new SQSClient(clientConfig()));
    const job = {
      type: 'page' as const,
      job: { kind: 'event_changed' as const, eventId: 'evt_1', sequence: 2 },
    };

    await queue.enqueue(job);

    expect(seen).toHaveLength(1);
    expect(seen[0]?.target).toBe('AmazonSQS.SendMessage');
    expect(seen[0]?.body.QueueUrl).toBe(queueUrl);
    expect(parseQueueMessage(String(seen[0]?.body.MessageBody))).toEqual(job);
  });

  it('refuses bodies that are not fan-out jobs', () => {
    expect(() => parseQueueMessage('{"type":"other"}')).toThrow();
    expect(() => parseQueueMessage('{"type":"page","job":{}}')).toThrow();
  });
});

describe('configuration', () => {
  it('each Lambda entry point builds its wiring from the environment it is given', async () => {
    const env = {
      AWS_REGION: 'eu-west-3',
      TABLE_NAME: 'inscriptions',
      MANAGE_TOKEN_KEY: Buffer.alloc(32, 7).toString('base64'),
      MAIL_FROM: 'inscriptions@example.org',
      QUEUE_URL: 'https://sqs.eu-west-3.amazonaws.com/123456789012/fanout',
      SCHEDULE_GROUP: 'inscriptions-reminders',
      REMIND_FUNCTION_ARN: 'arn:aws:lambda:eu-west-3:123456789012:function:remind',
      SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/scheduler',
    };
    const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
    Object.assign(process.env, env);
    resetConfig();
    try {
      const notify = await import('../functions/stream/notify.js');
      const fanout = await import('../functions/queue/fanout.js');
      const remind = await import('../functions/scheduled/remind.js');
      expect(await notify.handler({ Records: [] })).toEqual({ batchItemFailures: [] });
      expect(await fanout.handler({ Records: [] })).toEqual({ batchItemFailures: [] });
      await expect(remind.handler({ eventId: 'evt_1', window: 'soon' } as never)).rejects.toThrow(/window/);
      // The remind function needs neither the token key nor the mail settings.
      delete process.env.MANAGE_TOKEN_KEY;
      delete process.env.MAIL_FROM;
      resetConfig();
      const fresh = await import('../functions/scheduled/remind.js?bare' as string);
      await expect(fresh.handler({ eventId: 'evt_1', window: 'soon' })).rejects.toThrow(/window/);
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      resetConfig();
    }
  });

  it('MAIL_FROM falls back locally, is required in Lambda', () => {
    const saved = { from: process.env.MAIL_FROM, lambda: process.env.AWS_LAMBDA_FUNCTION_NAME };
    try {
      delete process.env.MAIL_FROM;
      delete process.env.AWS_LAMBDA_FUNCTION_NAME;
      expect(mailConfig().from).toBe('inscriptions@localhost');
      process.env.AWS_LAMBDA_FUNCTION_NAME = 'notify';
      expect(() => mailConfig()).toThrow(/MAIL_FROM/);
      process.env.MAIL_FROM = 'inscriptions@example.org';
      expect(mailConfig().from).toBe('inscriptions@example.org');
    } finally {
      for (const [name, value] of [
        ['MAIL_FROM', saved.from],
        ['AWS_LAMBDA_FUNCTION_NAME', saved.lambda],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      resetConfig();
    }
  });
});
