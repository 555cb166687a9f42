import { copyFile, mkdir, readdir, rm } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';

/**
 * Builds the static pages into `outDir`, flat: one minified ES module per page plus shared
 * chunks (esbuild code splitting; what a page loads later, such as the form validator or the
 * chart library, is its own chunk), the embeddable button as a classic script, the HTML,
 * the stylesheets and `config.json`. Pages load `/list.js`, `/event.js`, … from the site root.
 */

const sourceDir = join(dirname(fileURLToPath(import.meta.url)), 'src');

/** Entry module -> the HTML page that loads it. */
export const pages = {
  list: 'index.html',
  event: 'event.html',
  manage: 'manage.html',
  admin: 'admin.html',
  privacy: 'privacy.html',
} as const;

export type PageName = keyof typeof pages;

export interface WebBuild {
  /**
   * Bytes of JavaScript each page runs before it shows anything: its entry and the chunks it
   * imports statically (what it loads on demand is not counted). `embed` is embed.js alone.
   */
  initialJs: Record<PageName | 'embed', number>;
  /** Bytes each on-demand module adds to the page that loads it, by source module. */
  lazyJs: Record<string, number>;
}

const COMMON = {
  bundle: true,
  minify: true,
  target: 'es2020',
  platform: 'browser',
  sourcemap: 'linked',
  legalComments: 'none',
  charset: 'utf8',
  logLevel: 'warning',
  metafile: true,
} as const;

/** Sums an entry and its static imports, following chunks that import chunks. */
const initialBytes = (metafile: Metafile, output: string, seen = new Set<string>()): number => {
  if (seen.has(output)) return 0;
  seen.add(output);
  const info = metafile.outputs[output];
  if (!info) return 0;
  return (
    info.bytes +
    info.imports
      .filter((imported) => imported.kind === 'import-statement')
      .reduce((sum, imported) => sum + initialBytes(metafile, imported.path, seen), 0)
  );
};

export async function buildWeb(outDir = 'web/dist'): Promise<WebBuild> {
  const out = resolve(outDir);
  await mkdir(out, { recursive: true });
  // Chunk names carry a content hash: old ones would pile up (only ours are removed).
  for (const file of await readdir(out)) {
    if (/^chunk-[A-Z0-9]+\.js(\.map)?$/.test(file)) await rm(join(out, file));
  }
  const [modules, embed, , adminCss] = await Promise.all([
    build({
      ...COMMON,
      entryPoints: Object.keys(pages).map((entry) => ({ in: join(sourceDir, `${entry}.ts`), out: entry })),
      outdir: out,
      format: 'esm',
      splitting: true,
      chunkNames: 'chunk-[hash]',
    }),
    build({
      ...COMMON,
      entryPoints: [{ in: join(sourceDir, 'embed.ts'), out: 'embed' }],
      outdir: out,
      format: 'iife',
    }),
    // The registration challenge's Worker (web/src/event/challenge.ts), a classic script.
    build({
      ...COMMON,
      entryPoints: [{ in: join(sourceDir, 'challenge-worker.ts'), out: 'challenge-worker' }],
      outdir: out,
      format: 'iife',
    }),
    // The admin stylesheet, with the chart library's own CSS bundled in.
    build({
      ...COMMON,
      entryPoints: [{ in: join(sourceDir, 'admin.css'), out: 'admin' }],
      outdir: out,
      sourcemap: false,
    }),
  ]);
  void adminCss;
  await Promise.all(
    [...Object.values(pages), 'styles.css', 'config.json', 'favicon.svg'].map((file) =>
      copyFile(join(sourceDir, file), join(out, file)),
    ),
  );

  const metafile = modules.metafile;
  const outputKey = (name: string) =>
    Object.keys(metafile.outputs).find((key) => resolve(key) === join(out, `${name}.js`)) ?? '';
  const initialJs = Object.fromEntries(
    Object.keys(pages).map((name) => [name, initialBytes(metafile, outputKey(name))]),
  ) as Record<PageName | 'embed', number>;
  initialJs.embed =
    Object.entries(embed.metafile.outputs).find(([key]) => key.endsWith('.js'))?.[1].bytes ?? 0;

  // On-demand chunks, counted without what the page that loads them already has.
  const lazyJs: Record<string, number> = {};
  for (const name of Object.keys(pages)) {
    const loaded = new Set<string>();
    initialBytes(metafile, outputKey(name), loaded);
    for (const output of loaded) {
      for (const imported of metafile.outputs[output]?.imports ?? []) {
        if (imported.kind !== 'dynamic-import') continue;
        const source = metafile.outputs[imported.path]?.entryPoint ?? imported.path;
        lazyJs[source] = initialBytes(metafile, imported.path, new Set(loaded));
      }
    }
  }
  return { initialJs, lazyJs };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = process.argv[2] ?? 'web/dist';
  const result = await buildWeb(outDir);
  console.log(`Built the web pages into ${relative(process.cwd(), resolve(outDir)) || '.'}`);
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  for (const [page, bytes] of Object.entries(result.initialJs)) console.log(`  ${page}: ${kb(bytes)}`);
  for (const [source, bytes] of Object.entries(result.lazyJs)) {
    console.log(`  on demand ${source}: ${kb(bytes)}`);
  }
}
