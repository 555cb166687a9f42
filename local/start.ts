import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { receiveCalendarAnswer } from '../functions/inbound/receive.js';
import {
  REGISTRATIONS_PER_CLIENT,
  REGISTRATIONS_PER_CLIENT_PER_EVENT,
} from '../functions/platform/rate-limiter.js';
import { reconcileAll } from '../functions/registrations/reconcile.js';
import { createDocumentClient } from '../functions/wiring/clients.js';
import { config, LOCAL_REPLY_DOMAIN, mailConfig, resetConfig } from '../functions/wiring/config.js';
import { createServices, setServices } from '../functions/wiring/services.js';
import { createLocalIssuer, LOCAL_AGENCY_EMAIL, localAdminPassword, localUserEmail } from './auth.js';
import { createTable } from './create-table.js';
import { type DynamoDbLocal, localClientConfig, startDynamoDbLocal, stopLeftover } from './dynamodb-local.js';
import { startLocalNotifications } from './notifications.js';
import { createOutbox } from './outbox.js';
import { demoOrganisers, seedDemo } from './seed.js';
import { createLocalServer } from './server.js';
import { LOCAL_ENDPOINT_FILE } from './start-files.js';
import { remindOnce, tick } from './tick.js';

/** `npm start`: the whole system on one machine, DynamoDB Local included. */

const TABLE_NAME = 'registrations-local';
const TICK_MS = 60_000;
const RECONCILE_MS = 3_600_000;
const projectDir = fileURLToPath(new URL('..', import.meta.url));
const webDir = join(projectDir, 'web', 'dist');

const step = (text: string) => console.log(`• ${text}`);

/** Everything started so far, stopped in reverse order on Ctrl-C or on a failed start. */
const cleanups: (() => Promise<void> | void)[] = [];
let stopping = false;

const shutdown = async (code: number): Promise<never> => {
  if (!stopping) {
    stopping = true;
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        console.error(`While stopping: ${(error as Error).message}`);
      }
    }
  }
  process.exit(code);
};

const fail = async (message: string): Promise<never> => {
  console.error(`\n${message}`);
  return shutdown(1);
};

/** Binds and releases the port at once, to fail before the slow steps when it is taken. */
const portFree = (port: number): Promise<boolean> =>
  new Promise((done) => {
    const probe = createNetServer();
    probe.once('error', () => done(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => done(true)));
  });

const listen = (server: Server, port: number): Promise<void> =>
  new Promise((done, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      done();
    });
  });

/** The key sealing manage tokens: from the environment, else kept in DATA_DIR so links survive restarts. */
const manageTokenKey = async (dataDir: string): Promise<string> => {
  if (process.env.MANAGE_TOKEN_KEY) return process.env.MANAGE_TOKEN_KEY;
  const path = join(dataDir, 'manage-token-key');
  if (existsSync(path)) return (await readFile(path, 'utf8')).trim();
  const key = randomBytes(32).toString('base64');
  await writeFile(path, `${key}\n`, { mode: 0o600 });
  return key;
};

