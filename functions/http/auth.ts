import { AppError } from '../platform/errors.js';
import type { ApiEvent } from './handler.js';

/** The claim that lists the organisers a user may act for (one Cognito group per organiser). */
export const ORGANISER_CLAIM = 'cognito:groups';

/** What an organiser id looks like (lib/stage.ts refuses any other at deploy time). */
const ORGANISER_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The organisers the caller acts for, from claims the JWT authorizer already verified. Only
 * an access token counts: API Gateway's authorizer also lets a Cognito ID token through
 * (its audience is the same client), and that token is for the page, not for the API.
 * API Gateway hands array claims over as a string like "[media-aces open2leads]": split on
 * spaces only, and a group that is not an organiser id (one named "a,b") grants nothing.
 */
export const organiserIdsOf = (event: ApiEvent): string[] => {
  const claims = event.requestContext.authorizer?.jwt?.claims;
  if (claims?.token_use !== 'access') {
    throw new AppError('unauthorized', 'A valid organiser token is required');
  }
  const claim = claims[ORGANISER_CLAIM];
  const ids = Array.isArray(claim)
    ? claim.map(String)
    : typeof claim === 'string'
      ? claim.replace(/^\[|\]$/g, '').split(/\s+/)
      : [];
  const organiserIds = ids.filter((id) => ORGANISER_ID.test(id));
  if (organiserIds.length === 0) throw new AppError('unauthorized', 'A valid organiser token is required');
  return organiserIds;
};
