/**
 * The Lambda bundles themselves, built with the deployed options (lib/bundling.ts): a size
 * budget for API functions, and the SDK's default credential chain reduced to its environment
 * link (functions/platform/lambda-credentials.ts) while clients still get the credentials the
 * Lambda runtime sets.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sourceMappedStack } from '../functions/platform/stack-trace.js';
import { routes } from '../functions/routes.js';
import { AppFunction } from '../lib/app-function.js';
import { esbuildOptions } from '../lib/bundling.js';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));

/**
 * API functions: one admin, one public (the registration path, the one that matters most), the
 * event page (what every shared link opens), the public calendar files, which carry
 * ical-generator (36 KB) and read through the event wiring alone (wiring/event-services.ts),
 * the registrant's invitation, which carries ical-generator and the token key's signed fetch
 * and reads through the event and manage-link wirings alone (wiring/manage-services.ts), and the
 * OpenAPI document, which carries zod's JSON Schema generation and every schema, and takes its
 * base URL from the event wiring. Two more admin ones read through a wiring of their own too:
 * a new event (the event wiring) and a new webhook (wiring/tool-services.ts).
 */
const API_ENTRIES = [
  'functions/api/admin/checkIn.ts',
  'functions/api/admin/createEvent.ts',
  'functions/api/admin/createWebhook.ts',
  'functions/api/public/register.ts',
  'functions/api/public/eventPage.ts',
  'functions/api/calendar/eventFile.ts',
  'functions/api/calendar/organiserFeed.ts',
  'functions/api/manage/invite.ts',
  'functions/api/public/openApi.ts',
] as const;

/**
 * The functions that read through the event or tool wiring alone, and a string only the
 * registration use cases hold (register.ts's busy answer): services.ts would bring them in.
 */
const WIRED_APART = [
  'functions/api/public/eventPage.ts',
  'functions/api/admin/createEvent.ts',
  'functions/api/admin/createWebhook.ts',
] as const;
const REGISTRATION_USE_CASES_MARKER = 'Too many people are registering for this event';

/** The budget for an API function's index.mjs (426 KB with the SDK's full credential chain). */
const API_BUNDLE_MAX_BYTES = 300 * 1024;

/**
 * Strings only the full chain contains: the SSO link's debug line, the web-identity link's
 * variable, the chain's final error. The environment link's own error must remain.
 */
const FULL_CHAIN_MARKERS = [
  'defaultProvider::fromSSO',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'Could not load credentials from any providers',
];
const ENV_PROVIDER_MARKER = 'Unable to find environment variable credentials';

/**
 * Imports the register handler and prints the credentials the app's DynamoDB client resolves.
 * Bundled from stdin, as the other probes are, so no probe file lives in the project.
 */
const PROBE = `
import { handler } from './functions/api/public/register.ts';
import { documentClient } from './functions/wiring/clients.ts';
if (typeof handler !== 'function') throw new Error('register: no handler');
const client = documentClient();
const { accessKeyId, secretAccessKey, sessionToken } = await client.config.credentials();
// Endpoint discovery off (the bundles' stand-in): no endpoint cache built.
if ((await client.config.endpointDiscoveryEnabled()) !== false || client.config.endpointCache) throw new Error('endpoint discovery');
console.log(JSON.stringify({ accessKeyId, secretAccessKey, sessionToken }));
`;

/**
 * Node's http module, which the bundles take as CommonJS (functions/platform/node-http.ts):
 * middy's errors still get their status text (a 415 from the JSON body parser), and the SDK
 * still reaches an http endpoint (DYNAMODB_ENDPOINT) through its lazily imported agent.
 */
const HTTP_PROBE = `
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { handler } from './functions/api/public/register.ts';
import { documentClient } from './functions/wiring/clients.ts';
const refused = await handler(
  { requestContext: { http: { method: 'POST' } }, headers: { 'content-type': 'text/plain' }, body: 'x' },
  { awsRequestId: 'probe' },
);
const { Item } = await documentClient().send(new GetCommand({ TableName: 'probe', Key: { pk: 'a', sk: 'b' } }));
console.log(JSON.stringify({ statusCode: refused.statusCode, body: JSON.parse(refused.body), item: Item }));
`;

