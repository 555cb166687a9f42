/**
 * Issue 20, cold import: every function's bundle carries every schema module (the shared wiring
 * imports all stores), so importing one must build none of its schemas (platform/fields.ts): a
 * function pays only for the schemas it parses. Counted where zod makes a schema or a check:
 * each gets its internals (`_zod`, holding its definition) through Object.defineProperty.
 */
import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterEach, describe, expect, it, vi } from 'vitest';
// zod itself loads before the count starts: only what our modules build is counted.
import 'zod/mini';
import 'zod/locales';
import { esbuildOptions } from '../lib/bundling.js';

/** The definition's type of each zod schema or check made while `run` runs (`lazy`, `object`...). */
const zodBuilt = async (run: () => Promise<unknown>): Promise<string[]> => {
  const built: string[] = [];
  const defineProperty = Object.defineProperty;
  vi.spyOn(Object, 'defineProperty').mockImplementation((target, key, descriptor) => {
    if (key === '_zod') built.push(descriptor.value?.def?.type ?? descriptor.value?.def?.check ?? '?');
    return defineProperty(target, key, descriptor);
  });
  await run();
  vi.restoreAllMocks();
  return built;
};

afterEach(() => {
  vi.restoreAllMocks();
});

const functionsDir = new URL('../functions/', import.meta.url);

describe('schemas built on first use', () => {
  it('builds no schema when every API function, the OpenAPI operations and the schema modules load', async () => {
    const api = (await readdir(new URL('api/', functionsDir), { recursive: true }))
      .filter((file) => file.endsWith('.ts'))
      .map((file) => `api/${file}`);
    expect(api).toContain('api/public/register.ts');
    const modules = [
      ...api,
      'openapi/operations.ts',
      'events/schemas.ts',
      'registrations/schemas.ts',
      'registrations/manage-query.ts',
      'sources/schemas.ts',
      'webhooks/schemas.ts',
      'apikeys/model.ts',
      'http/auth.ts',
      'platform/fields.ts',
    ];
    const built = await zodBuilt(async () => {
      for (const module of modules) await import(new URL(module, functionsDir).href);
    });
    // One `z.lazy` wrapper per exported schema, and nothing it wraps.
    expect(built.filter((type) => type !== 'lazy')).toEqual([]);
    expect(built.length).toBeGreaterThan(0);
  });

  it('builds a schema when it is first used, once, with the same answers', async () => {
    const { registrationInput } = await import('../functions/registrations/schemas.js');
    const person = { name: 'Ada', email: 'ada@example.org', consent: true, source: { utm_source: 'x' } };
    const first = await zodBuilt(async () => {
      expect(registrationInput.safeParse(person).success).toBe(true);
    });
    expect(first).toContain('object');
    const again = await zodBuilt(async () => {
      expect(registrationInput.safeParse({ ...person, email: 'nope' }).error?.issues[0]?.path).toEqual([
        'email',
      ]);
    });
    expect(again).not.toContain('object');
  });

  it("leaves zod's schemas out of a function that parses none, as deployed", async () => {
    // Each `z.lazy` is marked pure: esbuild drops an unused one, and zod's schema code with it.
    const zodSchemaBytes = async (entry: string) => {
      const { metafile } = await build({
        ...esbuildOptions(),
        absWorkingDir: fileURLToPath(new URL('..', import.meta.url)),
        entryPoints: [entry],
        outfile: 'index.mjs',
        write: false,
        metafile: true,
        logLevel: 'silent',
      });
      const inputs = Object.values(metafile.outputs).flatMap((output) => Object.entries(output.inputs));
      return inputs
        .filter(([file]) => file.endsWith('zod/v4/core/schemas.js'))
        .reduce((sum, [, input]) => sum + input.bytesInOutput, 0);
    };
    expect(await zodSchemaBytes('functions/api/public/getEvent.ts')).toBe(0);
    expect(await zodSchemaBytes('functions/api/public/register.ts')).toBeGreaterThan(0);
  });
});
