import { inviteLastChange, personalInvite } from '../../calendar/ical.js';
import { eventOrganiser, managedRegistration } from '../../http/access.js';
import { calendarFile, httpApi } from '../../http/handler.js';
import { notFound } from '../../platform/errors.js';
import { manageUrl } from '../../registrations/model.js';
import { services } from '../../wiring/services.js';

/**
 * GET /api/registrations/{registrationId}/invite.ics?token= — the registrant's own invitation:
 * REQUEST while the registration stands (join URL once confirmed), CANCEL once it or the event
 * is cancelled. Personal, so never kept by a cache.
 */
export const handler = httpApi({}, async (request) => {
  const { registration, event, token } = await managedRegistration(request);
  if (event.status === 'draft') throw notFound('Event');
  const { baseUrl, clock } = services();

  const organiser = await eventOrganiser(event);
  const manage = manageUrl(baseUrl, registration.id, token);
  const ics = personalInvite(event, organiser, registration, manage, clock());

  return calendarFile(request, ics, {
    cache: 'private',
    lastModified: inviteLastChange(event, registration),
    filename: `${event.id}.ics`,
  });
});
