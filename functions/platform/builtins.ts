import type * as dns from 'node:dns/promises';
import type * as http from 'node:http';
import type * as https from 'node:https';
import type * as net from 'node:net';

/**
 * Node modules that only some calls need, taken when called (`process.getBuiltinModule`):
 * a static import of one of them into a function's bundle costs its every cold start some
 * 3 ms of CPU (measured with the bench's import timing), even of `node:https`, which the SDK
 * imports too.
 */
export const nodeModule = {
  dns: () => process.getBuiltinModule('node:dns/promises') as typeof dns,
  net: () => process.getBuiltinModule('node:net') as typeof net,
};

/** `request` of node:http or node:https, for a URL's protocol. */
export const requestFor = (protocol: string): typeof https.request =>
  protocol === 'http:'
    ? (process.getBuiltinModule('node:http') as typeof http).request
    : (process.getBuiltinModule('node:https') as typeof https).request;
