import { createHash } from 'node:crypto';
import middy, { type MiddlewareObj } from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import httpSecurityHeaders from '@middy/http-security-headers';
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { type core, safeParse } from 'zod/mini';
import { calendarMethod } from '../calendar/method.js';
import { AppError } from '../platform/errors.js';
import { log } from '../platform/log.js';
import { RateLimitedError } from '../platform/rate-limiter.js';

/**
 * The HTTP plumbing every API handler shares: API Gateway v2 event types, the middy
 * middleware stack, input validation and response helpers. Handlers hold only the
 * business steps.
 */

type JwtRequestContext = APIGatewayProxyEventV2WithJWTAuthorizer['requestContext'];

/** An API Gateway HTTP API (v2) event; `authorizer` is present on admin routes only. */
export type ApiEvent = Omit<APIGatewayProxyEventV2WithJWTAuthorizer, 'body' | 'requestContext'> & {
  /** The raw string as received; after JSON parsing, the parsed value. */
  body?: unknown;
  requestContext: Omit<JwtRequestContext, 'authorizer'> & {
    /** `jwt` from API Gateway's JWT authorizer; `lambda` from the admin Lambda authorizer (functions/http/auth.ts). */
    authorizer?: Partial<JwtRequestContext['authorizer']> & { lambda?: Record<string, unknown> };
  };
};
export type ApiResult = APIGatewayProxyStructuredResultV2;
export type ApiHandler = (event: ApiEvent, context: Context) => Promise<ApiResult>;

export const MAX_BODY_BYTES = 16 * 1024;

export const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}): ApiResult => ({
  statusCode,
  headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
  body: JSON.stringify(body),
});

export const ok = (body: unknown): ApiResult => json(200, body);

/** A page (`page: true` handlers): browsers and CloudFront keep it a minute. */
export const html = (statusCode: number, body: string): ApiResult => ({
  statusCode,
  headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'public, max-age=60' },
  body,
});
export const created = (body: unknown): ApiResult => json(201, body);

const CALENDAR_CACHE = {
  /**
   * Public files and feeds: browsers and CloudFront may keep them five minutes. Calendar apps
   * poll far less often than that, and a change shows within five minutes for the others.
   */
  public: 'public, max-age=300, s-maxage=300',
  /** A personal file (manage token in the URL, join link inside): never stored on the way. */
  private: 'private, no-store',
} as const;

export interface CalendarFileOptions {
  cache: keyof typeof CALENDAR_CACHE;
  /** The latest change behind the body (ISO instant), sent as `Last-Modified`. */
  lastModified?: string;
  /**
   * Everything the body is rendered from (and the rendering's version), when that is cheaper
   * to hash than rendering: two requests with equal inputs get bodies equal but for DTSTAMP.
   */
  inputs?: string;
  /** Offered as a download under this name; feeds to subscribe to have none. */
  filename?: string;
}

/**
 * A `text/calendar` answer with an ETag, or `304` with no body when the caller's
 * `If-None-Match` already names it: calendar apps poll feeds, and this is what lets them (and
 * CloudFront) skip unchanged ones. The tag is weak: DTSTAMP says when the body was made, so two
 * answers for the same state differ in it alone, and the tag hashes the body without it.
 */
export const calendarFile = (
  request: ApiEvent,
  ics: string | (() => string),
  options: CalendarFileOptions,
): ApiResult => {
  const render = typeof ics === 'string' ? () => ics : ics;
  // With `inputs`, the tag is known before rendering, so a 304 costs no rendering at all.
  const etag = `W/"${createHash('sha256')
    .update(options.inputs ?? withoutStamps(render()))
    .digest('base64url')}"`;
  const headers: Record<string, string> = {
    etag,
    'cache-control': CALENDAR_CACHE[options.cache],
    ...(options.lastModified ? { 'last-modified': new Date(options.lastModified).toUTCString() } : {}),
  };
  if (etagMatches(request.headers['if-none-match'], etag)) return { statusCode: 304, headers };
  const body = render();
  // RFC 5545 8.1: the media type names the body's METHOD, so a client knows what it is handed.
  const method = calendarMethod(body);
  return {
    statusCode: 200,
    headers: {
      ...headers,
      'content-type': `text/calendar; charset=utf-8${method ? `; method=${method}` : ''}`,
      ...(options.filename
        ? { 'content-disposition': `attachment; filename="${options.filename.replace(/[^\w.-]/g, '-')}"` }
        : {}),
    },
    body,
  };
};

/** The body without its DTSTAMP lines (they never fold: a UTC time is short). */
const withoutStamps = (ics: string): string => ics.replace(/^DTSTAMP:.*\r\n/gm, '');

