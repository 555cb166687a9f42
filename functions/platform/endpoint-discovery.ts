/**
 * Stands in for `@aws-sdk/middleware-endpoint-discovery` in the Lambda bundles (lib/bundling.ts).
 * Endpoint discovery serves the few AWS APIs that require it; no DynamoDB command of this SDK
 * uses it, yet the client sets it up on construction (an endpoint cache with its LRU library,
 * the configuration loaders). Here it is simply off, and the client's config says so.
 */

/** The client's runtime config reads the setting through these; there is nothing to read. */
export const NODE_ENDPOINT_DISCOVERY_CONFIG_OPTIONS = {
  environmentVariableSelector: () => undefined,
  configFileSelector: () => undefined,
  default: undefined,
};

export const resolveEndpointDiscoveryConfig = <T extends object>(input: T, _options: unknown) =>
  Object.assign(input, {
    endpointDiscoveryEnabled: () => Promise.resolve(false),
    isClientEndpointDiscoveryEnabled: false,
  });
