import { ownEvent } from '../../http/admin-access.js';
import { httpApi, ok, parseInput, queryParams } from '../../http/handler.js';
import { AppError } from '../../platform/errors.js';
import { type ListPosition, type ListSort, listPage } from '../../registrations/listing.js';
import { adminRegistrationView } from '../../registrations/model.js';
import { registrationListQuery } from '../../registrations/schemas.js';
import { services } from '../../wiring/services.js';

/**
 * GET /api/admin/events/{eventId}/registrations?status=&q=&sort=&limit=&cursor= — one page.
 * The event's registrations are read whole (one consistent Query, a few thousand at most) and
 * filtered before paging, so every page but the last holds `limit` items (listing.ts says why).
 */
export const handler = httpApi({}, async (request) => {
  const query = parseInput(registrationListQuery, queryParams(request));
  const { event } = await ownEvent(request);
  const after = query.cursor ? decodeCursor(query.cursor, query.sort) : undefined;
  const { registrations } = services();

  const all = await registrations.all(event.id);
  const page = listPage(all, {
    status: query.status,
    q: query.q,
    sort: query.sort,
    limit: query.limit,
    after,
  });
  const positions = await registrations.waitlistPositions(event.id);

  return ok({
    items: page.items.map((registration) =>
      adminRegistrationView(registration, positions.get(registration.id)),
    ),
    nextCursor: page.next ? encodeCursor(page.next) : null,
    total: page.total,
  });
});

/** Opaque to clients: the last (sort key, id) of the previous page, and the sort it belongs to. */
const encodeCursor = (position: ListPosition): string =>
  Buffer.from(JSON.stringify({ s: position.sort, k: position.key, i: position.id })).toString('base64url');

/** Anything but a cursor we made for this sort is a 400, never a 500: clients can send anything. */
const decodeCursor = (cursor: string, sort: ListSort): ListPosition => {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const { s, k, i, ...rest } = value as Record<string, unknown>;
      if (
        s === sort &&
        typeof k === 'string' &&
        k.length <= 1000 &&
        typeof i === 'string' &&
        i.length <= 100 &&
        Object.keys(rest).length === 0
      ) {
        return { sort, key: k, id: i };
      }
    }
  } catch {
    // falls through to the error below
  }
  throw new AppError('invalid_cursor', 'This cursor does not belong to this list', { cursor: 'Invalid' });
};
