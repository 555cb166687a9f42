/**
 * `npm run bench`: what the registration path costs, measured in one run on this machine.
 * Prints its steps as it goes, then a table of every figure against its target
 * (scripts/bench-table.ts), and writes both to bench-results.json. Figures are ratios measured
 * side by side in the same run (these machines are noisy), never absolute promises.
 *
 *   register  HTTP burst through the local runtime (adapter -> handler -> DynamoDB Local)
 *   raw       the bare minimum a registration needs, against the same DynamoDB Local, in turns
 *             with the register burst's chunks
 *   ratio     register.rps / raw.rps: the share of the store's own limit our path keeps
 *   writeUnitsPerRegistration  from real item sizes and the transaction pricing rules
 *   bundles   per function: minified size and cold import CPU time vs a minimal handler that
 *             imports the same DynamoDB document client
 *   hot       a rush on one event (10,000 seats, 50,000 requests) through the contention
 *             model (scripts/contention.ts), with its seats on 1 shard and on N shards
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { TZDate } from '@date-fns/tz';
import { build } from 'esbuild';
import ical, { ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import { organiserFeed } from '../functions/calendar/ical.js';
import { vtimezone } from '../functions/calendar/zones.js';
import { type EventRecord, newEventRecord, publish, shardCountFor } from '../functions/events/model.js';
import { eventCreateInput } from '../functions/events/schemas.js';
import { quotaOfSk } from '../functions/platform/keys.js';
import { routes } from '../functions/routes.js';
import { createDocumentClient } from '../functions/wiring/clients.js';
import { createServices, type Services, setServices } from '../functions/wiring/services.js';
import { esbuildOptions } from '../lib/bundling.js';
import { invoke, matchRoute } from '../local/apigw.js';
import { createLocalIssuer } from '../local/auth.js';
import { createTable } from '../local/create-table.js';
import { localClientConfig, startDynamoDbLocal } from '../local/dynamodb-local.js';
import { createLocalServer } from '../local/server.js';
import { done, median, percentile, pool, progress } from './bench-pool.js';
import { type BenchFigures, formatTable, tableRows } from './bench-table.js';
import { withContention } from './contention.js';
import { itemSize, transactionWriteUnits } from './item-size.js';

const arg = (name: string, fallback: number): number => {
  const flag = process.argv.find((a) => a.startsWith(`--${name}=`));
  return flag ? Number(flag.split('=')[1]) : fallback;
};

const REQUESTS = arg('requests', 5000);
const CONCURRENCY = arg('concurrency', 64);
const CAPACITY = arg('capacity', 1000);
// 20: with 10, the worst of 44 functions moved by about 0.05x between runs.
const COLD_IMPORTS = arg('imports', 20);
const WARM_UP = arg('warm-up', 1000);
/** The register burst in this many chunks, each between two raw ones (see `register`). */
const CHUNKS = arg('chunks', 5);
/** Renders of the feed, ours and the library's in turns (medians of each). */
const FEED_ROUNDS = arg('feed-rounds', 20);
const HOT_SEATS = arg('hot-seats', 10_000);
const HOT_REQUESTS = arg('hot-requests', 50_000);
/** How long a transaction holds its items in the model: DynamoDB's are some 10 ms or more. */
const HOT_TRANSACTION_MS = arg('hot-transaction-ms', 10);
/** `--only=feed,bundles` runs just those parts (register, feed, bundles, hot); all by default. */
const PARTS = ['register', 'feed', 'bundles', 'hot'] as const;
const onlyFlag = process.argv.find((a) => a.startsWith('--only='));
const only = new Set(onlyFlag ? onlyFlag.slice('--only='.length).split(',') : PARTS);
const runs = (part: (typeof PARTS)[number]) => only.has(part);

