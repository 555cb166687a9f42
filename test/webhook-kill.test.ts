import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, setServices } from '../functions/wiring/services.js';
import { BASE_URL, REPLY_DOMAIN, startTestApp, type TestApp } from './support/app.js';
import { spawnOverTable } from './support/dynamo.js';

/**
 * Owed webhook deliveries under kill -9: the local runtime's notification side in its own
 * process (test/support/webhook-child.ts) delivers to a receiver here, which verifies each
 * request with the Standard Webhooks library and records its webhook-id. The runtime is
 * SIGKILLed again and again: while the receiver holds a request (slow to answer), after the
 * receiver has refused deliveries with a 500 (their retries waiting), and at a random instant
 * while it delivers; people register between the kills. A last runtime drains what is owed.
 * Every delivery must have been accepted at least once, a second copy always with the same
 * webhook-id (so receivers can drop it).
 */

const CHILD = fileURLToPath(new URL('./support/webhook-child.ts', import.meta.url));
const ORGANISER = 'wh-kill';
const ROUNDS: Mode[] = ['slow', 'failing', 'instant', 'slow', 'failing', 'instant'];
const PER_ROUND = 5;
const SLOW_MS = 400;

/** How the receiver behaves in a round, and when the runtime is killed. */
type Mode =
  /** Answers after SLOW_MS; the runtime dies while the receiver holds the n-th request. */
  | 'slow'
  /** Refuses each delivery the first time (500); the runtime dies right after the n-th refusal. */
  | 'failing'
  /** Answers at once; the runtime dies at a random instant after the n-th request. */
  | 'instant';

interface Received {
  webhookId: string;
  registrationId: string;
  /** What the receiver answered (an answer to a killed runtime is lost, but the receiver had it). */
  status: number;
}

let app: TestApp;
let dataDir = '';
let server: Server;
let port = 0;
let secret = '';
let mode: Mode | 'drain' = 'drain';
let onRequest: (count: number) => void = () => {};
let roundRequests = 0;
const received: Received[] = [];
const forged: IncomingHttpHeaders[] = [];
const refused = new Set<string>();

const answer = (webhookId: string): { status: number; delayMs: number } => {
  if (mode === 'slow') return { status: 204, delayMs: SLOW_MS };
  if (mode === 'failing' && !refused.has(webhookId)) {
    refused.add(webhookId);
    return { status: 500, delayMs: 0 };
  }
  return { status: 204, delayMs: 0 };
};

beforeAll(async () => {
  process.env.LOG_LEVEL ??= 'silent';
  app = await startTestApp();
  // As `npm start` (and the child): webhooks may go to a receiver on 127.0.0.1.
  setServices(
    createServices({
      db: app.doc,
      tableName: app.tableName,
      baseUrl: BASE_URL,
      tokenKey: app.tokenKey,
      holdMinutes: 120,
      replyDomain: REPLY_DOMAIN,
      allowLoopbackWebhooks: true,
    }),
  );
  dataDir = await mkdtemp(join(tmpdir(), 'webhook-kill-'));
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let payload: { data: { registration: { id: string } } };
      try {
        payload = new Webhook(secret).verify(
          body,
          request.headers as Record<string, string>,
        ) as typeof payload;
      } catch {
        forged.push(request.headers);
        response.writeHead(401).end();
        return;
      }
      const webhookId = String(request.headers['webhook-id']);
      const { status, delayMs } = answer(webhookId);
      received.push({ webhookId, registrationId: payload.data.registration.id, status });
      setTimeout(() => response.writeHead(status).end(), delayMs);
      onRequest(++roundRequests);
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((done) => server?.close(done));
  await rm(dataDir, { recursive: true, force: true });
});

const startChild = (childMode: 'run' | 'drain'): ChildProcess =>
  spawnOverTable(CHILD, app.tableName, {
    MODE: childMode,
    DATA_DIR: dataDir,
    TOKEN_KEY: app.tokenKey.toString('hex'),
  });

