import middy, { type MiddlewareObj } from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import httpSecurityHeaders from '@middy/http-security-headers';
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import type { z } from 'zod';
import { AppError } from './errors.js';
import { log } from './log.js';

/**
 * The HTTP plumbing every API handler shares: API Gateway v2 event types, the middy
 * middleware stack, input validation and response helpers. Handlers hold only the
 * business steps.
 */

type JwtRequestContext = APIGatewayProxyEventV2WithJWTAuthorizer['requestContext'];

/** An API Gateway HTTP API (v2) event; `authorizer` is present on JWT-protected routes only. */
export type ApiEvent = Omit<APIGatewayProxyEventV2WithJWTAuthorizer, 'body' | 'requestContext'> & {
  /** The raw string as received; after JSON parsing, the parsed value. */
  body?: unknown;
  requestContext: Omit<JwtRequestContext, 'authorizer'> & { authorizer?: JwtRequestContext['authorizer'] };
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
export const created = (body: unknown): ApiResult => json(201, body);

export const errorResponse = (error: AppError): ApiResult =>
  json(error.status, {
    error: { code: error.code, message: error.message, ...(error.fields ? { fields: error.fields } : {}) },
  });

/** Validates a value against a schema; failures become a 400 naming each field. */
export const parseInput = <T extends z.ZodType>(schema: T, value: unknown): z.infer<T> => {
  const result = schema.safeParse(value);
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

const toAppError = (error: unknown, context: Context): AppError => {
  if (error instanceof AppError) return error;
  const status = (error as { statusCode?: number } | null)?.statusCode;
  const message = error instanceof Error ? error.message : '';
  // The stock JSON body parser reports both cases as 415; tell them apart for the caller.
  if (status === 415 && message.includes('malformed JSON')) {
    return new AppError('invalid_json', 'The request body is not valid JSON');
  }
  if (status === 415) {
    return new AppError('unsupported_media_type', 'Send the request body as application/json');
  }
  log.error('unhandled error', { requestId: context.awsRequestId, error });
  return new AppError('internal_error', 'Something went wrong on our side; please try again');
};

interface HandlerOptions {
  /** Parse a JSON body (POST/PATCH with a payload); action POSTs without a body leave it off. */
  jsonBody?: boolean;
}

export const httpApi = (options: HandlerOptions, handler: ApiHandler) => {
  const chain = middy<ApiEvent, ApiResult>()
    .use(httpHeaderNormalizer())
    .use(httpSecurityHeaders())
    .use(errorResponses())
    .use(bodyLimit());
  if (options.jsonBody) chain.use(httpJsonBodyParser());
  return chain.handler(handler);
};