const main = async () => {
  const work = await mkdtemp(join(tmpdir(), 'bench-'));
  const dynamo = await startDynamoDbLocal();
  const results: Record<string, unknown> = {
    machine: {
      node: process.version,
      cpus: (await import('node:os')).cpus().length,
      date: new Date().toISOString(),
    },
  };
  try {
    const tableName = 'bench';
    const db = createDocumentClient(localClientConfig(dynamo.endpoint));
    await createTable(new DynamoDBClient(localClientConfig(dynamo.endpoint)), tableName);

    const issuer = await createLocalIssuer({ dataDir: work, issuer: 'http://127.0.0.1/local' });
    const server = createLocalServer({ issuer, organiserIds: ['bench'], webDir: work });
    await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const services = createServices({
      db,
      tableName,
      baseUrl: base,
      tokenKey: randomBytes(32),
      holdMinutes: 120,
    });
    setServices(services);
    process.env.LOG_LEVEL = 'silent';

    const event = benchEvent('bench-event', CAPACITY);
    await services.events.create(event);
    if (runs('register')) {
      // --- register: the whole path over HTTP ---
      // Warm-up, not measured: DynamoDB Local is a JVM, several times slower on its first
      // thousands of requests; both sides then start equally warm.
      const warmUp = benchEvent('warm-up', WARM_UP);
      await services.events.create(warmUp);
      await generateLoad({
        url: `${base}/api/events/${warmUp.id}/registrations`,
        requests: WARM_UP * 2,
        concurrency: CONCURRENCY,
      });
      await rawBurst(db, tableName, 'warm-up', WARM_UP * 2);
      done(`warm-up: ${WARM_UP * 2} registrations and ${WARM_UP * 2} raw transactions (not measured)`);

      // Raw and register in turns, CHUNKS of each and one more raw at the end: DynamoDB Local's
      // JVM keeps getting faster through the run (15-25% between one burst's before and after),
      // so each register chunk is compared with raw chunks taken moments before and after it.
      // The load comes from its own process, so the client's work does not eat the server's CPU.
      const chunk = Math.ceil(REQUESTS / CHUNKS);
      const rawRates: number[] = [];
      let rawSeconds = 0;
      let registerSeconds = 0;
      const latencies: number[] = [];
      const created: string[] = [];
      let errors = 0;
      let loadCpuSeconds = 0;
      for (let offset = 0; ; offset += chunk) {
        const seconds = await rawBurst(db, tableName, `raw-${offset}`, chunk);
        rawSeconds += seconds;
        rawRates.push(Math.round(chunk / seconds));
        if (offset >= REQUESTS) break;
        const load = await generateLoad({
          url: `${base}/api/events/${event.id}/registrations`,
          requests: Math.min(chunk, REQUESTS - offset),
          offset,
          concurrency: CONCURRENCY,
        });
        registerSeconds += load.seconds;
        latencies.push(...load.latencies);
        created.push(...load.created);
        errors += load.errors;
        loadCpuSeconds += load.cpuSeconds;
      }
      const stored = await services.registrations.all(event.id);
      const storedIds = new Set(stored.map((r) => r.id));
      const confirmed = stored.filter((r) => r.status === 'confirmed').length;
      latencies.sort((a, b) => a - b);
      const register = {
        requests: REQUESTS,
        concurrency: CONCURRENCY,
        capacity: CAPACITY,
        chunks: CHUNKS,
        rps: Math.round(REQUESTS / registerSeconds),
        p50Ms: Math.round(percentile(latencies, 0.5)),
        p99Ms: Math.round(percentile(latencies, 0.99)),
        confirmed,
        waitlisted: stored.filter((r) => r.status === 'waitlisted').length,
        oversold: Math.max(0, confirmed - CAPACITY),
        lost: created.filter((id) => !storedIds.has(id)).length,
        errors,
        // The load generator shares the machine: what it took of the CPU, for the record.
        loadCpuMsPerRequest: Number(((loadCpuSeconds * 1000) / REQUESTS).toFixed(2)),
      };
      done(
        `register: ${register.rps} req/s, p50 ${register.p50Ms} ms, p99 ${register.p99Ms} ms, ${confirmed} confirmed, oversold ${register.oversold}, lost ${register.lost}, errors ${errors}; the load generator's CPU ${register.loadCpuMsPerRequest} ms per request`,
      );
      results.register = register;
      const raw = { rps: Math.round((rawRates.length * chunk) / rawSeconds), chunkRps: rawRates };
      done(`raw: ${raw.rps} transactions/s (chunks in turn with register: ${rawRates.join(', ')})`);
      results.raw = raw;
      results.ratio = Number((register.rps / raw.rps).toFixed(2));

      // --- write units: from the stored items' real sizes ---
      // A confirmed registration's transaction: its seat shard (as stored) and its registration.
      const sample = stored.find((r) => r.status === 'confirmed');
      const shards = await services.events.shardItems(event.id);
      const shardItem = shards.find((item) => quotaOfSk(String(item.sk)) === (sample?.shard ?? 0)) ?? {};
      const { Item: storedRegistration = {} } = sample
        ? await db.send(
            new GetCommand({
              TableName: tableName,
              Key: { pk: `EVENT#${event.id}`, sk: `REG#${sample.emailKey}` },
            }),
          )
        : {};
      const bytes = { shard: itemSize(shardItem), registration: itemSize(storedRegistration) };
      results.writeUnitsPerRegistration = transactionWriteUnits([bytes.shard, bytes.registration]);
      results.itemBytes = bytes;
      done(
        `write units per confirmed registration: ${results.writeUnitsPerRegistration} (seat shard ${bytes.shard} B, registration ${bytes.registration} B; ${shards.length} shards)`,
      );
    }

    if (runs('feed')) results.feed = await feed(services, base, event);
    server.close();
    if (runs('bundles')) results.bundles = await bundles(work);
    if (runs('hot')) {
      results.hot = [];
      for (const shards of new Set([1, shardCountFor(HOT_SEATS)])) {
        (results.hot as unknown[]).push(await hot({ db, tableName, shards }));
      }
    }
  } finally {
    await dynamo.stop();
    await rm(work, { recursive: true, force: true });
  }
  // Every figure against its target, in the file too (the parts that ran).
  const table = tableRows(results as BenchFigures);
  results.table = table;
  await writeFile('bench-results.json', `${JSON.stringify(results, null, 2)}\n`);
  done('');
  for (const line of formatTable(table)) done(line);
  done('wrote bench-results.json');
};

