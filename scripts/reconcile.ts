/**
 * `npm run reconcile -- [--repair] [--event ID]...`: recomputes the seat counters of every
 * event (or the ones named) from their registrations, prints the drift, and with `--repair`
 * fixes it. Against the local runtime by default: the DynamoDB Local endpoint that `npm start`
 * wrote to DATA_DIR (.data), table registrations-local. DYNAMODB_ENDPOINT and TABLE_NAME
 * point it elsewhere. Exits 2 when drift is left unrepaired, 1 on failure.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type ReconcileReport, reconcileAll } from '../functions/registrations/reconcile.js';
import { createDocumentClient } from '../functions/wiring/clients.js';
import { createServices } from '../functions/wiring/services.js';
import { localClientConfig } from '../local/dynamodb-local.js';
import { LOCAL_ENDPOINT_FILE } from '../local/start-files.js';

const args = process.argv.slice(2);
const repair = args.includes('--repair');
const eventIds = args.flatMap((arg, i) => (arg === '--event' && args[i + 1] ? [args[i + 1] as string] : []));

const endpoint = (): string => {
  if (process.env.DYNAMODB_ENDPOINT) return process.env.DYNAMODB_ENDPOINT;
  const file = join(resolve(process.env.DATA_DIR || '.data'), LOCAL_ENDPOINT_FILE);
  if (!existsSync(file)) {
    throw new Error('No local DynamoDB is running: start it with `npm start`, or set DYNAMODB_ENDPOINT');
  }
  return readFileSync(file, 'utf8').trim();
};

const line = (report: ReconcileReport): string => {
  const drift = report.drift
    .map((d) => `${d.counter}${d.shard ? ` (shard ${d.shard})` : ''} ${d.stored} -> ${d.actual}`)
    .join(', ');
  switch (report.status) {
    case 'consistent':
      return `${report.eventId}: consistent`;
    case 'skipped':
      return `${report.eventId}: skipped (${report.reason})`;
    case 'drift':
      return `${report.eventId}: DRIFT ${drift} (run with --repair to fix)`;
    default:
      return `${report.eventId}: repaired ${drift}`;
  }
};

const main = async () => {
  const services = createServices({
    db: createDocumentClient(localClientConfig(endpoint())),
    tableName: process.env.TABLE_NAME || 'registrations-local',
    baseUrl: process.env.PUBLIC_BASE_URL || 'http://127.0.0.1:3000',
    // Reconciliation issues no manage link: this key never seals anything.
    tokenKey: randomBytes(32),
    holdMinutes: Number(process.env.PENDING_HOLD_MINUTES) || 120,
  });
  const reports = await reconcileAll(services, { repair, ...(eventIds.length ? { eventIds } : {}) });
  for (const report of reports) console.log(line(report));
  const left = reports.filter((report) => report.status === 'drift').length;
  console.log(`${reports.length} event(s); ${left} with drift left`);
  process.exitCode = left > 0 ? 2 : 0;
};

main().catch((error: unknown) => {
  console.error(`reconcile failed: ${(error as Error)?.message ?? error}`);
  process.exitCode = 1;
});
