/**
 * Every failure a caller can cause has a code from this list; the HTTP layer maps
 * codes to statuses in one table, so domain code never speaks HTTP.
 */
export const errorStatus = {
  validation_failed: 400,
  invalid_json: 400,
  invalid_cursor: 400,
  challenge_required: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  registration_closed: 409,
  event_cancelled: 409,
  event_full: 409,
  capacity_below_confirmed: 409,
  invalid_state: 409,
  not_confirmed: 409,
  confirmation_expired: 409,
  no_seat: 409,
  already_checked_in: 409,
  join_url_required: 409,
  event_in_past: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal_error: 500,
  busy: 503,
} as const;

export type ErrorCode = keyof typeof errorStatus;

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
  }

  get status(): number {
    return errorStatus[this.code];
  }
}

export const notFound = (what = 'Resource'): AppError => new AppError('not_found', `${what} not found`);
