/**
 * Stands in for `@aws-sdk/credential-provider-node` in the Lambda bundles, through the bundler
 * alias in lib/bundling.ts; nothing imports it directly. Local runtime and tests are not
 * bundled and keep the SDK's full default chain (profiles, SSO, ...).
 *
 * Every SDK client's runtime config imports `defaultProvider` from that package and uses it
 * when no `credentials` are passed. The full chain also bundles the SSO, ini, process,
 * web-identity, HTTP and instance-metadata providers with their own nested STS and SSO
 * clients: about 130 KB of each function bundle, parsed at every cold start. In Lambda none of
 * it is ever reached: the runtime always sets the function role's credentials as
 * AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, the chain's first link.
 *
 * If a client stops importing `defaultProvider` (a rename in an SDK update), bundling fails
 * with esbuild's "No matching export" error rather than shipping a broken client.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * The chain's first link only. Called by each client with its config (the logger is used);
 * reading the environment on every call is a few property reads, so there is no memoising.
 */
export const defaultProvider = (init?: Parameters<typeof fromEnv>[0]): ReturnType<typeof fromEnv> =>
  fromEnv(init);
