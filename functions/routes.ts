/**
 * The route table: every HTTP endpoint of API.md, the handler file behind it, who may
 * call it and what it may do to the table. The CDK stack builds one function per
 * entry from it, the local runtime routes requests with it, and the tests walk it.
 * It names handler files by path only, so infrastructure never imports handler code.
 */

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PATCH' | 'DELETE';

export interface RouteDefinition {
  method: HttpMethod;
  /**
   * API Gateway HTTP API path syntax: `{name}` is a path parameter and fills a whole segment
   * (HTTP API has no `{name}.ics`: such files take `{file}` and the handler reads `<id>.ics`).
   */
  path: string;
  /** Handler module, relative to the project root, exporting `handler`. */
  entry: string;
  /** `admin` routes sit behind the admin authorizer (a login's JWT or an API key); `public` ones are open (manage ones check a token). */
  auth: 'public' | 'admin';
  /** Table access the function needs: read-only or read-write. */
  access: 'RO' | 'RW';
  /**
   * The handler issues manage tokens (a new registration, a link sent again), sealed for the
   * mailer: only these functions get the key (and import functions/wiring/token-key.ts).
   */
  sealsTokens?: true;
  /** The handler signs registration challenges, with a key derived from the manage token key: it gets that key too. */
  signsChallenges?: true;
  /** Project files the handler reads at run time, copied next to its bundle (lib/app-function.ts). */
  files?: readonly string[];
  /** The handler names reply addresses (an invitation), tagged with a key derived from the manage token key: it gets that key too. */
  signsReplyAddresses?: true;
  /** The handler reads attendance codes, tagged with a key derived from the manage token key: it gets that key too. */
  readsAttendanceCodes?: true;
}

const route = (
  method: HttpMethod,
  path: string,
  entry: string,
  access: RouteDefinition['access'],
  options: Pick<
    RouteDefinition,
    'sealsTokens' | 'signsChallenges' | 'signsReplyAddresses' | 'readsAttendanceCodes' | 'files'
  > = {},
): RouteDefinition => ({
  method,
  path,
  entry: `functions/api/${entry}.ts`,
  auth: path.startsWith('/api/admin/') ? 'admin' : 'public',
  access,
  ...options,
});

/**
 * A calendar file or a page: GET, and HEAD answered like it without the body
 * (functions/http/handler.ts), which calendar apps and link checkers ask before subscribing or
 * previewing. API Gateway's HTTP API routes a method only where a route names it, so HEAD is a
 * route of its own to the same function.
 */
const getAndHead = (
  path: string,
  entry: string,
  access: RouteDefinition['access'],
  options: Pick<RouteDefinition, 'files' | 'signsReplyAddresses'> = {},
): RouteDefinition[] => [
  route('GET', path, entry, access, options),
  route('HEAD', path, entry, access, options),
];

const adminEvent = '/api/admin/events/{eventId}';
const adminRegistration = `${adminEvent}/registrations/{registrationId}`;
const adminWebhook = '/api/admin/webhooks/{webhookId}';

