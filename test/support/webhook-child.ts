/**
 * The local runtime's notification side in a separate process over the same DynamoDB Local
 * table, for test/webhook-kill.test.ts: the stream poller, the notify handler, the webhook
 * publisher and the webhook queue kept in DATA_DIR, wired as `npm start` wires them
 * (local/notifications.ts), looking for due deliveries every 100 ms. Webhooks may go to
 * 127.0.0.1, as with `npm start`. (`npm start` itself is not run: it starts its own DynamoDB
 * Local, which a SIGKILL would leave running.)
 *
 *   MODE=run    runs until killed.
 *   MODE=drain  works the stream to its end, waits until no delivery is waiting (at most
 *               DRAIN_MS), prints `{"waiting": n}` as one JSON line and exits.
 *
 * Environment: DYNAMODB_ENDPOINT, TABLE_NAME, DATA_DIR, TOKEN_KEY (hex).
 */
import { join } from 'node:path';
import { createDocumentClient } from '../../functions/wiring/clients.js';
import { createServices } from '../../functions/wiring/services.js';
import { localClientConfig } from '../../local/dynamodb-local.js';
import { startLocalNotifications } from '../../local/notifications.js';
import { createOutbox } from '../../local/outbox.js';
import { notificationChildEnv, requiredEnv } from './child-env.js';

process.env.LOG_LEVEL ??= 'silent';
const { endpoint, tableName, dataDir, tokenKey } = notificationChildEnv();

const doc = createDocumentClient(localClientConfig(endpoint));
const services = createServices({
  db: doc,
  tableName,
  baseUrl: 'http://127.0.0.1:3000',
  tokenKey,
  holdMinutes: 120,
  allowLoopbackWebhooks: true,
});

const notifications = await startLocalNotifications({
  endpoint,
  doc,
  tableName,
  services,
  baseUrl: 'http://127.0.0.1:3000',
  tokenKey,
  mailer: createOutbox(join(dataDir, 'outbox')),
  mailFrom: 'inscriptions@example.org',
  dataDir,
  poller: { intervalMs: 20 },
});
notifications.webhooks.start(100);

if (requiredEnv('MODE') === 'drain') {
  const deadline = Date.now() + Number(process.env.DRAIN_MS ?? 60_000);
  await notifications.settle();
  while (notifications.webhooks.waiting() > 0 && Date.now() < deadline) {
    await new Promise((done) => setTimeout(done, 100));
  }
  await notifications.settle();
  console.log(JSON.stringify({ waiting: notifications.webhooks.waiting() }));
  await notifications.stop();
  process.exit(0);
}
