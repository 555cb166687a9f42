import type { EventRecord } from '../events/model.js';
import { eventPhase, offersFor } from './lifecycle.js';
import type { RegistrationRecord } from './model.js';

/**
 * What the personal join link (`GET /j/{code}`, API.md "Attendance") answers: the event's join
 * URL as it is now, for a seat holder, from JOIN_OPENS_MINUTES before the start until the end;
 * earlier, when it opens; otherwise why not. Never the join URL but in `open`.
 */

/** The link opens this long before the start: time to test sound and camera. */
export const JOIN_OPENS_MINUTES = 30;

export type JoinRefusal =
  /** No such registration, a forged code, or an event with no join link (draft, in person). */
  | 'unknown'
  | 'event_cancelled'
  | 'ended'
  /** The registration's own status: no seat (any more, or yet). */
  | 'cancelled'
  | 'waitlisted'
  | 'pending_confirmation';

export type JoinAnswer =
  | { kind: 'open'; joinUrl: string }
  | { kind: 'not_yet'; opensAt: string }
  | { kind: 'refused'; reason: JoinRefusal };

export const joinOpensAt = (event: Pick<EventRecord, 'startsAt'>): string =>
  new Date(Date.parse(event.startsAt) - JOIN_OPENS_MINUTES * 60_000).toISOString();

export const joinAnswer = (
  registration: Pick<RegistrationRecord, 'status' | 'eventId'> | undefined,
  event: EventRecord | undefined,
  now: Date,
): JoinAnswer => {
  const refused = (reason: JoinRefusal): JoinAnswer => ({ kind: 'refused', reason });
  if (!registration || !event || registration.eventId !== event.id || event.status === 'draft') {
    return refused('unknown');
  }
  if (event.format === 'in_person' || !event.joinUrl) return refused('unknown');
  const phase = eventPhase(event, now);
  if (phase === 'cancelled') return refused('event_cancelled');
  if (phase === 'past') return refused('ended');
  if (registration.status !== 'confirmed') return refused(registration.status);
  const opensAt = joinOpensAt(event);
  if (now.toISOString() < opensAt) return { kind: 'not_yet', opensAt };
  // The one rule for who may be given the join URL (lifecycle.ts) has the last word.
  const { joinUrl } = offersFor(registration, event, now);
  return joinUrl ? { kind: 'open', joinUrl } : refused('unknown');
};