interface LoadResult {
  latencies: number[];
  created: string[];
  errors: number;
  seconds: number;
  /** The load generator's own CPU time during the burst. */
  cpuSeconds: number;
}

const generateLoad = (options: {
  url: string;
  requests: number;
  concurrency: number;
  /** The first person's number: each chunk registers other addresses. */
  offset?: number;
}): Promise<LoadResult> =>
  new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('./bench-load.ts', import.meta.url))],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
        env: { ...process.env, BENCH_LOAD: JSON.stringify(options) },
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(output) as LoadResult)
        : reject(new Error(`load generator exited with ${code}`)),
    );
  });

/**
 * The bare minimum a registration needs: one transaction of a conditional counter update and a
 * conditional put, at the same concurrency. Returns the seconds the burst took.
 */
const rawBurst = async (db: DynamoDBDocumentClient, tableName: string, label: string, requests: number) => {
  const pk = `RAW#${label}`;
  await db.send(new PutCommand({ TableName: tableName, Item: { pk, sk: 'GATE', held: 0 } }));
  const seconds = await pool(requests, CONCURRENCY, label, async (i) => {
    await db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: tableName,
              Key: { pk, sk: 'GATE' },
              UpdateExpression: 'ADD held :one',
              ConditionExpression: 'held < :cap',
              ExpressionAttributeValues: { ':one': 1, ':cap': requests },
            },
          },
          {
            Put: {
              TableName: tableName,
              Item: { pk, sk: `REG#${i}`, name: `Person ${i}` },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ],
      }),
    );
  });
  return seconds;
};

const benchEvent = (id: string, capacity: number, waitlistEnabled = true) => {
  const start = new Date(Date.now() + 7 * 86_400_000);
  return publish(
    newEventRecord(
      eventCreateInput.parse({
        title: 'Bench webinar',
        format: 'online',
        startsAt: start.toISOString(),
        endsAt: new Date(start.getTime() + 3_600_000).toISOString(),
        capacity,
        waitlistEnabled,
      }),
      { id, organiserId: 'bench', organiserName: 'Bench' },
      new Date(),
    ),
    new Date(),
  );
};

/**
 * A rush on one event through the contention model: HOT_REQUESTS registrations for HOT_SEATS
 * seats (no waitlist: the rest are told it is full), in process through the API Gateway
 * adapter and the handler, with the seats on `shards` items. DynamoDB Local serialises
 * everything; the model makes a transaction hold its items for HOT_TRANSACTION_MS and cancels
 * any other touching them meanwhile, as DynamoDB does, and gives each item 1,000 WCU/s.
 */
