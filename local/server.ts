import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { authorizeAdmin } from '../functions/apikeys/authorize.js';
import type { AdminContext } from '../functions/http/auth.js';
import type { InboundOutcome } from '../functions/inbound/decide.js';
import { MAX_INBOUND_BYTES } from '../functions/inbound/parse.js';
import { redactText } from '../functions/platform/log.js';
import { services } from '../functions/wiring/services.js';
import { invoke, matchRoute } from './apigw.js';
import { type LocalIssuer, organisersForEmail, passwordMatches } from './auth.js';
import type { Outbox } from './outbox.js';

/**
 * The local runtime's HTTP server: API routes go through the same API Gateway v2 event
 * builder and handlers as in AWS (admin routes behind the same check: a local JWT or an API key), and the
 * built web pages are served as static files.
 */

export interface LocalServerOptions {
  issuer: LocalIssuer;
  /** Organisers with a seeded login user. */
  organiserIds: readonly string[];
  /** Built pages; default `web/dist` of the project. */
  webDir?: string;
  /** Serves `/local/outbox*` when given. */
  outbox?: Outbox;
  /** Serves `POST /local/inbound` when given: a raw email, as a mail server would deliver it. */
  inbound?: (raw: Buffer) => Promise<InboundOutcome>;
}

/** Wrong logins a client may make in a window before the login answers 429 until it ends. */
export const LOGIN_FAILURES = { limit: 10, windowMs: 15 * 60_000 };

/**
 * The names this server answers to: its loopback address and `localhost`, on its own port. A
 * page on another site whose name was pointed at 127.0.0.1 (DNS rebinding) sends its own name
 * in `Host` and gets 421, so it cannot read the outbox or the API through the browser.
 */
