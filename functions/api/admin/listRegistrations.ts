import { ownEvent } from '../../http/access.js';
import { httpApi, ok, parseInput, queryParams } from '../../http/handler.js';
import { AppError } from '../../platform/errors.js';
import { eventKey, REGISTRATION_PREFIX } from '../../platform/keys.js';
import { adminRegistrationView } from '../../registrations/model.js';
import { registrationListQuery } from '../../registrations/schemas.js';
import { services } from '../../wiring/services.js';

/** GET /api/admin/events/{eventId}/registrations?status=&cursor= — one page of registrations. */
export const handler = httpApi({}, async (request) => {
  const query = parseInput(registrationListQuery, queryParams(request));
  const { event } = await ownEvent(request);
  const cursor = query.cursor ? decodeCursor(query.cursor, event.id) : undefined;
  const { registrations } = services();

  const page = await registrations.list(event.id, { status: query.status, limit: query.limit, cursor });
  const positions = await registrations.waitlistPositions(event.id);

  return ok({
    items: page.items.map((registration) =>
      adminRegistrationView(registration, positions.get(registration.id)),
    ),
    nextCursor: page.next ? Buffer.from(JSON.stringify(page.next)).toString('base64url') : null,
  });
});

/** A cursor is the last key of the previous page; only keys of this event's registrations pass. */
const decodeCursor = (cursor: string, eventId: string): Record<string, string> => {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      key?.pk === eventKey(eventId).pk &&
      typeof key.sk === 'string' &&
      key.sk.startsWith(REGISTRATION_PREFIX) &&
      Object.keys(key).length === 2
    ) {
      return { pk: key.pk, sk: key.sk };
    }
  } catch {
    // falls through to the error below
  }
  throw new AppError('invalid_cursor', 'This cursor does not belong to this list', { cursor: 'Invalid' });
};
