import type { core } from 'zod/mini';
import { apiKeyCreateInput } from '../apikeys/model.js';
import { eventCreateInput, eventListQuery, eventUpdateInput } from '../events/schemas.js';
import { organiserQuery } from '../http/auth.js';
import { manageQuery } from '../registrations/manage-query.js';
import {
  checkInCodeInput,
  registrationExportQuery,
  registrationInput,
  registrationListQuery,
} from '../registrations/schemas.js';
import { trackingLinkInput } from '../sources/schemas.js';
import { webhookCreateInput } from '../webhooks/schemas.js';

/**
 * What the OpenAPI document (document.ts) says of each route of routes.ts, by route key
 * (`METHOD path`): one line each, with the zod schemas the handler parses. A route missing
 * here fails test/openapi.test.ts.
 */
export interface Operation {
  summary: string;
  /** The JSON body the handler parses. */
  body?: core.$ZodType;
  /** The query the handler parses (an object schema: each property is a parameter). */
  query?: core.$ZodType;
  /** The main success answer: its status (200 by default) and media type (JSON by default). */
  status?: number;
  type?: 'json' | 'csv' | 'calendar' | 'html';
}

const manage = { query: manageQuery };

export const operations: Record<string, Operation> = {
  'GET /api/events': {
    summary: 'Published events of an organiser that have not ended, soonest first',
    query: eventListQuery,
  },
  'GET /api/events/{eventId}': { summary: 'A published or cancelled event' },
  'POST /api/events/{eventId}/registrations': {
    summary: 'Register for an event',
    body: registrationInput,
    status: 201,
  },
  'GET /api/events/{eventId}/challenge': { summary: 'A registration challenge, for events that ask for one' },
  'GET /events/{eventId}': { summary: 'The event page, its head filled in for link previews', type: 'html' },
  'HEAD /events/{eventId}': { summary: 'The event page’s headers', type: 'html' },
  'GET /j/{code}': {
    summary:
      'A seat holder’s personal join link: 302 to the join URL while it is open, else a page saying when',
    type: 'html',
  },
  'HEAD /j/{code}': { summary: 'The personal join link’s headers', type: 'html' },
  'GET /api/registrations/{registrationId}': { summary: 'A registration, by its manage token', ...manage },
  'POST /api/registrations/{registrationId}/confirm': {
    summary: 'Confirm a registration (double opt-in)',
    ...manage,
  },
  'POST /api/registrations/{registrationId}/cancel': { summary: 'Cancel one’s registration', ...manage },
  'POST /api/registrations/{registrationId}/reconfirm': { summary: 'Say one still comes', ...manage },
  'GET /api/registrations/{registrationId}/invite.ics': {
    summary: 'The personal calendar invitation',
    type: 'calendar',
    ...manage,
  },
  'HEAD /api/registrations/{registrationId}/invite.ics': {
    summary: 'The personal invitation’s headers',
    type: 'calendar',
    ...manage,
  },
  'POST /api/registrations/{registrationId}/manage-link': { summary: 'Email the manage link again' },
  'DELETE /api/registrations/{registrationId}': { summary: 'Erase one’s own registration (GDPR)', ...manage },
  'GET /calendar/events/{file}': { summary: 'An event’s calendar file (`<eventId>.ics`)', type: 'calendar' },
  'HEAD /calendar/events/{file}': { summary: 'An event calendar file’s headers', type: 'calendar' },
  'GET /calendar/organisers/{file}': {
    summary: 'An organiser’s calendar feed (`<organiserId>.ics`)',
    type: 'calendar',
  },
  'HEAD /calendar/organisers/{file}': { summary: 'An organiser feed’s headers', type: 'calendar' },
  'GET /api/openapi.json': { summary: 'This document' },
  'GET /api/admin/events': {
    summary: 'The caller’s events, all statuses, with counts (of one of its organisers with `organiser`)',
    query: organiserQuery,
  },
  'POST /api/admin/events': { summary: 'Create an event, as a draft', body: eventCreateInput, status: 201 },
  'GET /api/admin/events/{eventId}': { summary: 'One of the caller’s events' },
  'PATCH /api/admin/events/{eventId}': { summary: 'Change an event', body: eventUpdateInput },
  'POST /api/admin/events/{eventId}/publish': { summary: 'Publish an event' },
  'POST /api/admin/events/{eventId}/cancel': { summary: 'Cancel an event' },
  'GET /api/admin/events/{eventId}/registrations': {
    summary: 'An event’s registrations, a page at a time',
    query: registrationListQuery,
  },
  'GET /api/admin/events/{eventId}/registrations.csv': {
    summary: 'An event’s registrations as CSV',
    query: registrationExportQuery,
    type: 'csv',
  },
  'GET /api/admin/events/{eventId}/stats': {
    summary: 'Counts, registrations by day, attendance and registrations by source',
  },
  'POST /api/admin/events/{eventId}/links': {
    summary: 'A tracking link for one channel (/r/{code})',
    body: trackingLinkInput,
    status: 201,
  },
  'GET /api/admin/events/{eventId}/links': {
    summary: 'The event’s tracking links, with visits, registrations, confirmations and show-ups',
  },
  'POST /api/admin/events/{eventId}/check-in-by-code': {
    summary: 'Check in a seat holder by the code of their QR code (409 already_checked_in / no_seat)',
    body: checkInCodeInput,
  },
  'GET /api/admin/webhooks': {
    summary: 'The organiser’s webhook subscriptions (never their secrets)',
    query: organiserQuery,
  },
  'POST /api/admin/webhooks': {
    summary: 'Subscribe an address to event types; the signing secret is in this answer only',
    body: webhookCreateInput,
    status: 201,
  },
  'DELETE /api/admin/webhooks/{webhookId}': { summary: 'Remove a subscription' },
  'GET /api/admin/webhooks/{webhookId}/deliveries': {
    summary: 'The subscription’s delivery log, newest first: status, response code, attempts',
  },
  'POST /api/admin/webhooks/{webhookId}/test': { summary: 'Send a webhook.test delivery now' },
  'POST /api/admin/webhooks/{webhookId}/rotate': {
    summary: 'A new signing secret (in this answer only); the old one signs too for 24 hours',
  },
  'GET /r/{code}': {
    summary: 'A tracking link: 302 to the event page with its parameters, a visit counted',
    status: 302,
    type: 'html',
  },
  'HEAD /r/{code}': { summary: 'A tracking link’s redirect, not counted', status: 302, type: 'html' },
  'POST /api/admin/events/{eventId}/registrations/{registrationId}/check-in': {
    summary: 'Check a registrant in',
  },
  'DELETE /api/admin/events/{eventId}/registrations/{registrationId}/check-in': {
    summary: 'Undo a check-in',
  },
  'POST /api/admin/events/{eventId}/registrations/{registrationId}/cancel': {
    summary: 'Cancel a registration',
  },
  'POST /api/admin/events/{eventId}/registrations/{registrationId}/promote': {
    summary: 'Give a waitlisted registrant a seat',
  },
  'POST /api/admin/events/{eventId}/registrations/{registrationId}/resend': {
    summary: 'Send the registrant’s email again',
  },
  'DELETE /api/admin/events/{eventId}/registrations/{registrationId}': {
    summary: 'Erase a registrant’s personal data (GDPR)',
  },
  'POST /api/admin/api-keys': {
    summary: 'Create an API key (the key is in this answer only; not with an API key)',
    body: apiKeyCreateInput,
    status: 201,
  },
  'GET /api/admin/api-keys': {
    summary: 'The organiser’s API keys, without the keys (not with an API key)',
    query: organiserQuery,
  },
  'DELETE /api/admin/api-keys/{apiKeyId}': { summary: 'Revoke an API key (not with an API key)' },
};