const hot = async (options: { db: DynamoDBDocumentClient; tableName: string; shards: number }) => {
  const contention = withContention(options.db, { transactionMs: HOT_TRANSACTION_MS });
  const services = createServices({
    db: contention.client,
    tableName: options.tableName,
    baseUrl: 'http://127.0.0.1',
    tokenKey: randomBytes(32),
    holdMinutes: 120,
  });
  setServices(services);
  const event = benchEvent(`hot-${options.shards}`, HOT_SEATS, false);
  await services.events.create(event, { shards: options.shards });
  const route = matchRoute('POST', `/api/events/${event.id}/registrations`);
  if (!route || route === 'method_not_allowed') throw new Error('no registration route');
  const created: string[] = [];
  let full = 0;
  let errors = 0;
  let lastSeat = 0;
  const began = performance.now();
  const seconds = await pool(HOT_REQUESTS, CONCURRENCY, `hot (${options.shards} shard(s))`, async (i) => {
    const result = await invoke(route, {
      method: 'POST',
      url: `/api/events/${event.id}/registrations`,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: `Person ${i}`, email: `hot${i}@example.com`, consent: true }),
    });
    if (result.statusCode === 201) {
      created.push((JSON.parse(String(result.body)) as { registration: { id: string } }).registration.id);
      lastSeat = performance.now();
    } else if (result.statusCode === 409) full++;
    else errors++;
  });
  const stored = await services.registrations.all(event.id);
  const storedIds = new Set(stored.map((r) => r.id));
  const confirmed = stored.filter((r) => r.status === 'confirmed').length;
  const stats = contention.stats();
  const row = {
    shards: options.shards,
    seats: HOT_SEATS,
    requests: HOT_REQUESTS,
    rps: Math.round(HOT_REQUESTS / seconds),
    fillSeconds: confirmed === HOT_SEATS ? Number(((lastSeat - began) / 1000).toFixed(1)) : null,
    seatsPerSecond: Math.round(confirmed / ((lastSeat - began) / 1000)),
    confirmed,
    full,
    conflicts: stats.conflicts,
    throttled: stats.throttled,
    oversold: Math.max(0, confirmed - HOT_SEATS),
    lost: created.filter((id) => !storedIds.has(id)).length,
    errors,
  };
  done(
    `hot, ${row.shards} shard(s): ${row.confirmed} seats in ${row.fillSeconds} s (${row.seatsPerSecond} seats/s), ${row.rps} req/s, ${row.conflicts} conflicts, oversold ${row.oversold}, lost ${row.lost}, errors ${row.errors}`,
  );
  return row;
};

/** V8's full collection, as `--expose-gc` gives it, without starting the bench with that flag. */
const exposedGc = (): (() => void) => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
};

/**
 * The organiser feed of 1,000 events: our whole feed function against ical-generator alone
 * rendering the same calendar (our overhead over the library), and the 304 path over HTTP.
 */
