import { randomBytes } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { newEventRecord, publish } from '../../functions/events/model.js';
import { eventCreateInput } from '../../functions/events/schemas.js';
import { unsealToken } from '../../functions/platform/tokens.js';
import { createServices, type Services, setServices } from '../../functions/wiring/services.js';
import { invoke, matchRoute } from '../../local/apigw.js';
import { freshTable } from './dynamo.js';

/**
 * The whole API in-process: handlers invoked with API Gateway v2 events (the same
 * builder the local server uses) over stores on a fresh DynamoDB Local table.
 */

export const BASE_URL = 'http://127.0.0.1:3000';
/** The local runtime's reply domain (local/start.ts): invitations name `rsvp+…@localhost`. */
export const REPLY_DOMAIN = 'localhost';

export interface TestApp {
  services: Services;
  doc: DynamoDBDocumentClient;
  tableName: string;
  call: (method: string, url: string, options?: CallOptions) => Promise<CallResult>;
  /** A published event of `organiserId`, created straight in the store (`shards` forces its shard count). */
  publishedEvent: (
    fields?: Record<string, unknown>,
    organiserId?: string,
    options?: { shards?: number },
  ) => Promise<string>;
  /** The key manage tokens are sealed with (another process over the same table needs it). */
  tokenKey: Buffer;
  /** The manage token the emails carry (the one that proves the mailbox), as the mailer unseals it. */
  emailedToken: (registrationId: string) => Promise<string>;
}

export interface CallResult {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read into the JSON they expect
  body: any;
  headers: Record<string, string>;
}

export interface CallOptions {
  body?: unknown;
  /** The login's organiser, or its organisers (one Cognito group each). */
  organiser?: string | string[];
  headers?: Record<string, string>;
  /** The client address API Gateway reports (rate limits count per client); 127.0.0.1 if left out. */
  sourceIp?: string;
}

export const startTestApp = async (
  wrap?: (doc: DynamoDBDocumentClient) => DynamoDBDocumentClient,
): Promise<TestApp> => {
  process.env.LOG_LEVEL ??= 'silent';
  const { doc: rawDoc, tableName } = await freshTable();
  const doc = wrap ? wrap(rawDoc) : rawDoc;
  const tokenKey = randomBytes(32);
  const services = createServices({
    db: doc,
    tableName,
    baseUrl: BASE_URL,
    tokenKey,
    holdMinutes: 120,
    // As the local runtime: calendar answers come back through POST /local/inbound.
    replyDomain: REPLY_DOMAIN,
  });
  const { events } = services;
  setServices(services);

  const call: TestApp['call'] = async (method, url, options = {}) => {
    const matched = matchRoute(method, new URL(url, BASE_URL).pathname);
    if (!matched || matched === 'method_not_allowed') throw new Error(`No route for ${method} ${url}`);
    const hasBody = options.body !== undefined;
    const result = await invoke(matched, {
      method,
      url,
      headers: { ...(hasBody ? { 'content-type': 'application/json' } : {}), ...options.headers },
      body: hasBody
        ? typeof options.body === 'string'
          ? options.body
          : JSON.stringify(options.body)
        : undefined,
      claims: options.organiser
        ? { sub: 'user', token_use: 'access', 'cognito:groups': [options.organiser].flat() }
        : undefined,
      sourceIp: options.sourceIp,
    });
    const headers = Object.fromEntries(
      Object.entries(result.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]),
    );
    const text = result.body ?? '';
    const body = headers['content-type']?.includes('json') && text ? JSON.parse(text) : text;
    return { status: result.statusCode ?? 200, body, headers };
  };

  let counter = 0;
  const publishedEvent: TestApp['publishedEvent'] = async (
    fields = {},
    organiserId = 'media-aces',
    options = {},
  ) => {
    const start = new Date(Date.now() + 7 * 86_400_000);
    const event = publish(
      newEventRecord(
        eventCreateInput.parse({
          title: 'Test event',
          format: 'online',
          joinUrl: 'https://meet.example/secret-room',
          startsAt: start.toISOString(),
          endsAt: new Date(start.getTime() + 3_600_000).toISOString(),
          capacity: 10,
          ...fields,
        }),
        {
          id: `evt-test-${++counter}-${randomBytes(3).toString('hex')}`,
          organiserId,
          organiserName: organiserId,
        },
        new Date(),
      ),
      new Date(),
    );
    await events.create(event, options);
    return event.id;
  };

  const emailedToken = async (registrationId: string) => {
    const registration = await services.registrations.getById(registrationId);
    if (!registration) throw new Error(`No registration ${registrationId}`);
    return unsealToken(registration.tokenSealed, tokenKey);
  };

  return { services, doc, tableName, call, publishedEvent, tokenKey, emailedToken };
};

/** Splits a manage URL (`.../manage#registration=ID&token=T`) into its parts. */
export const manageLink = (manageUrl: string): { id: string; token: string } => {
  const params = new URLSearchParams(new URL(manageUrl).hash.slice(1));
  return { id: params.get('registration') ?? '', token: params.get('token') ?? '' };
};
