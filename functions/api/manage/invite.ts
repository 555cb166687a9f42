import '../../wiring/token-key.js';
import { inviteLastChange, personalInvite } from '../../calendar/ical.js';
import { eventOrganiser, managedRegistration } from '../../http/access.js';
import { calendarFile, httpApi } from '../../http/handler.js';
import { AppError, notFound } from '../../platform/errors.js';
import { offersFor } from '../../registrations/lifecycle.js';
import { personalJoinUrl, registrationPageUrl } from '../../registrations/model.js';
import { eventServices } from '../../wiring/event-services.js';
import { manageServices } from '../../wiring/manage-services.js';

/**
 * GET /api/registrations/{registrationId}/invite.ics?token= — the registrant's own invitation:
 * REQUEST for a seat (personal join link included), CANCEL once the registration or the event is
 * cancelled, `409 no_seat` for anyone else (waitlisted, unconfirmed: nothing to put in a
 * calendar yet). Personal, so never kept by a cache; it carries no secret (calendars are shared).
 */
export const handler = httpApi({}, async (request) => {
  const { registration, event } = await managedRegistration(request);
  if (event.status === 'draft') throw notFound('Event');
  const { baseUrl, clock } = eventServices();
  const { replies, attendanceCodes } = manageServices();
  if (!offersFor(registration, event, clock()).invite) {
    throw new AppError('no_seat', 'There is nothing to add to a calendar until the seat is confirmed');
  }

  const organiser = await eventOrganiser(event);
  const page = registrationPageUrl(baseUrl, registration.id);
  const ics = personalInvite(
    event,
    organiser,
    registration,
    page,
    clock(),
    replies.inviteReplyTo(registration.id),
    personalJoinUrl(baseUrl, attendanceCodes, registration.id),
  );

  return calendarFile(request, ics, {
    cache: 'private',
    lastModified: inviteLastChange(event, registration),
    filename: `${event.id}.ics`,
  });
});
