import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';

/**
 * Stack traces read through the bundle's source map when an error is logged, instead of at
 * every cold start. Node's `--enable-source-maps` indexes the whole bundle and parses its map
 * as each function is imported: about a quarter of a cold import's CPU (scripts/bench.ts). Here
 * the map is read once, on the first trace a container logs; frames of a file without a map
 * beside it (the local runtime and tests run the TypeScript itself) are left as they are.
 */

/** `file:///var/task/index.mjs:1:2345` (an ES module) or `/var/task/index.js:1:2345`. */
const FRAME = /(file:\/\/\/[^\s()]+?|\/[^\s()]+?)\.(m?js|cjs):(\d+):(\d+)/g;

/** A bundle's map, or null when it has none (or an unreadable one); looked up once per file. */
const maps = new Map<string, SourceMap | null>();

const mapBeside = (bundle: string): SourceMap | null => {
  let map = maps.get(bundle);
  if (map === undefined) {
    try {
      // esbuild writes the map beside the bundle, as <bundle>.map (lib/bundling.ts).
      const path = bundle.startsWith('file:') ? new URL(`${bundle}.map`) : `${bundle}.map`;
      map = new SourceMap(JSON.parse(readFileSync(path, 'utf8')));
    } catch {
      map = null;
    }
    maps.set(bundle, map);
  }
  return map;
};

/**
 * The trace with each bundled frame's position replaced by the source's, such as
 * `functions/http/handler.ts:212:7` (the map's relative path without its leading `../`).
 */
export const sourceMappedStack = (stack: string): string =>
  stack
    .split('\n')
    // Frame lines only: the message may quote anything, a path included.
    .map((line) => (FRAME_LINE.test(line) ? line.replace(FRAME, sourcePosition) : line))
    .join('\n');

const FRAME_LINE = /^\s+at /;

const sourcePosition = (frame: string, file: string, extension: string, line: string, column: string) => {
  try {
    const entry = mapBeside(`${file}.${extension}`)?.findEntry(Number(line) - 1, Number(column) - 1);
    if (!entry || !('originalSource' in entry)) return frame;
    const source = entry.originalSource.replace(/^(?:\.\.\/)+/, '');
    return `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  } catch {
    // A map that does not fit its bundle: the frame as it is, never a lost log line.
    return frame;
  }
};
