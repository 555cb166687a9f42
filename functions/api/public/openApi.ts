import { httpApi, json } from '../../http/handler.js';
import { openApiDocument } from '../../openapi/document.js';
import { services } from '../../wiring/services.js';

let document: ReturnType<typeof openApiDocument> | undefined;

/** GET /api/openapi.json — the API's OpenAPI 3.1 description, built once per container; caches may keep it. */
export const handler = httpApi({}, async () => {
  document ??= openApiDocument(services().baseUrl);
  return json(200, document, { 'cache-control': 'public, max-age=300' });
});
