import type { EventRepository } from '../events/ports.js';
import { EventStore } from '../events/store.js';
import { reminderDue, reminderWindows } from '../notify/decide.js';
import type { FanoutQueue } from '../notify/fanout-queue.js';
import type { ReminderInput } from '../notify/reminder-scheduler.js';
import { log } from '../platform/log.js';
import { documentClient } from '../wiring/clients.js';
import { tableName } from '../wiring/config.js';
import { queueFromEnv } from '../wiring/notify.js';

/**
 * The reminder schedules' target: `{eventId, window}` -> a `reminder` fan-out to the event's
 * confirmed registrants, if the reminder is still due (the event may have been cancelled or
 * moved since the schedule was made). Locally the tick calls the same function.
 */

export interface RemindDeps {
  events: Pick<EventRepository, 'get'>;
  queue: FanoutQueue;
  clock: () => Date;
}

export type RemindResult = { status: 'queued' } | { status: 'skipped'; reason: 'no_event' | 'not_due' };

const isReminderInput = (input: unknown): input is ReminderInput =>
  typeof (input as ReminderInput)?.eventId === 'string' &&
  (reminderWindows as readonly string[]).includes((input as ReminderInput).window);

export const remind = async (input: unknown, deps: RemindDeps): Promise<RemindResult> => {
  if (!isReminderInput(input)) throw new Error('Expected {eventId, window: "24h" | "1h"}');
  const found = await deps.events.get(input.eventId);
  if (!found) return { status: 'skipped', reason: 'no_event' };
  const { event } = found;
  if (!reminderDue(event, input.window, deps.clock())) {
    log.warn('reminder not due; skipped', { eventId: event.id, window: input.window });
    return { status: 'skipped', reason: 'not_due' };
  }
  await deps.queue.enqueue({
    type: 'page',
    job: { kind: 'reminder', eventId: event.id, sequence: event.sequence, window: input.window },
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
