import { httpApi, pathParam } from '../../http/handler.js';
import { notFound } from '../../platform/errors.js';
import { isBot, landingUrl } from '../../sources/model.js';
import { toolServices } from '../../wiring/tool-services.js';

/**
 * GET /r/{code} — a tracking link: `302` to the event page with the link's utm parameters and
 * `ref=<code>`, one visit added to its count. HEAD (link checkers) and self-declared bots are
 * redirected without being counted. Nothing about the visitor is kept.
 */
export const handler = httpApi({}, async (request) => {
  const { trackingLinks, baseUrl } = toolServices();
  const link = await trackingLinks.get(pathParam(request, 'code'));
  if (!link) throw notFound('Link');
  const counted = request.requestContext?.http?.method === 'GET' && !isBot(request.headers['user-agent']);
  if (counted) await trackingLinks.countVisit(link.code);
  return {
    statusCode: 302,
    headers: { location: landingUrl(baseUrl, link), 'cache-control': 'no-store' },
  };
});
