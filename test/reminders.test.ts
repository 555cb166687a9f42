import { describe, expect, it } from 'vitest';
import {
  adminView,
  applyUpdate,
  type EventRecord,
  newEventRecord,
  newSeats,
} from '../functions/events/model.js';
import {
  defaultReminders,
  isReconfirmed,
  offsetMs,
  reconfirmAskAt,
  releasable,
  reminderOffsets,
} from '../functions/events/reminders.js';
import { eventCreateInput, eventUpdateInput } from '../functions/events/schemas.js';
import { renderMessage } from '../functions/mail/messages.js';
import {
  decide,
  fanoutMessage,
  RECONFIRM_ASK,
  RECONFIRM_BY,
  reminderDue,
  reminderSlots,
  stillFits,
  windowOf,
} from '../functions/notify/decide.js';
import { scheduleName } from '../functions/notify/reminder-scheduler.js';
import { attendanceStats } from '../functions/registrations/report.js';
import { eventRecord, seatRecord } from './support/records.js';

/** Reminder offsets, the reconfirmation's ask and deadline, and who it releases: the pure rules. */

const START = '2030-04-10T08:00:00.000Z';
const BY = '2030-04-09T08:00:00.000Z'; // a day before
const DEFAULT_ASK = '2030-04-07T08:00:00.000Z'; // 48 h before the deadline

const event = (fields: Partial<EventRecord> = {}): EventRecord => eventRecord({ startsAt: START, ...fields });

const seat = seatRecord;

describe('reminder offsets', () => {
  it('reads ISO 8601 weeks, days, hours and minutes, within a minute and 60 days', () => {
    expect(offsetMs('P1D')).toBe(86_400_000);
    expect(offsetMs('PT1H')).toBe(3_600_000);
    expect(offsetMs('P1DT12H')).toBe(36 * 3_600_000);
    expect(offsetMs('PT90M')).toBe(90 * 60_000);
    expect(offsetMs('P2W')).toBe(14 * 86_400_000);
    for (const wrong of [
      'P',
      'PT',
      'P1M',
      'P1Y',
      'PT30S',
      'PT0M',
      'P61D',
      '1D',
      'p1d',
      'P1DT',
      'P-1D',
      ' P1D',
    ]) {
      expect(offsetMs(wrong), wrong).toBeUndefined();
    }
  });

  it('defaults by format: the day before in person, also an hour before online and hybrid', () => {
    expect(defaultReminders('in_person')).toEqual(['P1D']);
    expect(defaultReminders('online')).toEqual(['P1D', 'PT1H']);
    expect(defaultReminders('hybrid')).toEqual(['P1D', 'PT1H']);
    // Stored events without the field, and a field set back to null, read as the defaults.
    expect(reminderOffsets({ format: 'online' })).toEqual(['P1D', 'PT1H']);
    expect(reminderOffsets({ format: 'online', reminders: null })).toEqual(['P1D', 'PT1H']);
    expect(reminderOffsets({ format: 'online', reminders: ['P2D'] })).toEqual(['P2D']);
  });

  it('the schema takes a bounded list of distinct durations', () => {
    const base = { title: 'T', format: 'online', startsAt: START, endsAt: '2030-04-10T10:00:00.000Z' };
    expect(eventCreateInput.safeParse({ ...base, reminders: ['P1D', 'PT30M'] }).success).toBe(true);
    expect(eventCreateInput.safeParse({ ...base }).data?.reminders).toBeUndefined();
    expect(eventCreateInput.safeParse({ ...base, reminders: ['tomorrow'] }).success).toBe(false);
    expect(eventCreateInput.safeParse({ ...base, reminders: ['P1D', 'PT24H'] }).success).toBe(false);
    expect(
      eventCreateInput.safeParse({ ...base, reminders: ['P1D', 'P2D', 'P3D', 'P4D', 'P5D', 'P6D'] }).success,
    ).toBe(false);
    expect(eventUpdateInput.safeParse({ reminders: null }).success).toBe(true);
  });

  it('windows are named by their offset, as the fixed 24h and 1h windows were', () => {
    expect(windowOf('P1D')).toBe('24h');
    expect(windowOf('PT24H')).toBe('24h');
    expect(windowOf('PT1H')).toBe('1h');
    expect(windowOf('PT90M')).toBe('90m');
    expect(scheduleName('evt_1', windowOf('P2W'))).toBe('reminder-336h-evt_1');
    expect(scheduleName('evt_1', RECONFIRM_ASK)).toBe('reconfirm-ask-evt_1');
    expect(scheduleName('x'.repeat(80), RECONFIRM_BY)).toMatch(/^reconfirm-by-[0-9a-f]{40}$/);
  });
});

