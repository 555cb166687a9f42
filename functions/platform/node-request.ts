import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/**
 * `request` of node:http or node:https, for a URL's protocol. Imported statically: the SDK
 * imports node:https into every bundle anyway, and node:http is the CommonJS stand-in there
 * (functions/platform/node-http.ts).
 */
export const requestFor = (protocol: string): typeof httpsRequest =>
  protocol === 'http:' ? httpRequest : httpsRequest;
