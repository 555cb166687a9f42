import { FEED_FORMAT, feedEvents, organiserFeed } from '../../calendar/ical.js';
import { isPubliclyVisible, standInOrganiser } from '../../events/model.js';
import { icsFileId } from '../../http/access.js';
import { calendarFile, httpApi } from '../../http/handler.js';
import { notFound } from '../../platform/errors.js';
import { eventServices } from '../../wiring/event-services.js';

/**
 * GET /calendar/organisers/{organiserId}.ics — the feed calendar apps subscribe to: published
 * and cancelled events, upcoming and recent. Apps poll it, so an unchanged feed answers 304.
 */
export const handler = httpApi({}, async (request) => {
  const organiserId = icsFileId(request);
  const { events, baseUrl, clock } = eventServices();
  const now = clock();

  const listed = await events.listEvents(organiserId);
  const visible = listed.filter(isPubliclyVisible);
  const stored = await events.getOrganiser(organiserId);
  // An organiser with neither a record nor a public event is unknown, whatever its drafts.
  if (!stored && !visible[0]) throw notFound('Organiser');
  const organiser =
    stored ?? standInOrganiser(organiserId, visible[0]?.organiserName ?? organiserId, baseUrl);

  const shown = feedEvents(listed, now);
  const latest = shown
    .map((event) => event.updatedAt)
    .sort()
    .at(-1);

  return calendarFile(request, () => organiserFeed(organiser, listed, now, baseUrl), {
    cache: 'public',
    lastModified: latest,
    inputs: JSON.stringify({ format: FEED_FORMAT, organiser, shown, baseUrl }),
  });
});
