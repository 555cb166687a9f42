import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

/**
 * Builds the static pages: one minified ES module per page (the shared form schema
 * bundled in), the HTML and the stylesheet, all flat in `outDir`. The pages load
 * `/list.js`, `/event.js`, `/manage.js` and `/styles.css` from the site root.
 */

const sourceDir = join(dirname(fileURLToPath(import.meta.url)), 'src');

/**
 * The shared schemas write `import { z } from 'zod'`. esbuild keeps the whole `z`
 * namespace for that binding, every locale included (~400 KB); read as a namespace
 * import (`import * as z`) each `z.member` is resolved statically and the rest is
 * tree-shaken (~90 KB). Same exports, same objects: only the bundle shrinks. Files
 * written another way are left as they are (bigger bundle, same behaviour).
 */
const zodNamespaceImports: Plugin = {
  name: 'zod-namespace-imports',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, async (args) => {
      if (args.path.includes('node_modules')) return undefined;
      const source = await readFile(args.path, 'utf8');
      const contents = source.replace(
        /import\s*\{\s*z\s*\}\s*from\s*(['"])zod\1/g,
        "import * as z from 'zod'",
      );
      return { contents, loader: 'ts' };
    });
  },
};

export const pages = { list: 'index.html', event: 'event.html', manage: 'manage.html' } as const;

export async function buildWeb(outDir = 'web/dist'): Promise<void> {
  const out = resolve(outDir);
  await mkdir(out, { recursive: true });
  await build({
    entryPoints: Object.keys(pages).map((entry) => ({ in: join(sourceDir, `${entry}.ts`), out: entry })),
    outdir: out,
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2020',
    platform: 'browser',
    sourcemap: 'linked',
    legalComments: 'none',
    charset: 'utf8',
    logLevel: 'warning',
    plugins: [zodNamespaceImports],
  });
  await Promise.all(
    [...Object.values(pages), 'styles.css'].map((file) => copyFile(join(sourceDir, file), join(out, file))),
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = process.argv[2] ?? 'web/dist';
  await buildWeb(outDir);
  console.log(`Built the web pages into ${relative(process.cwd(), resolve(outDir)) || '.'}`);
}
