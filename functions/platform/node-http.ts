/**
 * Stands in for `node:http` in the Lambda bundles (lib/bundling.ts). An ES module importing
 * `node:http` makes Node 24 build its ESM facade, which reads every export, and the lazy
 * `WebSocket` ones load Node's whole bundled undici with http2 and tls: some 20 to 30 ms of
 * CPU at every cold start. Our functions never serve HTTP; middy's utilities import the module
 * for its status texts only, and the SDK (https endpoints) never needs it. The same module
 * object, taken as CommonJS, costs nothing extra.
 */
import type * as http from 'node:http';

const nodeHttp = process.getBuiltinModule('node:http') as typeof http;

/** What the bundled code imports by name: middy's status texts, the SDK's http agent and request. */
export const { Agent, STATUS_CODES, request } = nodeHttp;
export default nodeHttp;
