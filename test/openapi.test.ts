import { Validator } from '@seriousme/openapi-schema-validator';
import { beforeAll, describe, expect, it } from 'vitest';
import { operations } from '../functions/openapi/operations.js';
import { routes } from '../functions/routes.js';
import { type CallResult, startTestApp, type TestApp } from './support/app.js';

/**
 * GET /api/openapi.json: valid OpenAPI 3.1 by an independent validator, and complete: every route
 * of functions/routes.ts, with its method, summary, path parameters and the schemas it parses.
 */

let app: TestApp;
// biome-ignore lint/suspicious/noExplicitAny: the test reads into the document it checks
let document: any;
let served: CallResult;

beforeAll(async () => {
  app = await startTestApp();
  served = await app.call('GET', '/api/openapi.json');
  document = served.body;
});

describe('the OpenAPI document', () => {
  it('is served to anyone, and caches may keep it', () => {
    expect(served.status).toBe(200);
    expect(served.headers['cache-control']).toMatch(/^public, max-age=\d+$/);
  });

  it('is valid OpenAPI 3.1', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document));
    expect(result.errors ?? [], JSON.stringify(result.errors ?? []).slice(0, 2000)).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('describes every route of routes.ts, and nothing else', () => {
    for (const route of routes) {
      const key = `${route.method} ${route.path}`;
      expect(operations[key]?.summary, `${key}: add a line to functions/openapi/operations.ts`).toMatch(/\S/);
      const operation = document.paths[route.path]?.[route.method.toLowerCase()];
      expect(operation, key).toBeDefined();
      expect(operation.summary, key).toBe(operations[key]?.summary);
      const inPath = [...route.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => name);
      expect(
        (operation.parameters ?? [])
          .filter((p: { in: string }) => p.in === 'path')
          .map((p: { name: string }) => p.name),
        key,
      ).toEqual(inPath);
      // Admin routes: a login's token or an API key; the others need neither.
      expect(operation.security, key).toEqual(
        route.auth === 'admin' ? [{ organiserToken: [] }, { apiKey: [] }] : [],
      );
      expect(operation.responses['4XX'].content['application/json'].schema.$ref, key).toBe(
        '#/components/schemas/Error',
      );
    }
    const documented = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods as object).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(routes.map((route) => `${route.method} ${route.path}`).sort());
    expect(Object.keys(operations).sort()).toEqual(documented.sort());
  });

  it('carries the schemas the handlers parse', () => {
    const body = (method: string, path: string) =>
      document.paths[path][method].requestBody.content['application/json'].schema;
    expect(body('post', '/api/admin/api-keys')).toMatchObject({
      type: 'object',
      required: ['label'],
      additionalProperties: false,
      properties: { label: { type: 'string', minLength: 1, maxLength: 100 } },
    });
    expect(body('post', '/api/events/{eventId}/registrations').required).toEqual(
      expect.arrayContaining(['name', 'email', 'consent']),
    );
    expect(body('post', '/api/admin/events').properties.format.enum).toEqual([
      'in_person',
      'online',
      'hybrid',
    ]);
    const query = document.paths['/api/admin/events/{eventId}/registrations'].get.parameters.filter(
      (p: { in: string }) => p.in === 'query',
    );
    expect(query.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['status', 'q', 'sort', 'cursor', 'limit']),
    );
    expect(document.paths['/api/events'].get.parameters).toContainEqual(
      expect.objectContaining({ name: 'organiser', in: 'query', required: true }),
    );
    expect(document.components.schemas.Error.properties.error.properties.code.enum).toContain('unauthorized');
  });
});