describe('schedules', () => {
  it('an event has its reminders, and with a deadline the ask (48 h before by default) and the deadline', () => {
    expect(reminderSlots(event({ reminders: ['P2D', 'PT30M'] }))).toEqual([
      { window: '48h', at: '2030-04-08T08:00:00.000Z' },
      { window: '30m', at: '2030-04-10T07:30:00.000Z' },
    ]);
    expect(reminderSlots(event({ reconfirmBy: BY }))).toEqual([
      { window: '24h', at: '2030-04-09T08:00:00.000Z' },
      { window: RECONFIRM_ASK, at: DEFAULT_ASK },
      { window: RECONFIRM_BY, at: BY },
    ]);
    expect(reconfirmAskAt(event({ reconfirmBy: BY, reconfirmAskAt: '2030-04-08T12:00:00.000Z' }))).toBe(
      '2030-04-08T12:00:00.000Z',
    );
  });

  it('the deadline is never due early; a reminder or the ask may go a few minutes early', () => {
    const e = event({ reconfirmBy: BY });
    const at = (iso: string) => new Date(iso);
    expect(reminderDue(e, RECONFIRM_BY, at('2030-04-09T07:59:00.000Z'))).toBe(false);
    expect(reminderDue(e, RECONFIRM_BY, at(BY))).toBe(true);
    expect(reminderDue(e, RECONFIRM_ASK, at('2030-04-07T07:58:00.000Z'))).toBe(true);
    expect(reminderDue(e, RECONFIRM_ASK, at('2030-04-07T07:50:00.000Z'))).toBe(false);
    expect(reminderDue(e, RECONFIRM_BY, at(START))).toBe(false); // started
    expect(reminderDue(event(), RECONFIRM_BY, at(BY))).toBe(false); // no deadline
    expect(reminderDue(event({ reconfirmBy: BY, status: 'cancelled' }), RECONFIRM_BY, at(BY))).toBe(false);
  });

  it('a new deadline, or new offsets, reschedule; those the event no longer has are removed', () => {
    const before = event();
    const after = event({ reconfirmBy: BY, reminders: ['P2D'] });
    const intents = decide({
      eventName: 'MODIFY',
      keys: { pk: 'EVENT#evt_1', sk: 'EVENT' },
      oldImage: before as never,
      newImage: after as never,
    });
    expect(intents).toEqual([
      { type: 'reminders', eventId: 'evt_1', slots: reminderSlots(after), stale: ['24h'] },
    ]);
    // Dropping the deadline removes the ask and the deadline.
    const dropped = decide({
      eventName: 'MODIFY',
      keys: { pk: 'EVENT#evt_1', sk: 'EVENT' },
      oldImage: after as never,
      newImage: event({ reminders: ['P2D'] }) as never,
    });
    expect(dropped).toEqual([
      {
        type: 'reminders',
        eventId: 'evt_1',
        slots: reminderSlots(event({ reminders: ['P2D'] })),
        stale: [RECONFIRM_ASK, RECONFIRM_BY],
      },
    ]);
  });

  it('the dates must fit: ask before deadline before start', () => {
    const input = (fields: Record<string, unknown>) =>
      eventCreateInput.parse({
        title: 'T',
        format: 'online',
        startsAt: START,
        endsAt: '2030-04-10T10:00:00.000Z',
        ...fields,
      });
    const ids = { id: 'e', organiserId: 'o', organiserName: 'O' };
    const now = new Date('2030-03-01T00:00:00.000Z');
    expect(() => newEventRecord(input({ reconfirmBy: START }), ids, now)).toThrow(/dates/);
    expect(() => newEventRecord(input({ reconfirmBy: BY, reconfirmAskAt: BY }), ids, now)).toThrow(/dates/);
    expect(() => newEventRecord(input({ reconfirmAskAt: DEFAULT_ASK }), ids, now)).toThrow(/dates/);
    const made = newEventRecord(input({ reconfirmBy: '2030-04-09T10:00:00+02:00' }), ids, now);
    expect(made.reconfirmBy).toBe(BY);
    // Moving the start before the deadline is refused; clearing the deadline is fine.
    expect(() => applyUpdate(made, { startsAt: BY, endsAt: START }, now)).toThrow(/dates/);
    expect(applyUpdate(made, { reconfirmBy: null }, now).reconfirmBy).toBeNull();
    const view = adminView(made, newSeats(made), 'https://x.example', now);
    expect(view).toMatchObject({ reminders: ['P1D', 'PT1H'], reconfirmBy: BY, reconfirmAskAt: null });
  });
});