/**
 * An error thrown in our TypeScript and logged: run from its bundle without
 * --enable-source-maps (as deployed), the logged trace names the source line
 * (functions/platform/stack-trace.ts).
 */
const STACK_PROBE = `
import { log } from './functions/platform/log.ts';
const fail = () => {
  throw new Error('probe failure');
};
try { fail(); } catch (error) { log.error('probe', { error }); }
`;
const STACK_PROBE_THROW_LINE = STACK_PROBE.split('\n').findIndex((line) => line.includes('throw')) + 1;

const LAMBDA_ENV = {
  AWS_ACCESS_KEY_ID: 'ASIATESTBUNDLEKEY',
  AWS_SECRET_ACCESS_KEY: 'test-bundle-secret',
  AWS_SESSION_TOKEN: 'test-bundle-session-token',
  AWS_REGION: 'eu-west-1',
};

let outdir: string;
const bundles = new Map<string, string>();

beforeAll(async () => {
  outdir = await mkdtemp(join(tmpdir(), 'inscriptions-bundles-'));
  await Promise.all([
    ...API_ENTRIES.map(async (entry) => {
      const outfile = join(outdir, entry.replace(/\//g, '_').replace(/\.ts$/, '.mjs'));
      await build({
        ...esbuildOptions(),
        absWorkingDir: projectRoot,
        entryPoints: [entry],
        outfile,
        write: true,
        logLevel: 'silent',
      });
      bundles.set(entry, outfile);
    }),
    ...Object.entries({ probe: PROBE, 'stack-probe': STACK_PROBE, 'http-probe': HTTP_PROBE }).map(
      ([name, contents]) =>
        build({
          ...esbuildOptions(),
          absWorkingDir: projectRoot,
          stdin: { contents, resolveDir: projectRoot, sourcefile: `${name}.ts`, loader: 'ts' },
          outfile: join(outdir, `${name}.mjs`),
          write: true,
          logLevel: 'silent',
        }),
    ),
  ]);
});

afterAll(async () => {
  if (outdir) await rm(outdir, { recursive: true, force: true });
});

describe('API function bundles', () => {
  it.each(API_ENTRIES)('%s is at most 300 KB', async (entry) => {
    const { size } = await stat(bundles.get(entry) as string);
    expect(size).toBeLessThanOrEqual(API_BUNDLE_MAX_BYTES);
  });

  it.each(API_ENTRIES)('%s has the environment credentials provider and no other', async (entry) => {
    const code = await readFile(bundles.get(entry) as string, 'utf8');
    // Booleans and marker lists, not toContain: a failure would print the whole bundle.
    expect(code.includes(ENV_PROVIDER_MARKER), ENV_PROVIDER_MARKER).toBe(true);
    expect(FULL_CHAIN_MARKERS.filter((marker) => code.includes(marker))).toEqual([]);
  });

  it.each(API_ENTRIES)(
    '%s has endpoint discovery switched off: no endpoint cache, no LRU library',
    async (entry) => {
      const code = await readFile(bundles.get(entry) as string, 'utf8');
      // mnemonist's LRU names its own errors; the stand-in (functions/platform/endpoint-discovery.ts) has none.
      expect(code.includes('mnemonist/lru-cache'), 'mnemonist').toBe(false);
      expect(/LRUCache|lru-cache/.test(code), 'an LRU cache class').toBe(false);
    },
  );

  it.each(API_ENTRIES)('%s carries no event-stream code (no operation uses it)', async (entry) => {
    const code = await readFile(bundles.get(entry) as string, 'utf8');
    // The stand-in's message is there; the real serde's names are not.
    expect(code.includes('Event streams are not bundled'), 'the stand-in').toBe(true);
    expect(/EventStreamCodec|HeaderMarshaller/.test(code), 'the event-stream codec').toBe(false);
  });

  it.each(API_ENTRIES)('%s takes node:http as CommonJS, never as an ES module', async (entry) => {
    const code = await readFile(bundles.get(entry) as string, 'utf8');
    // Imported as an ES module, Node 24's facade for it loads undici: 20-30 ms per cold start.
    expect(/from\s*"node:http"|import\("node:http"\)/.test(code), 'an ES import of node:http').toBe(false);
    expect(code.includes('getBuiltinModule("node:http")'), 'the stand-in').toBe(true);
  });

  it.each(WIRED_APART)(
    '%s leaves the registration use cases out of its bundle (its own wiring, not services.ts)',
    async (entry) => {
      const code = await readFile(bundles.get(entry) as string, 'utf8');
      expect(code.includes(REGISTRATION_USE_CASES_MARKER), REGISTRATION_USE_CASES_MARKER).toBe(false);
    },
  );

  it('the registration function does carry them (the marker above is one to look for)', async () => {
    const code = await readFile(bundles.get('functions/api/public/register.ts') as string, 'utf8');
    expect(code.includes(REGISTRATION_USE_CASES_MARKER), REGISTRATION_USE_CASES_MARKER).toBe(true);
  });

  it('middy and the SDK still get what they need of node:http', async () => {
    const requests: string[] = [];
    const server = createServer((request, response) => {
      requests.push(String(request.headers['x-amz-target']));
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end('{}');
    });
    await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
    try {
      const { port } = server.address() as AddressInfo;
      const { stdout } = await promisify(execFile)(process.execPath, [join(outdir, 'http-probe.mjs')], {
        env: { ...LAMBDA_ENV, TABLE_NAME: 'probe', DYNAMODB_ENDPOINT: `http://127.0.0.1:${port}` },
        timeout: 10_000,
      });
      expect(JSON.parse(stdout)).toMatchObject({
        statusCode: 415,
        body: { error: { code: 'unsupported_media_type' } },
      });
      expect(requests).toEqual(['DynamoDB_20120810.GetItem']);
    } finally {
      server.close();
    }
  });

  it("logs an error's trace at its TypeScript lines, read through the map beside the bundle", async () => {
    const loggedStack = async (bundle: string) => {
      const { stderr } = await promisify(execFile)(process.execPath, [bundle], {
        env: LAMBDA_ENV,
        timeout: 10_000,
      });
      return String(JSON.parse(stderr).error.stack);
    };
    const mapped = await loggedStack(join(outdir, 'stack-probe.mjs'));
    expect(mapped).toContain('Error: probe failure');
    expect(mapped).toMatch(new RegExp(`stack-probe\\.ts:${STACK_PROBE_THROW_LINE}:\\d+\\)`));
    expect(mapped).not.toContain('.mjs:');
    // Without its map the trace is logged as it is.
    const alone = await mkdtemp(join(tmpdir(), 'inscriptions-no-map-'));
    try {
      await copyFile(join(outdir, 'stack-probe.mjs'), join(alone, 'stack-probe.mjs'));
      expect(await loggedStack(join(alone, 'stack-probe.mjs'))).toMatch(
        /\(file:\/\/.*stack-probe\.mjs:\d+:\d+\)/,
      );
    } finally {
      await rm(alone, { recursive: true, force: true });
    }
  });

  it('maps frame lines only, and leaves a frame whose map is unreadable as it is', async () => {
    const bundle = pathToFileURL(join(outdir, 'stack-probe.mjs')).href;
    const stack = [
      `Error: quoting ${bundle}:2:100`,
      `    at E (${bundle}:2:1)`,
      '    at async node:internal/modules/esm/loader:647:26',
    ].join('\n');
    const [message, frame, internal] = sourceMappedStack(stack).split('\n');
    expect(message).toBe(`Error: quoting ${bundle}:2:100`);
    expect(frame).toMatch(/^ {4}at E \(.+\.ts:\d+:\d+\)$/);
    expect(internal).toBe('    at async node:internal/modules/esm/loader:647:26');
    const broken = await mkdtemp(join(tmpdir(), 'inscriptions-broken-map-'));
    try {
      await copyFile(join(outdir, 'stack-probe.mjs'), join(broken, 'stack-probe.mjs'));
      await writeFile(join(broken, 'stack-probe.mjs.map'), '{"version":3,"mappings":');
      const raw = `    at E (${pathToFileURL(join(broken, 'stack-probe.mjs')).href}:2:1)`;
      expect(sourceMappedStack(raw)).toBe(raw);
    } finally {
      await rm(broken, { recursive: true, force: true });
    }
  });

  it('clients resolve the credentials the Lambda runtime sets in the environment', async () => {
    // Only these variables: no AWS_PROFILE or ~/.aws from the machine running the tests.
    const { stdout } = await promisify(execFile)(process.execPath, [join(outdir, 'probe.mjs')], {
      env: LAMBDA_ENV,
      timeout: 10_000,
    });
    expect(JSON.parse(stdout)).toEqual({
      accessKeyId: LAMBDA_ENV.AWS_ACCESS_KEY_ID,
      secretAccessKey: LAMBDA_ENV.AWS_SECRET_ACCESS_KEY,
      sessionToken: LAMBDA_ENV.AWS_SESSION_TOKEN,
    });
  });
});

/**
 * The event page's function reads web/src/event.html at run time: the CDK copies it next to
 * the bundle (the route's `files`), and the bundled handler finds it there.
 */
describe('the event page function, synthesized with bundling', () => {
  let assetDir: string;
  let cdkOut: string;

  beforeAll(async () => {
    cdkOut = await mkdtemp(join(tmpdir(), 'inscriptions-page-asset-'));
    const route = routes.find((r) => r.entry.endsWith('eventPage.ts'));
    const app = new App({ outdir: cdkOut });
    new AppFunction(new Stack(app, 'PageProbe'), 'Page', {
      entry: route?.entry ?? '',
      environment: {},
      logRemovalPolicy: RemovalPolicy.DESTROY,
      ...(route?.files ? { files: route.files } : {}),
    });
    const assembly = app.synth();
    const [asset] = (await readdir(assembly.directory)).filter((name) => name.startsWith('asset.'));
    assetDir = join(assembly.directory, asset ?? 'none');
  }, 60_000);

  afterAll(async () => {
    if (cdkOut) await rm(cdkOut, { recursive: true, force: true });
  });

  it('has the page next to index.mjs, as it is in the sources', async () => {
    expect((await readdir(assetDir)).sort()).toEqual(['event.html', 'index.mjs', 'index.mjs.map']);
    expect(await readFile(join(assetDir, 'event.html'), 'utf8')).toBe(
      await readFile(join(projectRoot, 'web/src/event.html'), 'utf8'),
    );
  });

  it('answers from the bundle alone with that page (an id that cannot exist: 404, no read)', async () => {
    const probe = `
      const { handler } = await import(${JSON.stringify(join(assetDir, 'index.mjs'))});
      const event = { headers: {}, pathParameters: { eventId: 'not an id' }, requestContext: { http: { method: 'GET' } } };
      const result = await handler(event, { awsRequestId: 'probe' });
      const isolation = Object.keys(result.headers).filter((name) => /^(cross-origin-|x-frame-options)/i.test(name));
      console.log(JSON.stringify({ status: result.statusCode, type: result.headers['content-type'], isolation, body: result.body }));
    `;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', probe], {
      // From elsewhere than the project, so nothing but the bundle's own directory can serve the page.
      cwd: tmpdir(),
      env: { ...LAMBDA_ENV, TABLE_NAME: 'probe' },
      timeout: 10_000,
    });
    expect(JSON.parse(stdout)).toEqual({
      status: 404,
      type: 'text/html; charset=utf-8',
      // As the static pages: framing is the CSP's to say, and no cross-origin isolation (which
      // would keep the embed off other sites) comes from the function.
      isolation: [],
      body: await readFile(join(projectRoot, 'web/src/event.html'), 'utf8'),
    });
  });
});
