import { once } from 'node:events';
import { appendFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import PostalMime from 'postal-mime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeMessage } from '../functions/mail/compose.js';
import { createSesClient, createSesMailer } from '../functions/mail/ses-mailer.js';
import { outcomeUnknown } from '../functions/notify/ledger.js';
import { createLocalIssuer } from '../local/auth.js';
import { createOutbox, type Outbox } from '../local/outbox.js';
import { createLocalServer } from '../local/server.js';
import { rawGet } from './support/raw-http.js';

/**
 * Both Mailer adapters: the local outbox (files, index, HTTP routes of the local server)
 * and SES v2, whose only stand-in is the SES endpoint itself, a local HTTP server.
 */

let tmp: string;

beforeAll(async () => {
  process.env.LOG_LEVEL = 'silent';
  tmp = await mkdtemp(join(tmpdir(), 'outbox-'));
});

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

const message = (to: string, subject: string) =>
  composeMessage({
    from: { name: 'Media Aces', address: 'inscriptions@mail.example.org' },
    replyTo: { name: 'Media Aces', address: 'contact@media-aces.example' },
    to: { name: 'Camille', address: to },
    subject,
    text: 'Bonjour,\n\nÀ bientôt.',
    html: '<p>Bonjour,</p><p>À bientôt.</p>',
  });

/** A clock that moves one second per call, so the order is certain. */
const steppingClock = (start = Date.parse('2026-03-01T08:00:00.000Z')) => {
  let tick = 0;
  return () => new Date(start + 1000 * tick++);
};

describe('local outbox', () => {
  it('writes each message byte for byte and lists it newest first', async () => {
    const outbox = createOutbox(join(tmp, 'a'), { now: steppingClock() });
    const first = await message('camille@example.com', 'Inscription confirmée : Café & CRM');
    const second = await message('sam@example.com', 'Registration confirmed: Social selling');
    const third = await message('Camille@Example.com', 'Rappel : Café & CRM');
    const ids = [];
    for (const [to, composed] of [
      ['camille@example.com', first],
      ['sam@example.com', second],
      ['Camille@Example.com', third],
    ] as const) {
      ids.push((await outbox.send({ to, raw: composed.raw })).id);
    }

    expect((await outbox.read(ids[0] ?? ''))?.equals(first.raw)).toBe(true);
    expect((await outbox.read(ids[1] ?? ''))?.equals(second.raw)).toBe(true);
    const files = await readdir(outbox.dir);
    expect(files.sort()).toEqual([...ids.map((id) => `${id}.eml`), 'index.jsonl'].sort());

    const all = await outbox.list();
    expect(all.map((entry) => entry.id)).toEqual([ids[2], ids[1], ids[0]]);
    expect(all[2]).toEqual({
      id: ids[0],
      to: 'camille@example.com',
      // Decoded, as a mail client shows it.
      subject: 'Inscription confirmée : Café & CRM',
      sentAt: '2026-03-01T08:00:00.000Z',
    });
    expect((await outbox.list({ to: 'CAMILLE@example.com' })).map((entry) => entry.id)).toEqual([
      ids[2],
      ids[0],
    ]);
    expect(await outbox.list({ to: 'nobody@example.com' })).toEqual([]);
  });

  it('keeps the sending order within one millisecond', async () => {
    const outbox = createOutbox(join(tmp, 'b'), { now: () => new Date('2026-03-01T08:00:00.000Z') });
    const ids = [];
    for (const n of [1, 2, 3]) {
      const { raw } = await message('camille@example.com', `Message ${n}`);
      ids.push((await outbox.send({ to: 'camille@example.com', raw })).id);
    }
    expect((await outbox.list()).map((entry) => entry.subject)).toEqual([
      'Message 3',
      'Message 2',
      'Message 1',
    ]);
  });

  it('is empty before the first message, and skips a line cut short by a crash', async () => {
    const outbox = createOutbox(join(tmp, 'c'));
    expect(await outbox.list()).toEqual([]);
    const { raw } = await message('camille@example.com', 'Avant');
    await outbox.send({ to: 'camille@example.com', raw });
    await appendFile(join(outbox.dir, 'index.jsonl'), '{"id": "2026');
    expect((await outbox.list()).map((entry) => entry.subject)).toEqual(['Avant']);
  });

  it('reads only ids it made: unknown and traversing ids are undefined', async () => {
    const dir = join(tmp, 'd');
    const outbox = createOutbox(dir);
    const { raw } = await message('camille@example.com', 'Sujet');
    await outbox.send({ to: 'camille@example.com', raw });
    await writeFile(join(tmp, 'secret.eml'), 'not yours');
    for (const id of [
      '../secret',
      '..%2fsecret',
      'index.jsonl',
      'index',
      '',
      '20260301T080000000Z-000000000000',
    ]) {
      expect(await outbox.read(id)).toBeUndefined();
    }
  });
});

describe('outbox over HTTP', () => {
  let server: Server;
  let bare: Server;
  let base: string;
  let bareBase: string;
  let outbox: Outbox;
  const sent: { id: string; raw: Buffer }[] = [];

  const listen = async (s: Server): Promise<string> => {
    s.listen(0, '127.0.0.1');
    await once(s, 'listening');
    return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  };

  beforeAll(async () => {
    outbox = createOutbox(join(tmp, 'http'), { now: steppingClock() });
    for (const [to, subject] of [
      ['camille@example.com', 'Inscription confirmée : Café'],
      ['sam@example.com', 'Waiting list: Social selling'],
    ] as const) {
      const { raw } = await message(to, subject);
      sent.push({ id: (await outbox.send({ to, raw })).id, raw });
    }
    const issuer = await createLocalIssuer({
      dataDir: join(tmp, 'issuer'),
      issuer: 'http://127.0.0.1/local',
    });
    server = createLocalServer({ issuer, organiserIds: [], webDir: join(tmp, 'web'), outbox });
    bare = createLocalServer({ issuer, organiserIds: [], webDir: join(tmp, 'web') });
    base = await listen(server);
    bareBase = await listen(bare);
  });

  afterAll(async () => {
    for (const s of [server, bare]) {
      if (!s) continue;
      s.closeAllConnections();
      await new Promise((done) => s.close(done));
    }
  });

  it('lists the emails, newest first, filtered by recipient', async () => {
    const all = await fetch(`${base}/local/outbox`);
    expect(all.status).toBe(200);
    expect(all.headers.get('content-type')).toMatch(/^application\/json/);
    const body = await all.json();
    expect(body).toEqual({
      emails: [
        {
          id: sent[1]?.id,
          to: 'sam@example.com',
          subject: 'Waiting list: Social selling',
          sentAt: expect.any(String),
        },
        {
          id: sent[0]?.id,
          to: 'camille@example.com',
          subject: 'Inscription confirmée : Café',
          sentAt: expect.any(String),
        },
      ],
    });
    const one = await (
      await fetch(`${base}/local/outbox?to=${encodeURIComponent('camille@example.com')}`)
    ).json();
    expect(one.emails.map((email: { id: string }) => email.id)).toEqual([sent[0]?.id]);
  });

  it('serves one email as message/rfc822, byte for byte, and a parser reads it', async () => {
    const response = await fetch(`${base}/local/outbox/${sent[0]?.id}.eml`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('message/rfc822');
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.equals(sent[0]?.raw ?? Buffer.alloc(0))).toBe(true);
    expect((await PostalMime.parse(bytes)).subject).toBe('Inscription confirmée : Café');
  });

  it('answers 404 in the contract shape for an unknown or malformed id', async () => {
    for (const path of [
      '/local/outbox/20260301T080000000Z-000000000000.eml',
      '/local/outbox/nope.eml',
      '/local/outbox/../../package.json',
      '/local/outbox/..%2f..%2fsecret.eml',
      `/local/outbox/${sent[0]?.id}`,
    ]) {
      const { status, body } = await rawGet(base, path);
      expect(status, path).toBe(404);
      if (path.startsWith('/local/outbox/')) expect(JSON.parse(body).error.code).toBe('not_found');
    }
  });

  it('refuses other methods', async () => {
    const response = await fetch(`${base}/local/outbox`, { method: 'DELETE' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET');
  });

  it('is not there without an outbox', async () => {
    const response = await fetch(`${bareBase}/local/outbox`);
    expect(response.status).toBe(404);
    expect((await response.json()).error.code).toBe('not_found');
  });
});

describe('SES v2 mailer', () => {
  /** Stands in for the SES v2 endpoint: records each request, answers what the test says. */
  let ses: Server;
  let endpoint: string;
  const requests: { method?: string; url?: string; headers: IncomingMessage['headers']; body: string }[] = [];
  type Answer = { status: number; headers?: Record<string, string>; body: unknown } | { drop: true };
  let answer: Answer = { status: 200, body: { MessageId: 'ses-0001' } };
  /** Answers for the next requests, in order, before `answer`; `drop` closes the connection unanswered. */
  let answers: Answer[] = [];

  beforeAll(async () => {
    ses = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      requests.push({
        method: req.method,
        url: req.url,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const next = answers.shift() ?? answer;
      if ('drop' in next) {
        req.socket.destroy();
        return;
      }
      res.writeHead(next.status, { 'content-type': 'application/json', ...next.headers });
      res.end(JSON.stringify(next.body));
    });
    ses.listen(0, '127.0.0.1');
    await once(ses, 'listening');
    endpoint = `http://127.0.0.1:${(ses.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    ses?.closeAllConnections();
    await new Promise((done) => ses?.close(done));
  });

  const client = () =>
    new SESv2Client({
      endpoint,
      region: 'eu-west-3',
      credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret' },
      // One attempt: a failure must reach the caller, whose queue does the retrying.
      maxAttempts: 1,
    });

  it('sends the raw bytes to the one recipient, with the configuration set', async () => {
    requests.length = 0;
    answer = { status: 200, body: { MessageId: 'ses-0001' } };
    const { raw } = await message('camille@example.com', 'Inscription confirmée : Café');
    const mailer = createSesMailer({ client: client(), configurationSetName: 'registrations' });

    expect(await mailer.send({ to: 'camille@example.com', raw })).toEqual({ id: 'ses-0001' });

    expect(requests).toHaveLength(1);
    const [request] = requests;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/v2/email/outbound-emails');
    expect(request?.headers['content-type']).toMatch(/^application\/json/);
    expect(request?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDTEST\/\d{8}\/eu-west-3\/ses\//,
    );
    expect(JSON.parse(request?.body ?? '')).toEqual({
      Content: { Raw: { Data: raw.toString('base64') } },
      Destination: { ToAddresses: ['camille@example.com'] },
      ConfigurationSetName: 'registrations',
    });
  });

  it('sends no configuration set when none is configured', async () => {
    requests.length = 0;
    answer = { status: 200, body: { MessageId: 'ses-0002' } };
    const { raw } = await message('sam@example.com', 'Hello');
    await createSesMailer({ client: client() }).send({ to: 'sam@example.com', raw });
    expect(JSON.parse(requests[0]?.body ?? '')).not.toHaveProperty('ConfigurationSetName');
  });

  it('lets a throttle reach the caller', async () => {
    requests.length = 0;
    answer = {
      status: 429,
      headers: { 'x-amzn-errortype': 'TooManyRequestsException' },
      body: { message: 'Maximum sending rate exceeded.' },
    };
    const { raw } = await message('camille@example.com', 'Sujet');
    await expect(
      createSesMailer({ client: client() }).send({ to: 'camille@example.com', raw }),
    ).rejects.toMatchObject({
      name: 'TooManyRequestsException',
      $metadata: { httpStatusCode: 429 },
    });
    expect(requests).toHaveLength(1);
  });

  describe('the client AWS runs with (createSesClient)', () => {
    const awsClient = () =>
      createSesClient({
        endpoint,
        region: 'eu-west-3',
        credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret' },
      });
    const throttled: Answer = {
      status: 429,
      headers: { 'x-amzn-errortype': 'TooManyRequestsException' },
      body: { message: 'Maximum sending rate exceeded.' },
    };

    it('asks once even when throttled: the ledger gives the send back for the caller’s retry', async () => {
      requests.length = 0;
      answers = [throttled, { status: 200, body: { MessageId: 'ses-0003' } }];
      const { raw } = await message('camille@example.com', 'Sujet');
      await expect(
        createSesMailer({ client: awsClient() }).send({ to: 'camille@example.com', raw }),
      ).rejects.toMatchObject({ name: 'TooManyRequestsException' });
      expect(requests).toHaveLength(1);
    });

    it('never sends again after a connection that dropped: the message may have gone', async () => {
      requests.length = 0;
      answers = [{ drop: true }];
      const { raw } = await message('camille@example.com', 'Sujet');
      const failure = await createSesMailer({ client: awsClient() })
        .send({ to: 'camille@example.com', raw })
        .catch((error: unknown) => error);
      expect(requests).toHaveLength(1);
      // The ledger reads it as an unknown outcome: it keeps its claim for the stuck-claim sweep.
      expect(outcomeUnknown(failure)).toBe(true);
    });

    it('leaves a server error to the ledger and the caller’s retry', async () => {
      requests.length = 0;
      answers = [{ status: 503, body: { message: 'Service unavailable' } }];
      const { raw } = await message('camille@example.com', 'Sujet');
      await expect(
        createSesMailer({ client: awsClient() }).send({ to: 'camille@example.com', raw }),
      ).rejects.toMatchObject({ $metadata: { httpStatusCode: 503 } });
      expect(requests).toHaveLength(1);
    });
  });

  it('lets a server error reach the caller', async () => {
    requests.length = 0;
    answer = { status: 503, body: { message: 'Service unavailable' } };
    const { raw } = await message('camille@example.com', 'Sujet');
    await expect(
      createSesMailer({ client: client() }).send({ to: 'camille@example.com', raw }),
    ).rejects.toMatchObject({
      $metadata: { httpStatusCode: 503 },
    });
    expect(requests).toHaveLength(1);
  });
});

// The index stays readable by any tool: one JSON object per line.
describe('outbox index', () => {
  it('is one JSON object per line', async () => {
    const outbox = createOutbox(join(tmp, 'e'));
    const { raw } = await message('camille@example.com', 'Ligne');
    const { id } = await outbox.send({ to: 'camille@example.com', raw });
    const lines = (await readFile(join(outbox.dir, 'index.jsonl'), 'utf8')).trim().split('\n');
    expect(lines.map((line) => JSON.parse(line).id)).toEqual([id]);
  });

  it('keeps listing the messages sent after a line a crash cut short', async () => {
    const outbox = createOutbox(join(tmp, 'torn'));
    const first = await outbox.send({ to: 'a@example.com', raw: (await message('a@example.com', 'Un')).raw });
    // Killed half-way through appending the next entry: no line feed after it.
    await appendFile(join(outbox.dir, 'index.jsonl'), '{"id":"2026-01-01T00-00-00-000Z-torn","to":"b@exa');
    const third = await outbox.send({
      to: 'c@example.com',
      raw: (await message('c@example.com', 'Trois')).raw,
    });
    expect((await outbox.list()).map((entry) => entry.id).sort()).toEqual([first.id, third.id].sort());
  });
});
