import { ownEvent } from '../../http/admin-access.js';
import { created, httpApi, parseInput } from '../../http/handler.js';
import { AppError } from '../../platform/errors.js';
import { MAX_LINKS, newLinkCode, shortUrl, type TrackingLink } from '../../sources/model.js';
import { trackingLinkInput } from '../../sources/schemas.js';
import { toolServices } from '../../wiring/tool-services.js';

/** POST /api/admin/events/{eventId}/links — a tracking link for one channel: `201 {code, url}`. */
export const handler = httpApi({ jsonBody: true }, async (request) => {
  const input = parseInput(trackingLinkInput, request.body);
  const { event } = await ownEvent(request);
  const { trackingLinks, baseUrl, clock } = toolServices();
  if ((await trackingLinks.list(event.id)).length >= MAX_LINKS) {
    throw new AppError('invalid_state', `An event has at most ${MAX_LINKS} tracking links`);
  }
  // 48 random bits: a taken code is all but impossible, and then another is drawn.
  for (;;) {
    const link: TrackingLink = {
      ...input,
      code: newLinkCode(),
      eventId: event.id,
      visits: 0,
      createdAt: clock().toISOString(),
    };
    if (await trackingLinks.create(link))
      return created({ code: link.code, url: shortUrl(baseUrl, link.code) });
  }
});