export const routes: readonly RouteDefinition[] = [
  route('GET', '/api/events', 'public/listEvents', 'RO'),
  route('GET', '/api/events/{eventId}', 'public/getEvent', 'RO'),
  route('POST', '/api/events/{eventId}/registrations', 'public/register', 'RW', { sealsTokens: true }),
  route('GET', '/api/events/{eventId}/challenge', 'public/getChallenge', 'RO', { signsChallenges: true }),
  // This API's OpenAPI 3.1 description (functions/openapi/: each route has a line in operations.ts).
  route('GET', '/api/openapi.json', 'public/openApi', 'RO'),
  // The event page itself, its head filled in for link previews (functions/events/page-head.ts).
  ...getAndHead('/events/{eventId}', 'public/eventPage', 'RO', { files: ['web/src/event.html'] }),

  // Manage routes write too: a bad token is counted for the rate limit (functions/http/rate-limit.ts).
  route('GET', '/api/registrations/{registrationId}', 'manage/getRegistration', 'RW', {
    readsAttendanceCodes: true,
  }),
  route('POST', '/api/registrations/{registrationId}/confirm', 'manage/confirm', 'RW', {
    readsAttendanceCodes: true,
  }),
  route('POST', '/api/registrations/{registrationId}/cancel', 'manage/cancel', 'RW'),
  route('POST', '/api/registrations/{registrationId}/reconfirm', 'manage/reconfirm', 'RW', {
    readsAttendanceCodes: true,
  }),
  ...getAndHead('/api/registrations/{registrationId}/invite.ics', 'manage/invite', 'RW', {
    signsReplyAddresses: true,
  }),
  // No token: the manage link goes by email to the registrant (a calendar entry's link leads here).
  route('POST', '/api/registrations/{registrationId}/manage-link', 'manage/requestLink', 'RW', {
    sealsTokens: true,
  }),
  // The registrant's own erasure (GDPR), from the manage link.
  route('DELETE', '/api/registrations/{registrationId}', 'manage/erase', 'RW'),

  // The personal join link (API.md "Attendance"): a redirect or a page, its code a bearer secret.
  ...getAndHead('/j/{code}', 'public/join', 'RW'),

  // API.md's /calendar/events/{eventId}.ics and /calendar/organisers/{organiserId}.ics.
  ...getAndHead('/calendar/events/{file}', 'calendar/eventFile', 'RO'),
  ...getAndHead('/calendar/organisers/{file}', 'calendar/organiserFeed', 'RO'),

  route('GET', '/api/admin/events', 'admin/listEvents', 'RO'),
  route('POST', '/api/admin/events', 'admin/createEvent', 'RW'),
  route('GET', adminEvent, 'admin/getEvent', 'RO'),
  route('PATCH', adminEvent, 'admin/updateEvent', 'RW'),
  route('POST', `${adminEvent}/publish`, 'admin/publishEvent', 'RW'),
  route('POST', `${adminEvent}/cancel`, 'admin/cancelEvent', 'RW'),
  route('GET', `${adminEvent}/registrations`, 'admin/listRegistrations', 'RO'),
  route('GET', `${adminEvent}/registrations.csv`, 'admin/exportRegistrations', 'RO'),
  route('GET', `${adminEvent}/stats`, 'admin/stats', 'RO'),
  route('POST', `${adminRegistration}/check-in`, 'admin/checkIn', 'RW'),
  route('DELETE', `${adminRegistration}/check-in`, 'admin/undoCheckIn', 'RW'),
  // The door scanner (issue 18).
  route('POST', `${adminEvent}/check-in-by-code`, 'admin/checkInByCode', 'RW', {
    readsAttendanceCodes: true,
  }),
  route('POST', `${adminRegistration}/cancel`, 'admin/cancelRegistration', 'RW'),
  route('POST', `${adminRegistration}/promote`, 'admin/promote', 'RW'),
  route('POST', `${adminRegistration}/resend`, 'admin/resend', 'RW', { sealsTokens: true }),
  route('DELETE', adminRegistration, 'admin/erase', 'RW'),

  // API keys: an integration acts for its organiser (functions/apikeys/); made and revoked by a login only.
  route('POST', '/api/admin/api-keys', 'admin/createApiKey', 'RW'),
  route('GET', '/api/admin/api-keys', 'admin/listApiKeys', 'RO'),
  route('DELETE', '/api/admin/api-keys/{apiKeyId}', 'admin/revokeApiKey', 'RW'),
  // Tracking links (functions/sources/): created and listed by the organiser, followed by anyone.
  route('POST', `${adminEvent}/links`, 'admin/createLink', 'RW'),
  route('GET', `${adminEvent}/links`, 'admin/listLinks', 'RO'),
  // A visit counts (GET only): the redirect writes.
  route('GET', '/r/{code}', 'public/trackingLink', 'RW'),
  route('HEAD', '/r/{code}', 'public/trackingLink', 'RW'),
  // Webhooks (functions/webhooks/): secrets are sealed with a key derived from the manage token key.
  route('GET', '/api/admin/webhooks', 'admin/listWebhooks', 'RO'),
  route('POST', '/api/admin/webhooks', 'admin/createWebhook', 'RW', { sealsTokens: true }),
  route('DELETE', adminWebhook, 'admin/deleteWebhook', 'RW'),
  route('GET', `${adminWebhook}/deliveries`, 'admin/webhookDeliveries', 'RO'),
  // Sends a test delivery now (and logs it): it unseals the secret to sign it.
  route('POST', `${adminWebhook}/test`, 'admin/testWebhook', 'RW', { sealsTokens: true }),
  route('POST', `${adminWebhook}/rotate`, 'admin/rotateWebhookSecret', 'RW', { sealsTokens: true }),
];
