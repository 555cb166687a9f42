import { AppError } from '../platform/errors.js';
import type { ApiEvent } from './handler.js';

/** The claim that lists the organisers a user may act for (one Cognito group per organiser). */
export const ORGANISER_CLAIM = 'cognito:groups';

/**
 * The organisers the caller acts for, from claims the JWT authorizer already verified.
 * API Gateway hands array claims over as a string like "[media-aces open2leads]".
 */
export const organiserIdsOf = (event: ApiEvent): string[] => {
  const claim = event.requestContext.authorizer?.jwt?.claims?.[ORGANISER_CLAIM];
  const ids = Array.isArray(claim)
    ? claim.map(String)
    : typeof claim === 'string'
      ? claim.replace(/^\[|\]$/g, '').split(/[\s,]+/)
      : [];
  const organiserIds = ids.filter((id) => id.length > 0);
  if (organiserIds.length === 0) throw new AppError('unauthorized', 'A valid organiser token is required');
  return organiserIds;
};
