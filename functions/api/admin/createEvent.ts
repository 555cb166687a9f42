import { newEventRecord } from '../../events/model.js';
import { EventIdTaken } from '../../events/ports.js';
import { eventCreateInput } from '../../events/schemas.js';
import { slugCandidate, slugOf } from '../../events/slug.js';
import { organiserIdsOf } from '../../http/auth.js';
import { httpApi, parseInput } from '../../http/handler.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/tokens.js';
import { eventServices } from '../../wiring/event-services.js';
import { adminEventResponse } from './actions.js';

/** How many ids from one title are tried (`slug` to `slug-20`) before a random one. */
const SLUG_ATTEMPTS = 20;

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
  const { events, clock } = eventServices();

  const organiser = await events.getOrganiser(organiserId);
  const now = clock();
  const slug = slugOf(input.title);
  // A readable id from the title, `-2`, `-3`... while taken (the create is conditional, so two
  // organisers saving the same title at once get two ids); a random one if the title gives none.
  for (let attempt = 1; ; attempt++) {
    const id = slug && attempt <= SLUG_ATTEMPTS ? slugCandidate(slug, attempt) : newId('evt');
    const event = newEventRecord(
      input,
      { id, organiserId, organiserName: organiser?.name ?? organiserId },
      now,
    );
    try {
      await events.create(event);
      return adminEventResponse(event.id, 201);
    } catch (error) {
      if (!(error instanceof EventIdTaken) || attempt > SLUG_ATTEMPTS) throw error;
    }
  }
});
