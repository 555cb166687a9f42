import { describe, expect, it } from 'vitest';
import type { EventRecord } from '../functions/events/model.js';
import { followUpAt } from '../functions/events/reminders.js';
import { eventCreateInput, eventUpdateInput } from '../functions/events/schemas.js';
import {
  decide,
  FOLLOW_UP,
  fanoutMessage,
  followUpDue,
  followUpKind,
  reminderSlots,
  stillFits,
} from '../functions/notify/decide.js';
import { scheduleName } from '../functions/notify/reminder-scheduler.js';
import { eventRecord, seatRecord } from './support/records.js';

/** Follow-ups after the event (API.md, "Attendance"): when, to whom, which one; the pure rules. */

const START = '2030-04-10T08:00:00.000Z';
const END = '2030-04-10T10:00:00.000Z';
const AFTER = '2030-04-10T11:00:00.000Z'; // an hour after the end
const at = (iso: string) => new Date(iso);

const TEXTS = {
  attended: { subject: 'Merci', body: 'Merci de votre venue.' },
  absent: { subject: 'Dommage', body: 'Voici le replay.' },
  replayUrl: 'https://replay.example/42',
};

const event = (fields: Partial<EventRecord> = {}): EventRecord =>
  eventRecord({
    format: 'hybrid',
    joinUrl: 'https://meet.example/x',
    startsAt: START,
    endsAt: END,
    followUp: TEXTS,
    ...fields,
  });

const seat = seatRecord;

describe('who gets which follow-up', () => {
  it('attended: checked in or joined online; absent: the other seat holders', () => {
    const e = event();
    expect(followUpKind(seat({ checkedInAt: START }), e)).toBe('follow_up_attended');
    expect(followUpKind(seat({ joinedAt: START }), e)).toBe('follow_up_attended');
    expect(followUpKind(seat(), e)).toBe('follow_up_absent');
  });

  it('nothing to the cancelled, the waitlisted nor the unconfirmed', () => {
    const e = event();
    for (const status of ['cancelled', 'waitlisted', 'pending_confirmation'] as const) {
      expect(followUpKind(seat({ status, checkedInAt: START }), e)).toBeUndefined();
      expect(followUpKind(seat({ status }), e)).toBeUndefined();
    }
  });

  it('by default nothing: only the group the organiser wrote for gets a message', () => {
    expect(followUpKind(seat(), event({ followUp: null }))).toBeUndefined();
    expect(followUpKind(seat(), event({ followUp: undefined }))).toBeUndefined();
    const onlyAttended = event({ followUp: { attended: TEXTS.attended } });
    expect(followUpKind(seat({ checkedInAt: START }), onlyAttended)).toBe('follow_up_attended');
    expect(followUpKind(seat(), onlyAttended)).toBeUndefined();
    // A replay link alone is no message.
    expect(followUpAt(event({ followUp: { replayUrl: TEXTS.replayUrl } }))).toBeUndefined();
  });

  it('one ledger key per registration, whichever message it gets', () => {
    const job = { eventId: 'evt_1', sequence: 3 };
    const registration = seat();
    const attended = fanoutMessage({ ...job, kind: 'follow_up_attended' }, registration);
    const absent = fanoutMessage({ ...job, kind: 'follow_up_absent' }, registration);
    expect(attended.dedupeKey).toBe('reg_1#follow_up');
    expect(absent.dedupeKey).toBe(attended.dedupeKey);
  });

  it('fits when sent only if it is still the right one (attendance read again) and the event took place', () => {
    const e = event();
    expect(stillFits('follow_up_absent', seat(), e, at(AFTER))).toBe(true);
    expect(stillFits('follow_up_absent', seat({ checkedInAt: END }), e, at(AFTER))).toBe(false);
    expect(stillFits('follow_up_attended', seat({ checkedInAt: END }), e, at(AFTER))).toBe(true);
    expect(stillFits('follow_up_absent', seat({ status: 'cancelled' }), e, at(AFTER))).toBe(false);
    expect(stillFits('follow_up_absent', seat(), event({ status: 'cancelled' }), at(AFTER))).toBe(false);
  });
});

