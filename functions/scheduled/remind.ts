import type { EventRepository } from '../events/ports.js';
import { EventStore } from '../events/store.js';
import {
  FOLLOW_UP,
  isReminderWindow,
  type PageKind,
  RECONFIRM_ASK,
  RECONFIRM_BY,
  reminderDue,
  reminderSlots,
} from '../notify/decide.js';
import type { FanoutQueue } from '../notify/fanout-queue.js';
import type { ReminderInput } from '../notify/reminder-scheduler.js';
import { log } from '../platform/log.js';
import { documentClient } from '../wiring/clients.js';
import { tableName } from '../wiring/config.js';
import { queueFromEnv } from '../wiring/notify.js';

/**
 * The reminder schedules' target: `{eventId, window}` -> a fan-out over the event's confirmed
 * registrants, if the window is still due (the event may have been cancelled or moved since the
 * schedule was made): a `reminder`, the reconfirmation's ask, or at its deadline the release of
 * the seats not reconfirmed (each its own conditional transaction, page by page, so a crash
 * mid-way resumes with the redelivered page). Locally the tick calls the same function.
 */

export interface RemindDeps {
  events: Pick<EventRepository, 'get'>;
  queue: FanoutQueue;
  clock: () => Date;
}

export type RemindResult = { status: 'queued' } | { status: 'skipped'; reason: 'no_event' | 'not_due' };

const isReminderInput = (input: unknown): input is ReminderInput =>
  typeof (input as ReminderInput)?.eventId === 'string' && isReminderWindow((input as ReminderInput).window);

const pageKindOf = (window: string): PageKind => {
  if (window === FOLLOW_UP) return 'follow_up';
  return window === RECONFIRM_ASK ? 'reconfirm_ask' : window === RECONFIRM_BY ? 'release' : 'reminder';
};

/** A scheduler firing this much before the deadline is retried rather than dropped. */
const DEADLINE_RETRY_MS = 5 * 60_000;

export const remind = async (input: unknown, deps: RemindDeps): Promise<RemindResult> => {
  if (!isReminderInput(input)) {
    throw new Error(
      'Expected {eventId, window: "24h" | "90m" | "reconfirm-ask" | "reconfirm-by" | "follow-up"}',
    );
  }
  const found = await deps.events.get(input.eventId);
  if (!found) return { status: 'skipped', reason: 'no_event' };
  const { event } = found;
  const now = deps.clock();
  if (!reminderDue(event, input.window, now)) {
    // The deadline and the follow-ups never go early (seats, and check-ins still coming in).
    const deadline = reminderSlots(event).find(
      (slot) => slot.window === input.window && (slot.window === RECONFIRM_BY || slot.window === FOLLOW_UP),
    );
    const early = deadline ? Date.parse(deadline.at) - now.getTime() : 0;
    if (early > 0 && early < DEADLINE_RETRY_MS) {
      // Seats never go early: failing makes EventBridge Scheduler try again (its retry policy).
      throw new Error(`${input.window} of ${event.id} not reached yet; try again`);
    }
    log.warn('reminder not due; skipped', { eventId: event.id, window: input.window });
    return { status: 'skipped', reason: 'not_due' };
  }
  const kind = pageKindOf(input.window);
  await deps.queue.enqueue({
    type: 'page',
    job: {
      kind,
      eventId: event.id,
      sequence: event.sequence,
      ...(kind === 'reminder' ? { window: input.window } : {}),
    },
  });
  return { status: 'queued' };
};

export const createRemindHandler = (deps: RemindDeps | (() => RemindDeps)) => async (input: ReminderInput) =>
  remind(input, typeof deps === 'function' ? deps() : deps);

/** Lambda entry point: the EventBridge Scheduler target (the schedule's Input is the event). */
let events: EventStore | undefined;

export const handler = createRemindHandler(() => {
  // Its own store rather than services(): this function reads events only and needs no token key.
  events ??= new EventStore(documentClient(), tableName());
  return { events, queue: queueFromEnv(), clock: () => new Date() };
});
