/**
 * A notification runtime in a separate process over the same DynamoDB Local table, for
 * test/mail-kill.test.ts: the stream poller, the notify handler, the mail ledger and the outbox,
 * wired as `npm start` wires them (local/notifications.ts). The mailer stands for SES with a
 * round trip: MAIL_LATENCY_MS out, the message accepted (written to the outbox), MAIL_LATENCY_MS
 * back. It prints `sending <to> <epoch ms>` once the ledger's claim is made and the request
 * leaves, `accepted …` when the outbox has the message and `marked …` once the ledger has
 * recorded it, so the test can kill it at each of those points.
 *
 *   MODE=send   runs until killed.
 *   MODE=drain  works the stream to its end, then runs the stuck-claim sweep as it would run
 *               STUCK_AFTER_MINUTES later, works the stream again, prints the sweep's summary as
 *               one JSON line and exits.
 *
 * Environment: DYNAMODB_ENDPOINT, TABLE_NAME, DATA_DIR, TOKEN_KEY (hex), MAIL_LATENCY_MS.
 */
import { join } from 'node:path';
import type { Mailer } from '../../functions/mail/mailer.js';
import { STUCK_AFTER_MINUTES } from '../../functions/notify/resend-stuck.js';
import { createDocumentClient } from '../../functions/wiring/clients.js';
import { createServices } from '../../functions/wiring/services.js';
import { localClientConfig } from '../../local/dynamodb-local.js';
import { startLocalNotifications } from '../../local/notifications.js';
import { createOutbox } from '../../local/outbox.js';
import { notificationChildEnv, requiredEnv } from './child-env.js';

process.env.LOG_LEVEL ??= 'silent';
const { endpoint, tableName, dataDir, tokenKey } = notificationChildEnv();
const latencyMs = Number(process.env.MAIL_LATENCY_MS ?? 10);

let offsetMs = 0;
const doc = createDocumentClient(localClientConfig(endpoint));
const services = createServices({
  db: doc,
  tableName,
  baseUrl: 'http://127.0.0.1:3000',
  tokenKey,
  holdMinutes: 120,
  clock: () => new Date(Date.now() + offsetMs),
});

const pause = (ms: number) => new Promise((done) => setTimeout(done, ms));
const outbox = createOutbox(join(dataDir, 'outbox'));
const ses: Mailer = {
  async send(message) {
    console.log(`sending ${message.to} ${Date.now()}`);
    await pause(latencyMs);
    const accepted = await outbox.send(message);
    console.log(`accepted ${message.to} ${Date.now()}`);
    await pause(latencyMs);
    return accepted;
  },
};

const notifications = await startLocalNotifications({
  endpoint,
  doc,
  tableName,
  services,
  baseUrl: 'http://127.0.0.1:3000',
  tokenKey,
  mailer: ses,
  mailFrom: 'inscriptions@example.org',
  dataDir,
  poller: { intervalMs: 20 },
  onSent: ({ to }) => console.log(`marked ${to} ${Date.now()}`),
});

if (requiredEnv('MODE') === 'drain') {
  await notifications.settle();
  offsetMs = (STUCK_AFTER_MINUTES + 1) * 60_000;
  const summary = await notifications.resendStuck();
  offsetMs = 0;
  await notifications.settle();
  console.log(JSON.stringify(summary));
  await notifications.stop();
  process.exit(0);
}
