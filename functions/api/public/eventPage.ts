import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { publicView } from '../../events/model.js';
import { renderEventPage } from '../../events/page-head.js';
import { publicEvent } from '../../http/access.js';
import { type ApiEvent, html, httpApi, queryParams } from '../../http/handler.js';
import { AppError } from '../../platform/errors.js';
import { eventServices } from '../../wiring/event-services.js';

/**
 * The page the head is filled in: web/src/event.html, which the web build copies to the site
 * as is. In a bundle it sits next to index.mjs (the route's `files`, copied by
 * lib/app-function.ts); run from the sources (local runtime, tests) it is read where it lives.
 */
const TEMPLATE_PLACES = ['./event.html', '../../../web/src/event.html'].map((place) =>
  fileURLToPath(new URL(place, import.meta.url)),
);

let template: Promise<string> | undefined;
/** Read once per cold start; a missing file fails with the bundle's place in the error. */
const eventTemplate = (): Promise<string> => {
  template ??= readFile(
    TEMPLATE_PLACES.find((place) => existsSync(place)) ?? String(TEMPLATE_PLACES[0]),
    'utf8',
  );
  return template;
};

/** An id that cannot be one throws before any read: that is a 404 too. */
const publicEventOrNone = async (request: ApiEvent) => {
  try {
    return await publicEvent(request);
  } catch (error) {
    if (error instanceof AppError && error.code === 'not_found') return undefined;
    throw error;
  }
};

/**
 * GET /events/{eventId} — the event page, its head naming the event (page-head.ts says why).
 * A draft or an unknown id gets the page as it is, with 404: its script says so. A draft's
 * preview (`?preview=1`, drawn by the script for its organiser) gets it with 200, whatever the
 * id, so the browser logs no failed load and the status tells nobody whether a draft exists.
 */
export const handler = httpApi({ page: true }, async (request) => {
  const found = await publicEventOrNone(request);
  const { baseUrl, clock } = eventServices();
  const event = found && publicView(found.event, found.seats, baseUrl, clock());
  const preview = queryParams(request).preview === '1';
  return html(event || preview ? 200 : 404, renderEventPage(await eventTemplate(), event, baseUrl));
});
