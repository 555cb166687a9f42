/**
 * A separate process over the same DynamoDB Local table, for test/fault-chain.test.ts:
 *
 *   MODE=burst    registrations through the register handler, BURST_CONCURRENCY at a time, every
 *                 other one cancelled at once through its manage link (so promotions are in
 *                 flight too); one line per finished step on stdout. The test SIGKILLs it mid-way.
 *   MODE=restart  what a restarted runtime does for the event (the local tick's work: lapsed
 *                 holds released, free seats filled), then what it did and a reconciliation
 *                 report, as one JSON line on stdout.
 *
 * Environment: DYNAMODB_ENDPOINT, TABLE_NAME, EVENT_ID, BURST_SIZE, BURST_CONCURRENCY.
 */
import { randomBytes } from 'node:crypto';
import { reconcile } from '../../functions/registrations/reconcile.js';
import { createDocumentClient } from '../../functions/wiring/clients.js';
import { createServices, setServices } from '../../functions/wiring/services.js';
import { invoke, matchRoute } from '../../local/apigw.js';
import { localClientConfig } from '../../local/dynamodb-local.js';
import { requiredEnv } from './child-env.js';

process.env.LOG_LEVEL ??= 'silent';
const eventId = requiredEnv('EVENT_ID');
const services = createServices({
  db: createDocumentClient(localClientConfig(requiredEnv('DYNAMODB_ENDPOINT'))),
  tableName: requiredEnv('TABLE_NAME'),
  baseUrl: 'http://127.0.0.1:3000',
  tokenKey: randomBytes(32),
  holdMinutes: 120,
});
setServices(services);

const call = async (method: string, url: string, body?: unknown) => {
  const matched = matchRoute(method, new URL(url, 'http://local').pathname);
  if (!matched || matched === 'method_not_allowed') throw new Error(`No route for ${method} ${url}`);
  const result = await invoke(matched, {
    method,
    url,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: result.statusCode ?? 200, body: result.body ? JSON.parse(result.body) : undefined };
};

const burst = async () => {
  const size = Number(requiredEnv('BURST_SIZE'));
  const concurrency = Number(process.env.BURST_CONCURRENCY ?? 8);
  let next = 0;
  const worker = async () => {
    while (next < size) {
      const i = next++;
      const registered = await call('POST', `/api/events/${eventId}/registrations`, {
        name: `Burst ${i}`,
        email: `burst${i}@example.com`,
        consent: true,
      });
      console.log(`registered ${i} ${registered.status}`);
      if (i % 2 === 0 && registered.status === 201) {
        const params = new URLSearchParams(new URL(registered.body.manageUrl).hash.slice(1));
        const cancelled = await call(
          'POST',
          `/api/registrations/${params.get('registration')}/cancel?token=${params.get('token')}`,
        );
        console.log(`cancelled ${i} ${cancelled.status}`);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  console.log('done');
};

const restart = async () => {
  const now = new Date();
  const released = await services.registrations.releaseExpiredHolds(eventId, now);
  const promoted = await services.registrations.fillFreeSeats(eventId, now);
  console.log(JSON.stringify({ released, promoted, report: await reconcile(services, eventId, { now }) }));
};

await (process.env.MODE === 'restart' ? restart() : burst());