const feed = async (services: Services, base: string, template: EventRecord) => {
  const organiser = { id: 'bench', name: 'Bench', replyTo: 'bench@example.org' };
  const now = new Date();
  const records = Array.from({ length: 1000 }, (_, i) => ({
    ...template,
    id: `feed-${i}`,
    startsAt: new Date(now.getTime() + (i + 1) * 3_600_000).toISOString(),
    endsAt: new Date(now.getTime() + (i + 2) * 3_600_000).toISOString(),
  }));
  const ours = (): string => organiserFeed(organiser, records, now, base);
  // The same file from the library, byte for byte (checked below): the same events and
  // properties, each start and end a TZDate in the event's zone with one VTIMEZONE per zone
  // (ical-generator has no zone data of its own, so it gets the same generator).
  const years = (instants: string[]) => instants.map((instant) => Number(instant.slice(0, 4)));
  const [firstYear, lastYear] = [
    Math.min(...years(records.map((r) => r.startsAt))) - 1,
    Math.max(...years(records.map((r) => r.endsAt))),
  ];
  const library = (): string => {
    const calendar = ical({
      prodId: { company: 'Inscriptions', product: 'Calendar', language: 'EN' },
      method: ICalCalendarMethod.PUBLISH,
      name: organiser.name,
      ttl: 3600,
      timezone: { name: null, generator: (zone) => vtimezone(zone, firstYear, lastYear) },
    });
    for (const record of records) {
      const page = `${base}/events/${encodeURIComponent(record.id)}`;
      const [start, end] = [Date.parse(record.startsAt), Date.parse(record.endsAt)];
      calendar.createEvent({
        id: `${record.id}@inscriptions.calendar`,
        sequence: record.sequence,
        stamp: now,
        start: new TZDate(start, record.timeZone),
        end: new TZDate(end, record.timeZone),
        timezone: record.timeZone,
        summary: record.title,
        // The bench event's texts as the feed writes them (French, online: functions/calendar/ical.ts).
        location: 'En ligne',
        description: `Le lien de connexion est envoyé aux inscrits.\n\nPage de l'événement : ${page}`,
        organizer: { name: organiser.name, email: organiser.replyTo },
        url: page,
        status: ICalEventStatus.CONFIRMED,
        created: new Date(record.createdAt),
        lastModified: new Date(record.updatedAt),
      });
    }
    return `${calendar.toString()}\r\n`;
  };
  // Both render every event in its zone's local times, and the same text.
  const [oursIcs, libraryIcs] = [ours(), library()];
  const local = oursIcs.split(`DTSTART;TZID=${template.timeZone}:`).length - 1;
  if (local !== records.length || oursIcs !== libraryIcs)
    throw new Error(
      `feed: ${local} of ${records.length} events in local time, same text as the library: ${oursIcs === libraryIcs}`,
    );
  // Taken in turns, so a busy moment of the machine falls on both, each after a full garbage
  // collection: otherwise the collection one render's garbage calls for lands in the next
  // render, and in strict turns always in the same side's (ratios of 0.8x and 1.4x in runs a
  // minute apart, the slow rounds every other one).
  const collectGarbage = exposedGc();
  const oursTimes: number[] = [];
  const libraryTimes: number[] = [];
  for (let round = 0; round < FEED_ROUNDS; round++) {
    for (const [times, render] of [
      [oursTimes, ours],
      [libraryTimes, library],
    ] as const) {
      collectGarbage();
      const began = performance.now();
      render();
      times.push(performance.now() - began);
    }
  }
  const [oursMs, libraryMs] = [median(oursTimes), median(libraryTimes)];
  for (const record of records.slice(0, 200)) await services.events.create(record);
  const url = `${base}/calendar/organisers/bench.ics`;
  const first = await fetch(url);
  await first.text();
  const etag = first.headers.get('etag') ?? '';
  const notModifiedTimes: number[] = [];
  for (let i = 0; i < 10; i++) {
    const began = performance.now();
    const response = await fetch(url, { headers: { 'if-none-match': etag } });
    await response.text();
    if (response.status !== 304) throw new Error(`expected 304, got ${response.status}`);
    notModifiedTimes.push(performance.now() - began);
  }
  const notModified = median(notModifiedTimes);
  const row = {
    events: records.length,
    medianMs: Number(oursMs.toFixed(1)),
    libraryMs: Number(libraryMs.toFixed(1)),
    overhead: Number((oursMs / libraryMs).toFixed(2)),
    notModifiedMs: Number(notModified.toFixed(1)),
  };
  done(
    `feed: 1,000 events in ${row.medianMs} ms (${row.overhead}x ical-generator alone), 304 in ${row.notModifiedMs} ms (200 stored events)`,
  );
  return row;
};

/**
 * Bundles each function as the CDK does: its size, and its cold import against a minimal handler
 * that imports the same DynamoDB document client (scripts/bench-dynamodb-handler.ts, bundled
 * alike), the part no function can avoid.
 */