/** How a child ended, with what it printed. */
const ended = (child: ChildProcess) => {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  return new Promise<{ end: NodeJS.Signals | number | null; stdout: string; stderr: string }>((done) =>
    child.once('exit', (code, signal) => done({ end: signal ?? code, stdout, stderr })),
  );
};

/** A seeded pseudo-random sequence, so a failing run can be replayed. */
const seeded = (seed: number) => () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
};

describe('owed webhook deliveries under kill -9', () => {
  it('every delivery arrives at least once, a second copy only with the same webhook-id', {
    timeout: 180_000,
  }, async () => {
    const created = await app.call('POST', '/api/admin/webhooks', {
      organiser: ORGANISER,
      body: { url: `http://127.0.0.1:${port}/hooks`, events: ['registration.created'] },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    secret = created.body.secret;
    const eventId = await app.publishedEvent({ capacity: ROUNDS.length * PER_ROUND }, ORGANISER);

    const owed: string[] = [];
    const random = seeded(Number(process.env.KILL_SEED ?? 20261130));
    for (const [round, roundMode] of ROUNDS.entries()) {
      for (let i = 0; i < PER_ROUND; i++) {
        const response = await app.call('POST', `/api/events/${eventId}/registrations`, {
          body: { name: `Personne ${round}-${i}`, email: `owed${round}-${i}@example.com`, consent: true },
          sourceIp: `10.0.${round}.${i + 1}`,
        });
        expect(response.status).toBe(201);
        owed.push(response.body.registration.id);
      }
      mode = roundMode;
      roundRequests = 0;
      const killAt = 1 + Math.floor(random() * 4);
      const delay = roundMode === 'instant' ? Math.floor(random() * 100) : 0;
      const child = startChild('run');
      const exit = ended(child);
      onRequest = (count) => {
        if (count === killAt) setTimeout(() => child.kill('SIGKILL'), delay);
      };
      const { end, stderr } = await exit;
      onRequest = () => {};
      expect(end, `the runtime ended on its own: ${stderr}`).toBe('SIGKILL');
    }

    mode = 'drain';
    const drain = startChild('drain');
    const { end, stdout, stderr } = await ended(drain);
    expect(end, stderr).toBe(0);
    expect(JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}')).toEqual({ waiting: 0 });

    const accepted = received.filter((request) => request.status < 300);
    const idsOf = new Map<string, Set<string>>();
    for (const request of received) {
      idsOf.set(
        request.registrationId,
        (idsOf.get(request.registrationId) ?? new Set()).add(request.webhookId),
      );
    }
    const arrived = new Set(accepted.map((request) => request.registrationId));
    const duplicates = accepted.length - new Set(accepted.map((request) => request.webhookId)).size;
    const retriedAfterRefusal = [...refused].filter((id) =>
      accepted.some((request) => request.webhookId === id),
    ).length;
    console.info(
      `${ROUNDS.length} kills: ${owed.length} deliveries owed, ${arrived.size} accepted, ${duplicates} accepted twice ` +
        `(same webhook-id); ${received.length} requests in all, ${refused.size} refused with 500 and ` +
        `${retriedAfterRefusal} of those accepted on a retry`,
    );

    expect(forged).toEqual([]);
    expect(owed.filter((id) => !arrived.has(id))).toEqual([]);
    expect([...arrived].sort()).toEqual([...owed].sort());
    // One webhook-id per delivery, on every copy and every retry.
    for (const id of owed) expect(idsOf.get(id)?.size, id).toBe(1);
    // The kills did catch deliveries in flight and retries waiting.
    expect(duplicates).toBeGreaterThan(0);
    expect(retriedAfterRefusal).toBe(refused.size);
    expect(refused.size).toBeGreaterThan(0);

    // The delivery log agrees, and the queue is empty.
    const webhookId = created.body.id as string;
    const log = await app.call('GET', `/api/admin/webhooks/${webhookId}/deliveries`, {
      organiser: ORGANISER,
    });
    expect(log.body.items).toHaveLength(owed.length);
    for (const line of log.body.items) expect(line.status).toBe('delivered');
    expect(await readdir(join(dataDir, 'webhook-queue'))).toEqual([]);
  });
});