const main = async () => {
  const started = performance.now();
  const fresh = process.argv.includes('--fresh') || process.env.FRESH === '1';
  const replay = process.argv.includes('--replay-dead-letters');
  const port = Number(process.env.PORT || 3000);
  if (!Number.isInteger(port) || port < 1 || port > 65_535)
    return fail(`PORT must be a port number, got "${process.env.PORT}"`);
  const dataDir = resolve(process.env.DATA_DIR || '.data');
  const baseUrl = `http://127.0.0.1:${port}`;
  const portInUse = `Port ${port} is in use; set PORT=${port + 1} npm start`;

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      console.log('\nStopping…');
      void shutdown(0);
    });
  }

  if (!(await portFree(port))) return fail(portInUse);
  await mkdir(dataDir, { recursive: true });

  if (existsSync(join(projectDir, 'web', 'build.ts'))) {
    step('Building the web pages');
    const { buildWeb } = (await import(pathToFileURL(join(projectDir, 'web', 'build.ts')).href)) as {
      buildWeb: (outDir?: string) => Promise<void>;
    };
    await buildWeb(webDir);
  }

  const dbDir = join(dataDir, 'dynamodb');
  if (fresh) {
    step(`Starting fresh: deleting ${dbDir}`);
    await stopLeftover(dbDir); // before its pid file goes with the folder
    await rm(dbDir, { recursive: true, force: true });
  }

  step('Starting DynamoDB Local');
  let dynamo: DynamoDbLocal;
  try {
    dynamo = await startDynamoDbLocal({ dataDir: dbDir });
  } catch (error) {
    return fail((error as Error).message); // e.g. the clear "needs a Java runtime" message
  }
  cleanups.push(() => dynamo.stop());
  // `npm run reconcile` runs beside us and finds DynamoDB Local here.
  const endpointFile = join(dataDir, LOCAL_ENDPOINT_FILE);
  await writeFile(endpointFile, `${dynamo.endpoint}\n`);
  cleanups.push(() => rm(endpointFile, { force: true }));

  step(`Creating the table ${TABLE_NAME}`);
  const client = new DynamoDBClient(localClientConfig(dynamo.endpoint));
  await createTable(client, TABLE_NAME);
  client.destroy();

  Object.assign(process.env, {
    TABLE_NAME,
    PUBLIC_BASE_URL: baseUrl,
    MANAGE_TOKEN_KEY: await manageTokenKey(dataDir),
    DYNAMODB_ENDPOINT: dynamo.endpoint,
  });
  resetConfig();
  const { manageTokenKey: tokenKey, pendingHoldMinutes } = config();
  const doc = createDocumentClient(localClientConfig(dynamo.endpoint));
  const services = createServices({
    db: doc,
    tableName: TABLE_NAME,
    baseUrl,
    tokenKey,
    holdMinutes: pendingHoldMinutes,
    // As in AWS: 30 registrations per client in ten minutes, 15 of them for one event
    // (REGISTRATIONS_PER_CLIENT and REGISTRATIONS_PER_CLIENT_PER_EVENT to change).
    registrationsPerClient: Number(process.env.REGISTRATIONS_PER_CLIENT) || REGISTRATIONS_PER_CLIENT.limit,
    registrationsPerClientPerEvent:
      Number(process.env.REGISTRATIONS_PER_CLIENT_PER_EVENT) || REGISTRATIONS_PER_CLIENT_PER_EVENT.limit,
    // The outbox's domain: calendar answers come back through POST /local/inbound.
    replyDomain: process.env.REPLY_DOMAIN || LOCAL_REPLY_DOMAIN,
    // A receiver under development: webhooks may go to http://127.0.0.1 here (never in AWS).
    allowLoopbackWebhooks: true,
  });
  setServices(services);

  // Emails are files here; each one sent is announced on one console line. The address is
  // printed: this console is the developer's own, not a log that is kept anywhere.
  const outbox = createOutbox(join(dataDir, 'outbox'));
  step('Starting the notifications (table stream -> notify -> outbox)');
  const notifications = await startLocalNotifications({
    endpoint: dynamo.endpoint,
    doc,
    tableName: TABLE_NAME,
    services,
    baseUrl,
    tokenKey,
    mailer: outbox,
    mailFrom: mailConfig().from,
    dataDir,
    onSent: ({ to, subject, mailId }) =>
      console.log(`✉ ${to}  "${subject}"  ${baseUrl}/local/outbox/${mailId}.eml`),
    onDeadLetter: (source, reason) =>
      console.error(
        `✗ A notification kept failing (${source}: ${reason}); kept in ${join(dataDir, 'dead-letters.jsonl')}. ` +
          'Fix the cause, then: npm start -- --replay-dead-letters',
      ),
  });
  cleanups.push(() => notifications.stop());
  notifications.webhooks.start();

  step('Seeding the demo organisers and events');
  const seeded = await seedDemo(services, new Date());

  if (replay) {
    const { replayed, remaining } = await notifications.replayDeadLetters();
    step(`Replayed ${replayed} dead letter(s); ${remaining} still failing`);
  }

  step(`Starting the server on ${baseUrl}`);
  const issuer = await createLocalIssuer({ dataDir, issuer: `${baseUrl}/local` });
  const server = createLocalServer({
    issuer,
    organiserIds: demoOrganisers.map((o) => o.id),
    webDir,
    outbox,
    inbound: (raw) => receiveCalendarAnswer(services, raw),
  });
  try {
    await listen(server, port);
  } catch (error) {
    return fail(
      (error as NodeJS.ErrnoException).code === 'EADDRINUSE' ? portInUse : (error as Error).message,
    );
  }
  cleanups.push(
    () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections(); // keep-alive sockets would hold close() open
      }),
  );

  // One sweep at a time: a slow one is not overlapped by the next.
  let sweeping = false;
  const remind = remindOnce(notifications.remind);
  const timer = setInterval(() => {
    if (sweeping) return;
    sweeping = true;
    tick(services, new Date(), { remind })
      // What the five-minute schedule does in AWS: owed emails never marked sent go again.
      .then(() => notifications.resendStuck())
      .catch((error) => console.error(`Scheduler tick failed: ${(error as Error).message}`))
      .finally(() => {
        sweeping = false;
      });
  }, TICK_MS);
  cleanups.push(() => clearInterval(timer));

  // What the hourly schedule does in AWS: counters recomputed from items, drift logged and repaired.
  const reconciling = setInterval(() => {
    reconcileAll(services, { repair: true }).catch((error) =>
      console.error(`Reconciliation failed: ${(error as Error).message}`),
    );
  }, RECONCILE_MS);
  cleanups.push(() => clearInterval(reconciling));

  const password = process.env.LOCAL_ADMIN_PASSWORD ? '(from LOCAL_ADMIN_PASSWORD)' : localAdminPassword();
  console.log(`
Ready in ${((performance.now() - started) / 1000).toFixed(1)} s: ${baseUrl}

Events:
${seeded.map((event) => `  ${baseUrl}/events/${event.id}  (${event.organiserId}) ${event.title}`).join('\n')}

Admin: ${baseUrl}/admin
  Users: ${demoOrganisers.map((o) => localUserEmail(o.id)).join(', ')}
    and ${LOCAL_AGENCY_EMAIL}, acting for all of them (the admin page's organiser picker)
  Password: ${password}

Register from the command line:
  curl -s -X POST ${baseUrl}/api/events/${seeded[0]?.id}/registrations \\
    -H 'content-type: application/json' \\
    -d '{"name": "Camille Martin", "email": "camille@example.com", "consent": true}'

Emails: ${baseUrl}/local/outbox (each one is also printed below as it is sent)

Data is kept in ${dataDir} (npm start -- --fresh starts over). Ctrl-C stops.
`);
};

main().catch((error: unknown) => fail(`Could not start: ${(error as Error)?.stack ?? error}`));