describe('when follow-ups go', () => {
  it('an hour after the end, never early, not days late, never for a cancelled event', () => {
    expect(followUpAt(event())).toBe(AFTER);
    expect(followUpDue(event(), at('2030-04-10T10:59:59.000Z'))).toBe(false);
    expect(followUpDue(event(), at(AFTER))).toBe(true);
    expect(followUpDue(event(), at('2030-04-12T11:00:00.000Z'))).toBe(true);
    expect(followUpDue(event(), at('2030-04-13T11:00:00.000Z'))).toBe(false);
    expect(followUpDue(event({ status: 'cancelled' }), at(AFTER))).toBe(false);
    expect(followUpDue(event({ followUp: null }), at(AFTER))).toBe(false);
  });

  it('rides the reminder schedules: its own slot, moved with the event, removed on cancel', () => {
    expect(reminderSlots(event())).toContainEqual({ window: FOLLOW_UP, at: AFTER });
    expect(reminderSlots(event({ followUp: null })).map((slot) => slot.window)).not.toContain(FOLLOW_UP);
    expect(scheduleName('evt_1', FOLLOW_UP)).toBe('follow-up-evt_1');

    const keys = { pk: 'EVENT#evt_1', sk: 'EVENT' };
    const moved = event({
      startsAt: '2030-04-11T08:00:00.000Z',
      endsAt: '2030-04-11T10:00:00.000Z',
      sequence: 1,
    });
    const onMove = decide({
      eventName: 'MODIFY',
      keys,
      oldImage: event() as never,
      newImage: moved as never,
    });
    expect(onMove.find((intent) => intent.type === 'reminders')).toMatchObject({
      slots: expect.arrayContaining([{ window: FOLLOW_UP, at: '2030-04-11T11:00:00.000Z' }]),
    });

    const onCancel = decide({
      eventName: 'MODIFY',
      keys,
      oldImage: event() as never,
      newImage: event({ status: 'cancelled', sequence: 1 }) as never,
    });
    expect(onCancel.find((intent) => intent.type === 'reminders')).toMatchObject({
      slots: [],
      stale: expect.arrayContaining([FOLLOW_UP]),
    });

    // Writing the texts schedules it; taking them out removes it.
    const added = decide({
      eventName: 'MODIFY',
      keys,
      oldImage: event({ followUp: null }) as never,
      newImage: event() as never,
    });
    expect(added).toEqual([
      { type: 'reminders', eventId: 'evt_1', slots: reminderSlots(event()), stale: [] },
    ]);
    const removed = decide({
      eventName: 'MODIFY',
      keys,
      oldImage: event() as never,
      newImage: event({ followUp: null }) as never,
    });
    expect(removed).toMatchObject([{ type: 'reminders', stale: [FOLLOW_UP] }]);
  });
});

describe('the followUp field', () => {
  const base = { title: 'T', format: 'online', startsAt: START, endsAt: END };
  const problems = (followUp: unknown) =>
    (eventUpdateInput.safeParse({ followUp }).error?.issues ?? []).map((issue) => issue.path.join('.'));

  it('takes two optional texts and an https replay link, or null', () => {
    expect(eventCreateInput.safeParse({ ...base, followUp: TEXTS }).data?.followUp).toEqual(TEXTS);
    expect(eventCreateInput.safeParse({ ...base, followUp: null }).success).toBe(true);
    expect(eventCreateInput.safeParse({ ...base, followUp: { absent: TEXTS.absent } }).success).toBe(true);
    expect(eventCreateInput.safeParse(base).data?.followUp).toBeUndefined();
  });

  it('refuses empty or overlong texts, and links that are not plain https', () => {
    expect(problems({ attended: { subject: '', body: 'x' } })).toEqual(['followUp.attended.subject']);
    expect(problems({ attended: { subject: 'x', body: ' \n ' } })).toEqual(['followUp.attended.body']);
    expect(problems({ absent: { subject: 'x'.repeat(201), body: 'x' } })).toEqual([
      'followUp.absent.subject',
    ]);
    expect(problems({ absent: { subject: 'x', body: 'x'.repeat(5001) } })).toEqual(['followUp.absent.body']);
    for (const replayUrl of [
      'http://replay.example/1',
      'javascript:alert(1)',
      'https://a:b@replay.example',
    ]) {
      expect(problems({ replayUrl })).toEqual(['followUp.replayUrl']);
    }
  });
});