const isOwnHost = (host: string | undefined, port: number | undefined): boolean =>
  host === undefined ||
  [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`].includes(host.toLowerCase());

/** Well above the handlers' own 16 KiB limit: they answer that one; this only stops floods. */
const MAX_REQUEST_BYTES = 64 * 1024;

const DEFAULT_WEB_DIR = fileURLToPath(new URL('../web/dist', import.meta.url));

const pageHeaders = (frameAncestors: string) => ({
  'content-security-policy': `default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors ${frameAncestors}; base-uri 'none'; form-action 'self'`,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
});

/** Every page may be framed by its own site only, */
const PAGE_HEADERS = pageHeaders("'self'");
/** but the event page in embed mode is what embed.js frames on any blog (API.md's rule). */
const EMBED_HEADERS = pageHeaders('*');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.webmanifest': 'application/manifest+json',
};

/** Pretty page routes to the built files behind them. */
const pageFor = (path: string): string | undefined => {
  if (path === '/') return 'index.html';
  if (path === '/manage') return 'manage.html';
  if (path === '/admin') return 'admin.html';
  return undefined;
};

/** `/events/{id}`: the event page, rendered by its route (its head names the event), as in AWS. */
const isEventPage = (path: string): boolean => /^\/events\/[^/]+$/.test(path);

const isJoinLink = (path: string): boolean => /^\/j\/[^/]+$/.test(path);

/**
 * The event page in embed mode (`?embed=1`), by its pretty address or its file, as the
 * CloudFront function that loosens the same header decides (lib/web.ts).
 */
const isEmbed = (path: string, query: string): boolean =>
  (isEventPage(path) || path === '/event.html') && new URLSearchParams(query).get('embed') === '1';

const loginInput = z.object({
  email: z.string().max(254),
  password: z.string().max(1024),
});

class TooLarge extends Error {}

const sendJson = (
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) => {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  res.end(JSON.stringify(body));
};

const sendError = (
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  extra: { fields?: Record<string, string>; headers?: Record<string, string> } = {},
) =>
  sendJson(
    res,
    status,
    { error: { code, message, ...(extra.fields ? { fields: extra.fields } : {}) } },
    extra.headers,
  );

/** Buffers the body up to the cap; beyond it, stops buffering and throws. */
const readBody = (req: IncomingMessage, maxBytes = MAX_REQUEST_BYTES): Promise<Buffer> =>
  new Promise((done, fail) => {
    if (Number(req.headers['content-length'] ?? 0) > maxBytes) return fail(new TooLarge());
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        req.off('data', onData);
        chunks.length = 0;
        fail(new TooLarge());
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => done(Buffer.concat(chunks)));
    req.once('error', fail);
    req.once('close', () => {
      if (!req.complete) fail(new Error('Request aborted'));
    });
  });

const isJson = (req: IncomingMessage): boolean =>
  /^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? '');

const allowedMethods = (path: string): string =>
  ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE']
    .filter((method) => typeof matchRoute(method, path) === 'object')
    .join(', ');

export const createLocalServer = (options: LocalServerOptions): Server => {
  const webDir = resolve(options.webDir ?? DEFAULT_WEB_DIR);
  const { issuer, organiserIds } = options;

  /**
   * `pageHeaders`: a page's security headers, which replace the handler's as CloudFront's
   * response headers policy does (lib/web.ts).
   */
  const handleApi = async (
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    method: string,
    pageHeaders?: Record<string, string>,
  ) => {
    const matched = matchRoute(method, path);
    if (matched === 'method_not_allowed') {
      return sendError(res, 405, 'method_not_allowed', `${method} is not allowed on this path`, {
        headers: { allow: allowedMethods(path) },
      });
    }
    if (!matched) return sendError(res, 404, 'not_found', 'No such endpoint');

    let admin: AdminContext | undefined;
    if (matched.route.auth === 'admin') {
      // What the admin authorizer does in AWS before the function ever runs: a login's token or an API key.
      const { apiKeys, clock } = services();
      admin = await authorizeAdmin(req.headers.authorization, { verifyJwt: issuer.verify, apiKeys, clock });
      if (!admin) return sendError(res, 401, 'unauthorized', 'A valid organiser token is required');
    }
    const body = await readBody(req);
    const result = await invoke(matched, {
      method,
      url: req.url ?? path,
      headers: req.headers,
      body: body.length ? body.toString('utf8') : undefined,
      sourceIp: req.socket.remoteAddress,
      admin,
    });
    const headers = Object.fromEntries(
      Object.entries(result.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]),
    );
    res.writeHead(result.statusCode ?? 200, { ...headers, ...pageHeaders });
    res.end(
      result.body === undefined
        ? undefined
        : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8'),
    );
  };

  /** Wrong logins by client address, in fixed windows (one developer's machine: memory will do). */
  const loginFailures = new Map<string, { count: number; until: number }>();

  const handleLogin = async (req: IncomingMessage, res: ServerResponse) => {
    const client = req.socket.remoteAddress ?? 'unknown';
    const failures = loginFailures.get(client);
    if (failures && failures.until <= Date.now()) loginFailures.delete(client);
    else if (failures && failures.count >= LOGIN_FAILURES.limit) {
      return sendError(res, 429, 'rate_limited', 'Too many wrong logins; please try again later', {
        headers: { 'retry-after': String(Math.ceil((failures.until - Date.now()) / 1000)) },
      });
    }
    if (!isJson(req))
      return sendError(res, 415, 'unsupported_media_type', 'Send the request body as application/json');
    let parsed: unknown;
    try {
      parsed = JSON.parse((await readBody(req)).toString('utf8'));
    } catch (error) {
      if (error instanceof TooLarge) throw error;
      return sendError(res, 400, 'invalid_json', 'The request body is not valid JSON');
    }
    const input = loginInput.safeParse(parsed);
    if (!input.success) {
      const fields = Object.fromEntries(
        input.error.issues.map((issue) => [issue.path.join('.') || '_', issue.message]),
      );
      return sendError(res, 400, 'validation_failed', 'Send {"email", "password"}', { fields });
    }
    // The password is checked even for an unknown email, so both take the same time.
    const passwordOk = passwordMatches(input.data.password);
    const organisers = organisersForEmail(input.data.email, organiserIds);
    if (!passwordOk || organisers.length === 0) {
      const current = loginFailures.get(client) ?? { count: 0, until: Date.now() + LOGIN_FAILURES.windowMs };
      loginFailures.set(client, { ...current, count: current.count + 1 });
      return sendError(res, 401, 'unauthorized', 'Wrong email or password');
    }
    sendJson(res, 200, { accessToken: await issuer.issue(organisers) });
  };

  const handleOutbox = async (outbox: Outbox, req: IncomingMessage, res: ServerResponse, path: string) => {
    if (path === '/local/outbox') {
      const to = new URL(req.url ?? path, 'http://localhost').searchParams.get('to') ?? undefined;
      return sendJson(res, 200, { emails: await outbox.list({ to }) });
    }
    // The outbox refuses any id it did not make, so nothing here can name another file.
    const id = /^\/local\/outbox\/([^/]+)\.eml$/.exec(path)?.[1];
    const raw = id ? await outbox.read(id) : undefined;
    if (!raw) return sendError(res, 404, 'not_found', 'No such email in the outbox');
    res.writeHead(200, {
      'content-type': 'message/rfc822',
      'content-length': String(raw.length),
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    res.end(raw);
  };

  /** What SES receiving does in AWS: the message goes to the calendar answer handler. */
  const handleInbound = async (
    inbound: NonNullable<LocalServerOptions['inbound']>,
    req: IncomingMessage,
    res: ServerResponse,
  ) => {
    if (!/^message\/rfc822\s*(;|$)/i.test(req.headers['content-type'] ?? '')) {
      return sendError(res, 415, 'unsupported_media_type', 'Send the raw email as message/rfc822');
    }
    const outcome = await inbound(await readBody(req, MAX_INBOUND_BYTES));
    // 202: the answer changed the registration; 200: read, and nothing to do.
    sendJson(res, 'changed' in outcome && outcome.changed ? 202 : 200, outcome);
  };

  const handleStatic = async (res: ServerResponse, path: string, query: string, method: string) => {
    const notFound = () => {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', ...PAGE_HEADERS });
      res.end(method === 'HEAD' ? undefined : 'Not found\n');
    };
    if (method !== 'GET' && method !== 'HEAD') {
      res.writeHead(405, {
        allow: 'GET, HEAD',
        'content-type': 'text/plain; charset=utf-8',
        ...PAGE_HEADERS,
      });
      return res.end('Method not allowed\n');
    }
    let relative: string;
    try {
      relative = pageFor(path) ?? decodeURIComponent(path).replace(/^\/+/, '');
    } catch {
      return notFound(); // malformed percent-encoding
    }
    const file = resolve(webDir, relative);
    // Decoded `..` or `%2f` must not lead outside the web directory.
    if (relative.includes('\0') || !file.startsWith(webDir + sep)) return notFound();
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) return notFound();
    res.writeHead(200, {
      'content-type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'content-length': String(info.size),
      'cache-control': 'no-cache',
      ...(isEmbed(path, query) ? EMBED_HEADERS : PAGE_HEADERS),
    });
    if (method === 'HEAD') return res.end();
    createReadStream(file)
      .on('error', () => res.destroy())
      .pipe(res);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, path: string) => {
    const method = req.method ?? 'GET';
    if (!isOwnHost(req.headers.host, req.socket.localPort)) {
      return sendError(
        res,
        421,
        'misdirected_request',
        'This server answers to 127.0.0.1 and localhost only',
      );
    }
    try {
      if (path === '/local/login') {
        if (method !== 'POST') {
          return sendError(res, 405, 'method_not_allowed', `${method} is not allowed on this path`, {
            headers: { allow: 'POST' },
          });
        }
        return await handleLogin(req, res);
      }
      if (options.outbox && /^\/local\/outbox(\/|$)/.test(path)) {
        if (method !== 'GET') {
          return sendError(res, 405, 'method_not_allowed', `${method} is not allowed on this path`, {
            headers: { allow: 'GET' },
          });
        }
        return await handleOutbox(options.outbox, req, res, path);
      }
      if (options.inbound && path === '/local/inbound') {
        if (method !== 'POST') {
          return sendError(res, 405, 'method_not_allowed', `${method} is not allowed on this path`, {
            headers: { allow: 'POST' },
          });
        }
        return await handleInbound(options.inbound, req, res);
      }
      // `/r/{code}`: a tracking link's redirect (functions/sources/), an API route as in AWS.
      if (/^\/(api|local|calendar|r)(\/|$)/.test(path)) return await handleApi(req, res, path, method);
      // The personal join link: a redirect or a page, with the site's page headers as in AWS.
      if (isJoinLink(path)) return await handleApi(req, res, path, method, PAGE_HEADERS);
      const query = (req.url ?? '').split('?').slice(1).join('?');
      if (isEventPage(path) && typeof matchRoute(method, path) === 'object') {
        return await handleApi(req, res, path, method, isEmbed(path, query) ? EMBED_HEADERS : PAGE_HEADERS);
      }
      return await handleStatic(res, path, query, method);
    } catch (error) {
      if (res.headersSent) return void res.destroy();
      if (error instanceof TooLarge) {
        // Close rather than read the rest of a body we refuse.
        return sendError(res, 413, 'payload_too_large', 'The request body is too large', {
          headers: { connection: 'close' },
        });
      }
      if (error instanceof URIError) return sendError(res, 400, 'validation_failed', 'The path is not valid');
      console.error(`local server: ${(error as Error)?.stack ?? error}`);
      sendError(res, 500, 'internal_error', 'Something went wrong on our side; please try again');
    }
  };

  return createServer((req, res) => {
    const started = performance.now();
    // Only the path is ever logged: query strings, bodies and headers carry tokens and emails.
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    res.once('finish', () => {
      if (process.env.LOG_LEVEL === 'silent') return;
      // A join link's code is a bearer secret: masked like any token (functions/platform/log.ts).
      console.log(
        `${req.method} ${redactText(path)} ${res.statusCode} ${Math.round(performance.now() - started)}ms`,
      );
    });
    void handle(req, res, path);
  });
};
