import type { ApiResult } from '../../http/handler.js';
import { httpApi } from '../../http/handler.js';
import { log } from '../../platform/log.js';
import { type JoinRefusal, joinAnswer } from '../../registrations/join-link.js';
import { notYetPage, refusedPage } from '../../registrations/join-page.js';
import { services } from '../../wiring/services.js';

/** Personal: no cache on the way may keep it, and the join URL's site is not told where we were. */
const PRIVATE = { 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' } as const;

const page = (statusCode: number, body: string): ApiResult => ({
  statusCode,
  headers: { 'content-type': 'text/html; charset=utf-8', ...PRIVATE },
  body,
});

const REFUSAL_STATUS: Record<JoinRefusal, number> = {
  unknown: 404,
  event_cancelled: 410,
  ended: 410,
  cancelled: 403,
  waitlisted: 403,
  pending_confirmation: 403,
};

/**
 * GET /j/{code} — the personal join link (registrations/join-link.ts says when it opens):
 * `302` to the event's join URL as it is now, recording the first use (`joinedAt`); otherwise
 * a page saying when or why not. The code is a bearer secret: it is never logged (nor is the
 * path; functions/platform/log.ts masks `/j/...` in any case).
 */
export const handler = httpApi({ page: true }, async (request) => {
  const { attendanceCodes, registrations, events, clock } = services();
  const now = clock();
  const registrationId = attendanceCodes.registrationOf(request.pathParameters?.code ?? '');
  const registration = registrationId ? await registrations.getById(registrationId) : undefined;
  const event = registration && (await events.get(registration.eventId))?.event;
  const answer = joinAnswer(registration, event, now);
  const language = registration?.locale ?? event?.language;

  if (answer.kind === 'open' && registration) {
    // The join comes first: a failed record costs a figure in the stats, not the session.
    await registrations.recordJoin(registration, now).catch((error: unknown) => {
      log.warn('join not recorded', { eventId: registration.eventId, error });
    });
    return { statusCode: 302, headers: { location: answer.joinUrl, ...PRIVATE } };
  }
  if (answer.kind === 'not_yet' && event && language) {
    return page(200, notYetPage(event, language, answer.opensAt));
  }
  const reason = answer.kind === 'refused' ? answer.reason : 'unknown';
  return page(REFUSAL_STATUS[reason], refusedPage(reason, event, language));
});
