import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import type { AdminContext } from '../functions/http/auth.js';
import type { ApiEvent, ApiHandler, ApiResult } from '../functions/http/handler.js';
import { type RouteDefinition, routes } from '../functions/routes.js';

/**
 * Turns a plain HTTP request into the API Gateway HTTP API (payload 2.0) event the
 * handlers receive in AWS, and finds the route for it. Used by the local server and by
 * the tests, so both exercise the handlers exactly as Lambda would call them.
 */

export interface PlainRequest {
  method: string;
  /** Path and query string as received, e.g. `/api/events?organiser=x`. */
  url: string;
  headers?: Record<string, string | string[] | undefined>;
  body?: string;
  sourceIp?: string;
  /** Claims of a verified JWT (admin routes), handed over as API Gateway's JWT authorizer does (the tests'). */
  claims?: Record<string, unknown>;
  /** What the admin authorizer found (admin routes), handed over as a Lambda authorizer's context. */
  admin?: AdminContext;
}

export interface MatchedRoute {
  route: RouteDefinition;
  pathParameters: Record<string, string>;
}

const compiled = routes.map((route) => ({
  route,
  names: [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1] ?? ''),
  pattern: new RegExp(`^${route.path.replace(/[.]/g, '\\.').replace(/\{\w+\}/g, '([^/]+)')}$`),
}));

/** The route for a method and path; `undefined` if none, `'method_not_allowed'` if only the method is wrong. */
export const matchRoute = (method: string, path: string): MatchedRoute | 'method_not_allowed' | undefined => {
  let pathMatched = false;
  for (const { route, names, pattern } of compiled) {
    const match = pattern.exec(path);
    if (!match) continue;
    pathMatched = true;
    if (route.method !== method) continue;
    const pathParameters = Object.fromEntries(
      names.map((name, i) => [name, decodeURIComponent(match[i + 1] ?? '')]),
    );
    return { route, pathParameters };
  }
  return pathMatched ? 'method_not_allowed' : undefined;
};

/** API Gateway v2 stringifies array claims as "[a b]". */
const authorizerClaims = (claims: Record<string, unknown>): Record<string, string | number | boolean> =>
  Object.fromEntries(
    Object.entries(claims).map(([name, value]) => [
      name,
      Array.isArray(value) ? `[${value.join(' ')}]` : (value as string | number | boolean),
    ]),
  );

export const toApiEvent = (request: PlainRequest, matched: MatchedRoute): ApiEvent => {
  const url = new URL(request.url, 'http://local');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams)
    query[name] = name in query ? `${query[name]},${value}` : value;
  const now = new Date();
  return {
    version: '2.0',
    routeKey: `${matched.route.method} ${matched.route.path}`,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    ...(Object.keys(matched.pathParameters).length ? { pathParameters: matched.pathParameters } : {}),
    ...(request.body ? { body: request.body } : {}),
    isBase64Encoded: false,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? '127.0.0.1',
      domainPrefix: 'local',
      http: {
        method: request.method,
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: request.sourceIp ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: `${matched.route.method} ${matched.route.path}`,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
      ...(request.admin
        ? { authorizer: { principalId: '', integrationLatency: 0, lambda: { ...request.admin } } }
        : {}),
      ...(request.claims
        ? {
            authorizer: {
              principalId: '',
              integrationLatency: 0,
              jwt: { claims: authorizerClaims(request.claims), scopes: [] },
            },
          }
        : {}),
    },
  };
};

/** API Gateway gives up on an integration after 29 s; a local request gets the same budget. */
const LOCAL_DEADLINE_MS = 29_000;

const lambdaContext = (functionName: string, deadline = Date.now() + LOCAL_DEADLINE_MS): Context =>
  ({
    awsRequestId: randomUUID(),
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => deadline - Date.now(),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  }) as Context;

const handlers = new Map<string, Promise<ApiHandler>>();

/** Loads a route's handler module once, as a warm Lambda would keep it. */
export const handlerFor = (route: RouteDefinition): Promise<ApiHandler> => {
  let loaded = handlers.get(route.entry);
  if (!loaded) {
    const url = new URL(`../${route.entry}`, import.meta.url).href;
    loaded = import(url).then((module: { handler: ApiHandler }) => module.handler);
    handlers.set(route.entry, loaded);
  }
  return loaded;
};

export const invoke = async (matched: MatchedRoute, request: PlainRequest): Promise<ApiResult> => {
  const handler = await handlerFor(matched.route);
  return handler(toApiEvent(request, matched), lambdaContext(matched.route.entry));
};
