/**
 * How every Lambda function is bundled, in one place: the CDK (lib/app-function.ts, through
 * NodejsFunction's `bundling` props) and the bench (scripts/bench.ts, through esbuild's own
 * `build()`) both read it, so the bench measures what is deployed. Plain data on purpose: no
 * aws-cdk-lib here (and esbuild for its types only), so scripts can import it cheaply.
 *
 * The names are esbuild's where the two APIs agree; `esbuildOptions()` gives the exact
 * object for `build()`.
 */
import { fileURLToPath } from 'node:url';
import type { BuildOptions } from 'esbuild';

export const lambdaBundling = {
  /** ES modules: top-level await (functions/wiring/config.ts loads the token key with it). */
  format: 'esm',
  platform: 'node',
  /** The Lambda runtime the functions run on (lib/app-function.ts: Node.js 24). */
  target: 'node24',
  minify: true,
  /**
   * The ESM build (`module`, the SDK's dist-es) before the CommonJS one (`main`): ES modules
   * tree-shake, CommonJS does not. esbuild's default for platform node is `main,module`,
   * which bundles the SDK's dist-cjs: 637 KB instead of 441 KB for an API function, and slower to import.
   */
  mainFields: ['module', 'main'],
  /** CommonJS dependencies bundled into ESM still call require(); give them one. */
  banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  /**
   * An external source map (index.mjs.map): the logger reads a logged error's trace through
   * it (functions/platform/stack-trace.ts), so traces point at the TypeScript sources.
   */
  sourcemap: true,
  /**
   * Without the sources' text: traces need only the mappings, and the first logged error
   * reads and parses the whole map file (2.15 MB with the text, 0.72 MB without, for an API
   * function).
   */
  sourcesContent: false,
  /** Bundle everything, @aws-sdk/* included: the SDK version is ours, not the runtime's. */
  external: [] as string[],
  /**
   * Imports replaced by another module (absolute paths). The SDK clients' default credential
   * chain becomes its environment link alone (functions/platform/lambda-credentials.ts says
   * why): 130 KB less in every function that uses the SDK. Bundles only: unbundled code (local
   * runtime, tests) keeps the full chain.
   */
  alias: {
    '@aws-sdk/credential-provider-node': fileURLToPath(
      new URL('../functions/platform/lambda-credentials.ts', import.meta.url),
    ),
    // The DynamoDB client's endpoint discovery, which no command uses, switched off
    // (functions/platform/endpoint-discovery.ts): its endpoint cache and LRU library, 9 KB less
    // in every function.
    '@aws-sdk/middleware-endpoint-discovery': fileURLToPath(
      new URL('../functions/platform/endpoint-discovery.ts', import.meta.url),
    ),
    // The SDK's event-stream support, which no operation of these functions uses
    // (functions/platform/no-event-streams.ts): 19 KB less in every function.
    '@smithy/core/event-streams': fileURLToPath(
      new URL('../functions/platform/no-event-streams.ts', import.meta.url),
    ),
    // Node's http module taken as CommonJS (functions/platform/node-http.ts): imported as an
    // ES module, its facade loads Node's bundled undici, 20 to 30 ms of CPU per cold start.
    'node:http': fileURLToPath(new URL('../functions/platform/node-http.ts', import.meta.url)),
  } as Readonly<Record<string, string>>,
} as const;

/** The options for esbuild's `build()` (the bench): entry points, outfile and logging are the caller's. */
export const esbuildOptions = (): BuildOptions => ({
  bundle: true,
  format: lambdaBundling.format,
  platform: lambdaBundling.platform,
  target: lambdaBundling.target,
  minify: lambdaBundling.minify,
  mainFields: [...lambdaBundling.mainFields],
  banner: { js: lambdaBundling.banner },
  sourcemap: lambdaBundling.sourcemap,
  sourcesContent: lambdaBundling.sourcesContent,
  external: [...lambdaBundling.external],
  alias: { ...lambdaBundling.alias },
});