describe('who is asked and who is released', () => {
  const e = event({ reconfirmBy: BY });
  const afterAsk = '2030-04-07T09:00:00.000Z';

  it('confirmed seats from before the ask, not reconfirmed, not checked in', () => {
    expect(releasable(seat(), e)).toBe(true);
    expect(releasable(seat({ reconfirmedAt: afterAsk }), e)).toBe(false);
    expect(releasable(seat({ checkedInAt: afterAsk }), e)).toBe(false);
    // Seated once the ask had gone out (a late registration, a promotion): their seat is their answer.
    expect(releasable(seat({ confirmedAt: afterAsk }), e)).toBe(false);
    expect(isReconfirmed(seat({ confirmedAt: afterAsk }), e)).toBe(true);
    expect(releasable(seat({ status: 'waitlisted' }), e)).toBe(false);
    expect(releasable(seat({ status: 'cancelled' }), e)).toBe(false);
    expect(releasable(seat(), event())).toBe(false); // no deadline, nobody released
  });

  it('the ask goes once per registration, to those it could release, until the deadline', () => {
    const job = { kind: 'reconfirm_ask' as const, eventId: 'evt_1', sequence: 3 };
    expect(fanoutMessage(job, seat()).dedupeKey).toBe('reg_1#reconfirm_ask');
    expect(fanoutMessage({ ...job, sequence: 4 }, seat()).dedupeKey).toBe('reg_1#reconfirm_ask');
    const now = new Date(afterAsk);
    expect(stillFits('reconfirm_ask', seat(), e, now)).toBe(true);
    expect(stillFits('reconfirm_ask', seat({ reconfirmedAt: afterAsk }), e, now)).toBe(false);
    expect(stillFits('reconfirm_ask', seat(), e, new Date(BY))).toBe(false);
    expect(
      stillFits('not_reconfirmed', seat({ status: 'cancelled', cancelledBy: 'not_reconfirmed' }), e, now),
    ).toBe(true);
  });

  it('a release is its own message, with the calendar CANCEL', () => {
    const before = seat();
    const after = seat({ status: 'cancelled', cancelledBy: 'not_reconfirmed', updatedAt: BY });
    const [intent] = decide({
      eventName: 'MODIFY',
      keys: { pk: 'EVENT#evt_1', sk: 'REG#k1' },
      oldImage: before as never,
      newImage: after as never,
    });
    expect(intent).toMatchObject({ type: 'message', message: { kind: 'not_reconfirmed' } });
  });

  it('reminders and the ask carry both answers as links to the manage page, which asks for the click', () => {
    const context = {
      registration: seat(),
      event: e,
      organiser: { name: 'Media Aces' },
      manageUrl: 'https://x.example/manage#registration=reg_1&token=t',
    };
    for (const kind of ['reminder', 'reconfirm_ask'] as const) {
      const fr = renderMessage(kind, context);
      expect(fr.text).toContain('Je viens');
      expect(fr.text).toContain('Je ne peux plus venir');
      expect(fr.html).toContain('https://x.example/manage#registration=reg_1&#38;token=t&#38;ask=coming');
      expect(fr.html).toContain('https://x.example/manage#registration=reg_1&#38;token=t&#38;ask=cancel');
      const en = renderMessage(kind, { ...context, registration: seat({ locale: 'en' }) });
      expect(en.text).toContain('I’m coming');
      expect(en.text).toContain('I can’t come any more');
    }
    expect(renderMessage('reconfirm_ask', context).text).toMatch(/Sans réponse avant le .*2030/);
    expect(renderMessage('not_reconfirmed', context).subject).toBe(
      'Place libérée faute de réponse : Conférence',
    );
  });
});

describe('attendance stats', () => {
  it('counts from the registrations; no-shows and the show-up rate once the event is over', () => {
    const e = event({ reconfirmBy: BY });
    const registrations = [
      seat({ id: 'a', reconfirmedAt: '2030-04-08T00:00:00.000Z', checkedInAt: START }),
      seat({ id: 'b', confirmedAt: '2030-04-08T00:00:00.000Z' }), // seated after the ask
      seat({ id: 'c', joinedAt: START }),
      seat({ id: 'd' }),
      seat({ id: 'e', status: 'cancelled', cancelledBy: 'not_reconfirmed' }),
      seat({ id: 'f', status: 'cancelled', cancelledBy: 'attendee' }),
      seat({ id: 'g', status: 'waitlisted' }),
      // "Decline" in a calendar: the seat given up, counted apart; an accepted answer is not.
      seat({ id: 'h', status: 'cancelled', cancelledBy: 'attendee', rsvp: 'declined' }),
      seat({ id: 'i', rsvp: 'accepted', checkedInAt: START }),
    ];
    const erased = [{ status: 'confirmed' as const, checkedIn: true }];
    expect(attendanceStats(registrations, erased, e, new Date(START))).toEqual({
      confirmed: 6,
      reconfirmed: 2,
      released: 1,
      declined: 1,
      checkedIn: 3,
      joined: 1,
      noShow: null,
      showUpRate: null,
    });
    const over = attendanceStats(registrations, erased, e, new Date('2030-04-10T10:00:00.000Z'));
    expect(over.noShow).toBe(2); // b and d
    expect(over.showUpRate).toBe(0.667);
    expect(attendanceStats([], [], e, new Date('2030-05-01T00:00:00.000Z')).showUpRate).toBeNull();
  });
});
