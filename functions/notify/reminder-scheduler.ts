import { createHash } from 'node:crypto';
import {
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  DeleteScheduleCommand,
  SchedulerClient,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import { FOLLOW_UP, RECONFIRM_ASK, RECONFIRM_BY, type ReminderSlot, type ReminderWindow } from './decide.js';

/** EventBridge Scheduler settings for reminders (the notify function creates, moves and deletes them). */
export interface ReminderSchedulerConfig {
  scheduleGroup: string;
  /** The remind function the schedules invoke. */
  remindFunctionArn: string;
  /** The role EventBridge Scheduler assumes to invoke it. */
  schedulerRoleArn: string;
}

/**
 * The reminder scheduler port: the stream handler says which reminders an event should have
 * now, the adapter makes it so. Replaying the same call gives the same schedules.
 */
export interface ReminderScheduler {
  /**
   * The event's reminders become exactly `slots` (none: all removed), and the `stale` windows it
   * had are removed. Past slots are not kept.
   */
  replace(
    eventId: string,
    slots: readonly ReminderSlot[],
    now: Date,
    stale?: readonly ReminderWindow[],
  ): Promise<void>;
}

/** What a reminder schedule hands the remind function. */
export interface ReminderInput {
  eventId: string;
  window: ReminderWindow;
}

/**
 * Locally there is nothing to schedule: the local tick looks for due reminders every minute
 * and sends them through the same remind code.
 */
export const tickReminderScheduler: ReminderScheduler = { replace: async () => {} };

const NAME = /^[0-9a-zA-Z_.-]{1,64}$/;

/**
 * One schedule per event and window (`reminder-24h-…`, `reconfirm-ask-…`, `reconfirm-by-…`,
 * `follow-up-…`); an
 * event id that does not fit a schedule name is hashed.
 */
export const scheduleName = (eventId: string, window: ReminderWindow): string => {
  const prefix =
    window === RECONFIRM_ASK || window === RECONFIRM_BY || window === FOLLOW_UP
      ? window
      : `reminder-${window}`;
  const plain = `${prefix}-${eventId}`;
  if (NAME.test(plain)) return plain;
  return `${prefix}-${createHash('sha256').update(eventId).digest('hex').slice(0, 40)}`;
};

/** `at()` takes a wall-clock time without zone or fraction; the zone is given beside it (UTC). */
const atExpression = (instant: string): string => `at(${new Date(instant).toISOString().slice(0, 19)})`;

const errorName = (error: unknown): string => (error as { name?: string } | null)?.name ?? '';

/**
 * EventBridge Scheduler: one one-time schedule per event and window in the configured group,
 * invoking the remind function with `{eventId, window}` and deleting itself once it fired.
 * A slot already past is not scheduled (the schedule is removed): EventBridge would refuse or
 * fire at once, and a reminder right after the change message adds nothing.
 */
export const createEventBridgeReminderScheduler = (
  settings: ReminderSchedulerConfig,
  client: SchedulerClient = new SchedulerClient({}),
): ReminderScheduler => {
  const upsert = async (eventId: string, slot: ReminderSlot) => {
    const input: CreateScheduleCommandInput = {
      Name: scheduleName(eventId, slot.window),
      GroupName: settings.scheduleGroup,
      ScheduleExpression: atExpression(slot.at),
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      Description: `Reminder ${slot.window} before event ${eventId}`,
      Target: {
        Arn: settings.remindFunctionArn,
        RoleArn: settings.schedulerRoleArn,
        Input: JSON.stringify({ eventId, window: slot.window } satisfies ReminderInput),
      },
    };
    try {
      await client.send(new CreateScheduleCommand(input));
    } catch (error) {
      // Already there (a replay, or the event moved): the same definition, updated in place.
      if (errorName(error) !== 'ConflictException') throw error;
      await client.send(new UpdateScheduleCommand(input));
    }
  };

  const remove = async (eventId: string, window: ReminderWindow) => {
    try {
      await client.send(
        new DeleteScheduleCommand({ Name: scheduleName(eventId, window), GroupName: settings.scheduleGroup }),
      );
    } catch (error) {
      // Never made, already fired (it deletes itself) or already removed: all the same.
      if (errorName(error) !== 'ResourceNotFoundException') throw error;
    }
  };

  return {
    async replace(eventId, slots, now, stale = []) {
      for (const slot of slots) {
        if (slot.at > now.toISOString()) await upsert(eventId, slot);
        else await remove(eventId, slot.window);
      }
      for (const window of stale) await remove(eventId, window);
    },
  };
};