/** `If-None-Match` compares weakly (RFC 9110 13.1.2): with or without `W/`, the same opaque tag. */
const etagMatches = (header: string | undefined, etag: string): boolean => {
  const opaque = etag.replace(/^W\//, '');
  return (header ?? '').split(',').some((candidate) => {
    const tag = candidate.trim().replace(/^W\//, '');
    return tag === '*' || tag === opaque;
  });
};

/** The error shape; a rate-limited refusal also says when to come back (`Retry-After`). */
export const errorResponse = (error: AppError): ApiResult =>
  json(
    error.status,
    {
      error: { code: error.code, message: error.message, ...(error.fields ? { fields: error.fields } : {}) },
    },
    error instanceof RateLimitedError ? { 'retry-after': String(error.retryAfterSeconds) } : {},
  );

/**
 * Validates a value against a schema; failures become a 400 naming each field. Any zod schema
 * fits (the shared ones are `zod/mini`, see shared/text.ts).
 */
export const parseInput = <T extends core.$ZodType>(schema: T, value: unknown): core.output<T> => {
  const result = safeParse(schema, value);
  if (result.success) return result.data;
  const fields: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const field = issue.path.map(String).join('.') || '_';
    fields[field] ??= issue.message;
  }
  throw new AppError('validation_failed', 'The request does not match the expected fields', fields);
};

/** Ids are ours: anything else in their place cannot exist (and never reaches a key). */
const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export const pathParam = (event: ApiEvent, name: string): string => {
  const value = event.pathParameters?.[name];
  if (!value || !ID_PATTERN.test(value)) throw new AppError('not_found', 'Not found');
  return value;
};

export const queryParams = (event: ApiEvent): Record<string, string | undefined> =>
  event.queryStringParameters ?? {};

/** Refuses bodies over the limit before anything parses them. */
const bodyLimit = (): MiddlewareObj<ApiEvent, ApiResult> => ({
  before: (request) => {
    const { body, isBase64Encoded } = request.event;
    if (typeof body !== 'string') return;
    const bytes = isBase64Encoded ? Math.floor((body.length * 3) / 4) : Buffer.byteLength(body);
    if (bytes > MAX_BODY_BYTES) {
      throw new AppError('payload_too_large', `The request body is over ${MAX_BODY_BYTES / 1024} KiB`);
    }
  },
});

/** Turns any failure into the contract's error shape; unexpected ones are logged and hidden. */
const errorResponses = (): MiddlewareObj<ApiEvent, ApiResult> => ({
  onError: (request) => {
    request.response = errorResponse(toAppError(request.error, request.context));
  },
});

/** What middy's JSON body parser throws (@middy/http-json-body-parser 7): `createError(status, message, { cause })`. */
interface ParserError {
  statusCode?: number;
  message?: string;
  cause?: { package?: string; data?: unknown; message?: string };
}

const toAppError = (error: unknown, context: Context): AppError => {
  if (error instanceof AppError) return error;
  const { statusCode, message, cause } = (error ?? {}) as ParserError;
  if (statusCode === 415) {
    return new AppError('unsupported_media_type', 'Send the request body as application/json');
  }
  // 422 from the parser: a body that is not JSON, a JSON nesting too deep for it, or a key
  // that could pollute prototypes (`__proto__`, `constructor` with a `prototype`).
  if (statusCode === 422 && cause?.package === '@middy/http-json-body-parser') {
    if (message === 'Forbidden key in JSON body') {
      return new AppError('validation_failed', 'The request does not match the expected fields', {
        [String(cause.data)]: 'This name is reserved',
      });
    }
    return new AppError(
      'invalid_json',
      /call stack/i.test(cause.message ?? '')
        ? 'The request body is nested too deeply'
        : 'The request body is not valid JSON',
    );
  }
  log.error('unhandled error', { requestId: context.awsRequestId, error });
  return new AppError('internal_error', 'Something went wrong on our side; please try again');
};

interface HandlerOptions {
  /** Parse a JSON body (POST/PATCH with a payload); action POSTs without a body leave it off. */
  jsonBody?: boolean;
  /**
   * An HTML page rather than an API answer: who may frame it is its CSP's `frame-ancestors`
   * (the site's headers, which embed mode loosens), so no `X-Frame-Options: DENY` says otherwise.
   */
  page?: boolean;
}

export const httpApi = (options: HandlerOptions, handler: ApiHandler) => {
  const chain = middy<ApiEvent, ApiResult>()
    .use(httpHeaderNormalizer())
    .use(
      httpSecurityHeaders(
        // A page keeps the headers the static pages have (the site's own): who may frame it is
        // its CSP; cross-origin isolation would stop the embed being framed on other sites.
        options.page
          ? {
              frameOptions: false,
              crossOriginEmbedderPolicy: false,
              crossOriginOpenerPolicy: false,
              crossOriginResourcePolicy: false,
            }
          : {},
      ),
    )
    .use(errorResponses())
    .use(bodyLimit());
  if (options.jsonBody) chain.use(httpJsonBodyParser());
  return headWithoutBody(chain.handler(handler));
};

/**
 * HEAD gets the answer GET would (status, headers, errors alike) without its body (RFC 9110
 * 9.3.2), and that body's length. Only routes that name HEAD reach a handler with it.
 */
const headWithoutBody =
  (handler: ApiHandler): ApiHandler =>
  async (event, context) => {
    const result = await handler(event, context);
    if (event.requestContext?.http?.method !== 'HEAD' || result.body === undefined) return result;
    const { body, ...rest } = result;
    const length = Buffer.byteLength(body, result.isBase64Encoded ? 'base64' : 'utf8');
    return { ...rest, headers: { ...rest.headers, 'content-length': String(length) } };
  };
