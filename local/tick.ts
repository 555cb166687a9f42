import type { EventRecord } from '../functions/events/model.js';
import { FOLLOW_UP, reminderDue, reminderSlots } from '../functions/notify/decide.js';
import type { ReminderInput } from '../functions/notify/reminder-scheduler.js';
import { log } from '../functions/platform/log.js';
import type { Services } from '../functions/wiring/services.js';

/**
 * What the scheduled sweep does in AWS, run by the local runtime every minute: lapsed
 * confirmation holds give their seats back and the waitlist moves up into free seats.
 * With `remind`, it also stands in for EventBridge Scheduler: each due reminder, and the
 * reconfirmation's ask and deadline (window reached, event not started), and after the end the
 * follow-ups, go through the same remind code as in AWS.
 */
export interface TickOptions {
  remind?: (input: ReminderInput, event: EventRecord) => Promise<unknown>;
}

export const tick = async (
  services: Pick<Services, 'events' | 'registrations'>,
  now: Date,
  options: TickOptions = {},
): Promise<void> => {
  const { events, registrations } = services;
  for (const organiser of await events.listOrganisers()) {
    for (const { event } of await events.listByOrganiser(organiser.id)) {
      if (event.status !== 'published') continue;
      try {
        // Past events have nobody left to seat: only their follow-ups are left.
        if (event.endsAt <= now.toISOString()) {
          if (options.remind && reminderDue(event, FOLLOW_UP, now)) {
            await options.remind({ eventId: event.id, window: FOLLOW_UP }, event);
          }
          continue;
        }
        await registrations.releaseExpiredHolds(event.id, now);
        await registrations.fillFreeSeats(event.id, now);
        for (const { window, at } of reminderSlots(event)) {
          // At its time, as a schedule fires: the early margin reminderDue allows is for late
          // schedules of a moved event, and would send a reminder here minutes before its time.
          if (options.remind && at <= now.toISOString() && reminderDue(event, window, now)) {
            await options.remind({ eventId: event.id, window }, event);
          }
        }
      } catch (error) {
        // One event failing must not stop the sweep for the others.
        log.error('tick failed', { eventId: event.id, error });
      }
    }
  }
};

/**
 * A reminder stays due every minute until the event starts; the scheduler in AWS fires once.
 * This remembers what was already handed over, per window and time (a moved event or deadline
 * is looked at again). Repeats, after a restart or a move, are harmless: the mail ledger keeps one reminder
 * per registration and window.
 */
export const remindOnce = (
  remind: (input: ReminderInput) => Promise<unknown>,
): NonNullable<TickOptions['remind']> => {
  const handed = new Set<string>();
  return async (input, event) => {
    const at = reminderSlots(event).find((slot) => slot.window === input.window)?.at;
    const key = `${input.eventId}#${input.window}#${at}`;
    if (handed.has(key)) return;
    await remind(input);
    handed.add(key);
  };
};
