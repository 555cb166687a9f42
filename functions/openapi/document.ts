import { type core, toJSONSchema } from 'zod/mini';
import { errorStatus } from '../platform/errors.js';
import { type RouteDefinition, routes } from '../routes.js';
import { type Operation, operations } from './operations.js';

/**
 * The OpenAPI 3.1 description of the API: every route of routes.ts, with the zod schemas its
 * handler parses (operations.ts), the contract's error shape, and how admin routes authenticate.
 */

type JsonSchema = Record<string, unknown>;

/** The schema as the caller sends it (defaults optional), in JSON Schema 2020-12 as OpenAPI 3.1 uses. */
const inputSchema = (schema: core.$ZodType): JsonSchema => {
  const { $schema: _dialect, ...json } = toJSONSchema(schema, {
    io: 'input',
    target: 'draft-2020-12',
    unrepresentable: 'any',
  }) as JsonSchema;
  return json;
};

const MEDIA_TYPES: Record<NonNullable<Operation['type']>, string> = {
  json: 'application/json',
  csv: 'text/csv',
  calendar: 'text/calendar',
  html: 'text/html',
};

const errorSchema: JsonSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', enum: Object.keys(errorStatus) },
        message: { type: 'string' },
        fields: {
          type: 'object',
          additionalProperties: { type: 'string' },
          description: 'Validation only: why each field was refused',
        },
      },
    },
  },
};

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

const parameters = (route: RouteDefinition, operation: Operation) => {
  const inPath = [...route.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    schema: { type: 'string', maxLength: name === 'file' ? 68 : 64 },
  }));
  const query = operation.query ? inputSchema(operation.query) : undefined;
  const required = new Set((query?.required as string[] | undefined) ?? []);
  const inQuery = Object.entries((query?.properties as Record<string, JsonSchema> | undefined) ?? {}).map(
    ([name, schema]) => ({ name, in: 'query', required: required.has(name), schema }),
  );
  return [...inPath, ...inQuery];
};

const operationOf = (route: RouteDefinition) => {
  const key = `${route.method} ${route.path}`;
  // A route without its line is still listed (the test names it): one forgotten line must not
  // take the whole document down.
  const operation = operations[key] ?? { summary: key };
  const mediaType = MEDIA_TYPES[operation.type ?? 'json'];
  const status = String(operation.status ?? 200);
  const found = parameters(route, operation);
  return {
    operationId: `${route.method.toLowerCase()}${route.path.replace(/[{}.]/g, '').replace(/[/-](\w)/g, (_, c: string) => c.toUpperCase())}`,
    summary: operation.summary,
    tags: [
      route.auth === 'admin' ? 'admin' : route.path.startsWith('/api/registrations') ? 'manage' : 'public',
    ],
    ...(found.length ? { parameters: found } : {}),
    ...(operation.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: inputSchema(operation.body) } },
          },
        }
      : {}),
    responses: {
      [status]: {
        description: operation.summary,
        ...(route.method === 'HEAD'
          ? {}
          : {
              content: {
                [mediaType]: {
                  schema: mediaType === 'application/json' ? { type: 'object' } : { type: 'string' },
                },
              },
            }),
      },
      ...(route.auth === 'admin' ? { '401': errorResponse('No valid token or API key') } : {}),
      '4XX': errorResponse('Refused: see the error code'),
    },
    ...(route.auth === 'admin' ? { security: [{ organiserToken: [] }, { apiKey: [] }] } : { security: [] }),
  };
};

export const openApiDocument = (serverUrl: string) => {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operationOf(route) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Inscriptions API',
      version: '1',
      description:
        'Event registration: public pages and registration, the registrant’s manage link, calendars, and the organisers’ admin API. Every error body is `{"error": {"code", "message", "fields"?}}`.',
    },
    servers: [{ url: serverUrl }],
    paths,
    components: {
      schemas: { Error: errorSchema },
      securitySchemes: {
        organiserToken: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'An access token from the admin login (Cognito in AWS, POST /local/login locally).',
        },
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description:
            'An API key (`ik_...`), made on the admin page: it acts for its organiser on every admin route but the API key ones.',
        },
      },
    },
  };
};
