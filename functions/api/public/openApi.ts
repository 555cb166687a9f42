import { httpApi, json } from '../../http/handler.js';
import { openApiDocument } from '../../openapi/document.js';
import { eventServices } from '../../wiring/event-services.js';

let document: ReturnType<typeof openApiDocument> | undefined;

/**
 * GET /api/openapi.json — the API's OpenAPI 3.1 description, built once per container; caches may
 * keep it. Its server URL comes from the event wiring (wiring/event-services.ts): services.ts would
 * bring every store into the bundle for that one string.
 */
export const handler = httpApi({}, async () => {
  document ??= openApiDocument(eventServices().baseUrl);
  return json(200, document, { 'cache-control': 'public, max-age=300' });
});
