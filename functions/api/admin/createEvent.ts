import { newEventRecord } from '../../events/model.js';
import { eventCreateInput } from '../../events/schemas.js';
import { organiserIdsOf } from '../../http/auth.js';
import { httpApi, parseInput } from '../../http/handler.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/tokens.js';
import { services } from '../../wiring/services.js';
import { adminEventResponse } from './actions.js';

/** POST /api/admin/events — a new event, as a draft, for one of the caller's organisers. */
export const handler = httpApi({ jsonBody: true }, async (request) => {
  const input = parseInput(eventCreateInput, request.body);
  const organiserIds = organiserIdsOf(request);
  const organiserId = input.organiserId ?? (organiserIds.length === 1 ? organiserIds[0] : undefined);
  if (!organiserId || !organiserIds.includes(organiserId)) {
    throw new AppError('validation_failed', 'Say which of your organisers this event belongs to', {
      organiserId: organiserId
        ? 'Not one of your organisers'
        : 'Required when you act for several organisers',
    });
  }
  const { events, clock } = services();

  const organiser = await events.getOrganiser(organiserId);
  const event = newEventRecord(
    input,
    { id: newId('evt'), organiserId, organiserName: organiser?.name ?? organiserId },
    clock(),
  );
  await events.create(event);

  return adminEventResponse(event.id, 201);
});
