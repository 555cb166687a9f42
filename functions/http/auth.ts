import * as z from 'zod/mini';
import { AppError, notFound } from '../platform/errors.js';
import { identifier } from '../platform/fields.js';
import { type ApiEvent, parseInput, queryParams } from './handler.js';

/** The claim that lists the organisers a user may act for (one Cognito group per organiser). */
export const ORGANISER_CLAIM = 'cognito:groups';

/** What an organiser id looks like (lib/stage.ts refuses any other at deploy time). */
const ORGANISER_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * What the admin authorizer (functions/apikeys/authorize.ts, a Lambda authorizer in AWS and the
 * local server's check) hands the handlers: the organiser ids, space-separated (context values
 * are strings), and the API key's id when a key rather than a login made the call.
 */
export interface AdminContext {
  organiserIds: string;
  apiKeyId?: string;
}

export interface AdminCaller {
  organiserIds: string[];
  apiKeyId?: string;
}

const UNAUTHORIZED = 'A valid organiser token is required';

/** Organiser ids from a list or from API Gateway's "[a b]" form; a group that is not an id grants nothing. */
const organiserIdsIn = (value: unknown): string[] => {
  const ids = Array.isArray(value)
    ? value.map(String)
    : typeof value === 'string'
      ? value.replace(/^\[|\]$/g, '').split(/\s+/)
      : [];
  return ids.filter((id) => ORGANISER_ID.test(id));
};

/**
 * The organisers verified JWT claims act for. Only an access token counts: a Cognito ID token
 * has the same audience, and it is for the page, not for the API. API Gateway hands array
 * claims over as a string like "[media-aces open2leads]": split on spaces only, and a group
 * that is not an organiser id (one named "a,b") grants nothing.
 */
export const organiserIdsOfClaims = (claims: Record<string, unknown> | undefined): string[] =>
  claims?.token_use === 'access' ? organiserIdsIn(claims[ORGANISER_CLAIM]) : [];

/** Who calls an admin route: from the admin authorizer's context, or from JWT claims (API Gateway's JWT authorizer, as the tests build). */
export const adminCallerOf = (event: ApiEvent): AdminCaller => {
  const authorizer = event.requestContext.authorizer;
  const context = authorizer?.lambda as Partial<AdminContext> | undefined;
  const caller: AdminCaller = context
    ? {
        organiserIds: organiserIdsIn(context.organiserIds),
        ...(typeof context.apiKeyId === 'string' ? { apiKeyId: context.apiKeyId } : {}),
      }
    : { organiserIds: organiserIdsOfClaims(authorizer?.jwt?.claims) };
  if (caller.organiserIds.length === 0) throw new AppError('unauthorized', UNAUTHORIZED);
  return caller;
};

/** The organisers the caller acts for, whether by login or by API key. */
export const organiserIdsOf = (event: ApiEvent): string[] => adminCallerOf(event).organiserIds;

/**
 * The organisers of a caller who logged in: API keys are made and revoked by a person, so a
 * leaked key cannot mint others or revoke the ones that would replace it.
 */
export const loggedInOrganiserIdsOf = (event: ApiEvent): string[] => {
  const caller = adminCallerOf(event);
  if (caller.apiKeyId)
    throw new AppError('forbidden', 'API keys are managed by a signed-in person, not with a key');
  return caller.organiserIds;
};

/** `?organiser=` on the organiser-wide lists (events, webhooks, API keys); built on first use (platform/fields.ts). */
export const organiserQuery = /* @__PURE__ */ z.lazy(() => z.object({ organiser: z.optional(identifier()) }));

/**
 * The organisers a list is for: all of `organiserIds` (the caller's), or the one `?organiser=`
 * picks among them (the admin page's organiser picker, for a login acting for several). Another
 * organiser's is as good as absent: 404, as for its events.
 */
export const pickedOrganiserIds = (event: ApiEvent, organiserIds: string[]): string[] => {
  const { organiser } = parseInput(organiserQuery, queryParams(event));
  if (organiser === undefined) return organiserIds;
  if (!organiserIds.includes(organiser)) throw notFound('Organiser');
  return [organiser];
};