const bundles = async (work: string) => {
  const entries = [...new Set(routes.map((route) => route.entry))];
  const bundle = async (entry: string, name: string) => {
    const outfile = join(work, 'bundles', `${name}.mjs`);
    // Exactly as deployed: the CDK reads the same options (lib/bundling.ts).
    await build({ ...esbuildOptions(), entryPoints: [resolve(entry)], outfile, logLevel: 'silent' });
    return outfile;
  };
  /**
   * Milliseconds of CPU (user and system, every thread) one import takes in a fresh process,
   * and of that, the main thread's. The process is measured until the work the import set off
   * in the background has finished: importing node:https (the SDK does, in every function and
   * in the baseline) starts a thread that loads the root certificates, about 6 ms of CPU, and
   * V8 collects garbage and compiles on helper threads. Counted only up to the import's end, a
   * fast import (the baseline) left part of that thread's work outside its window and a slow
   * one none, which overstated the ratios (register 1.33x counted so, 1.24x settled: two runs
   * of 20 alternated imports, minutes apart). On Lambda all threads share the function's CPU
   * share, so the whole is what a cold start costs.
   */
  const coldImport = (file: string) => {
    try {
      const output = execFileSync(
        process.execPath,
        [
          // As in Lambda: no --enable-source-maps (lib/app-function.ts says why).
          '--input-type=module',
          '-e',
          `const c=process.cpuUsage(), m=process.threadCpuUsage();
await import(${JSON.stringify(file)});
const mu=process.threadCpuUsage(m);
const ms=(u)=>(u.user+u.system)/1000;
// Settled: two 10 ms ticks in a row with under 0.2 ms of CPU used (at most a second).
let last=ms(process.cpuUsage(c)), quiet=0;
for (let n=0; quiet<2 && n<100; n++) { await new Promise((r)=>setTimeout(r,10)); const now=ms(process.cpuUsage(c)); quiet=now-last<0.2?quiet+1:0; last=now; }
console.log(last, ms(mu))`,
        ],
        {
          encoding: 'utf8',
          env: { ...process.env, AWS_REGION: 'eu-west-3' },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      const [processMs = Number.NaN, mainThreadMs = Number.NaN] = (output.trim().split('\n').pop() ?? '')
        .split(' ')
        .map(Number);
      return { processMs, mainThreadMs };
    } catch (error) {
      throw new Error(
        `Importing ${file} failed: ${String((error as { stderr?: string }).stderr).slice(-500)}`,
      );
    }
  };
  const baselineFile = await bundle(
    fileURLToPath(new URL('./bench-dynamodb-handler.ts', import.meta.url)),
    'dynamodb-handler',
  );
  const baselineTimes: number[] = [];
  const rows: Record<
    string,
    { kb: number; importMs: number; importRatio: number; mainThreadMs: number; mainThreadRatio: number }
  > = {};
  const medianOf = (runs: ReturnType<typeof coldImport>[], key: 'processMs' | 'mainThreadMs') =>
    median(runs.map((time) => time[key]));
  let index = 0;
  for (const entry of entries) {
    progress(`bundles: ${++index}/${entries.length} ${entry}`);
    const file = await bundle(entry, entry.replace(/[/.]/g, '_'));
    // CPU time, not wall time: on a shared machine wall time mostly measures the neighbours.
    // Each function alternates with the baseline, so both see the same load, medians of
    // COLD_IMPORTS fresh processes each.
    const times: ReturnType<typeof coldImport>[] = [];
    const baseline: ReturnType<typeof coldImport>[] = [];
    for (let i = 0; i < COLD_IMPORTS; i++) {
      baseline.push(coldImport(baselineFile));
      times.push(coldImport(file));
    }
    baselineTimes.push(...baseline.map((time) => time.processMs));
    const [ms, baseMs] = [medianOf(times, 'processMs'), medianOf(baseline, 'processMs')];
    const [mainMs, baseMainMs] = [medianOf(times, 'mainThreadMs'), medianOf(baseline, 'mainThreadMs')];
    rows[entry] = {
      kb: Math.round((await stat(file)).size / 1024),
      importMs: Number(ms.toFixed(1)),
      importRatio: Number((ms / baseMs).toFixed(2)),
      mainThreadMs: Number(mainMs.toFixed(1)),
      mainThreadRatio: Number((mainMs / baseMainMs).toFixed(2)),
    };
  }
  const baselineMs = median(baselineTimes);
  const largest = Object.entries(rows).sort((a, b) => b[1].kb - a[1].kb)[0];
  /** The worst and median of one ratio over the functions, and the worst one's entry. */
  const spread = (ratio: 'importRatio' | 'mainThreadRatio') => {
    const slowest = Object.entries(rows).sort((a, b) => b[1][ratio] - a[1][ratio])[0];
    const ratios = Object.values(rows).map((row) => row[ratio]);
    return { worst: Math.max(...ratios), median: median(ratios), worstEntry: slowest?.[0] };
  };
  const result = {
    dynamoDbHandlerKb: Math.round((await stat(baselineFile)).size / 1024),
    dynamoDbHandlerImportMs: Number(baselineMs.toFixed(1)),
    largest: { entry: largest?.[0], kb: largest?.[1].kb },
    /** The figure: the process's CPU, background threads included, until they settle. */
    importRatio: spread('importRatio'),
    /** The main thread's alone, for comparison: without the certificates, GC and compiler helpers. */
    mainThreadRatio: spread('mainThreadRatio'),
    /** The median function's import, in ms of CPU: the ratios hide a faster baseline. */
    medianImportMs: Number(median(Object.values(rows).map((row) => row.importMs)).toFixed(1)),
    functions: rows,
  };
  done(
    `bundles: ${entries.length} functions, largest ${result.largest.entry} ${result.largest.kb} KB; cold import ${result.importRatio.median}x (median) to ${result.importRatio.worst}x (${result.importRatio.worstEntry}) a minimal DynamoDB handler (${result.dynamoDbHandlerKb} KB, ${result.dynamoDbHandlerImportMs} ms of CPU; the median function ${result.medianImportMs} ms); main thread alone ${result.mainThreadRatio.median}x to ${result.mainThreadRatio.worst}x (${result.mainThreadRatio.worstEntry})`,
  );
  return result;
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
