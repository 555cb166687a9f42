import { timingSafeEqual } from 'node:crypto';
import { REGISTRATIONS_PER_ADDRESS_PER_EVENT } from '../platform/rate-limiter.js';
import { emailKey } from '../platform/tokens.js';
import { originVerify } from '../wiring/config.js';
import { manageServices } from '../wiring/manage-services.js';
import type { Services } from '../wiring/services.js';
import type { ApiEvent } from './handler.js';

/**
 * The client a request counts against: its IPv4 address, or its IPv6 /64 (one host often
 * holds a whole /64 and could rotate through it).
 */
export const clientKey = (sourceIp: string | undefined): string => {
  const ip = (sourceIp ?? '').replace(/%.*$/, '').toLowerCase();
  const v4 = /^(?:::ffff:)?(\d{1,3}(?:\.\d{1,3}){3})$/.exec(ip);
  if (v4?.[1]) return v4[1];
  if (!ip.includes(':')) return ip || 'unknown';
  const [head = '', tail = ''] = ip.split('::');
  const first = head ? head.split(':') : [];
  const last = tail ? tail.split(':') : [];
  const groups = ip.includes('::')
    ? [...first, ...Array(Math.max(0, 8 - first.length - last.length)).fill('0'), ...last]
    : first;
  return `${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
};

/** The header CloudFront's viewer-request function sets to the viewer's IP address (lib/web.ts). */
export const VIEWER_ADDRESS_HEADER = 'x-viewer-address';
/** The header CloudFront adds on every request to the API, with the deploy-time secret. */
export const ORIGIN_VERIFY_HEADER = 'x-origin-verify';

const sameSecret = (given: string | undefined, expected: string): boolean => {
  const [a, b] = [Buffer.from(given ?? ''), Buffer.from(expected)];
  return a.length === b.length && timingSafeEqual(a, b);
};

/**
 * The client a request counts against: the connection's address, or, when the request came
 * through CloudFront (it carries CloudFront's secret), the viewer's address CloudFront set.
 * Behind CloudFront the connection is an edge server shared by many viewers; a header anyone
 * could send (CloudFront-Viewer-Address, or ours without the secret) is never believed.
 */
export const clientAddress = (request: ApiEvent, secret = originVerify()): string | undefined => {
  const viewer = request.headers?.[VIEWER_ADDRESS_HEADER];
  if (secret && viewer && sameSecret(request.headers?.[ORIGIN_VERIFY_HEADER], secret)) return viewer;
  return request.requestContext.http.sourceIp;
};

/**
 * The manage-link check's rate limit, for `managedRegistration` (functions/http/access.ts):
 * a bad token for a registration or from a client past 10 in the window is refused (429), so
 * guessing stops there; a bad token counts against both. A right token is never refused and
 * counts nothing. The caller still answers a bad token under the limit with its 403.
 */
export const guardManageToken = async (
  request: ApiEvent,
  registrationId: string,
  tokenValid: boolean,
): Promise<void> => {
  // The right token always opens its registration: guesses must not lock its owner out.
  if (tokenValid) return;
  const limiter = manageServices().manageTokenLimiter;
  const subjects = [`registration:${registrationId}`, `client:${clientKey(clientAddress(request))}`];
  await limiter.assertAllowed(subjects);
  await limiter.take(subjects);
};

/**
 * A registration counted against its client, its client for this event and its email address
 * for this event, in one go: 429 past any of those limits (REGISTRATIONS_PER_CLIENT,
 * REGISTRATIONS_PER_CLIENT_PER_EVENT, REGISTRATIONS_PER_ADDRESS_PER_EVENT). Counted before the
 * honeypot is looked at, so a bot that fills it in is counted too. The limiter comes from the
 * caller: this module reads no wiring of its own but the manage links' (wiring/manage-services.ts).
 */
export const countRegistration = async (
  {
    registrationLimiter,
    registrationsPerEvent,
  }: Pick<Services, 'registrationLimiter' | 'registrationsPerEvent'>,
  request: ApiEvent,
  eventId: string,
  email: string,
): Promise<void> => {
  const client = `client:${clientKey(clientAddress(request))}`;
  await registrationLimiter?.take([
    client,
    { subject: `event:${eventId}:${client}`, rule: registrationsPerEvent },
    { subject: `event:${eventId}:address:${emailKey(email)}`, rule: REGISTRATIONS_PER_ADDRESS_PER_EVENT },
  ]);
};
