import { describe, expect, it } from 'vitest';
import type { EventRecord } from '../functions/events/model.js';
import { inviteMethodFor } from '../functions/mail/kinds.js';
import {
  decide,
  fanoutMessage,
  type Intent,
  reminderDue,
  reminderSlots,
  type StreamChange,
  stillFits,
} from '../functions/notify/decide.js';
import type { RegistrationRecord } from '../functions/registrations/model.js';
import { eventRecord, seatRecord } from './support/records.js';

/** decide.ts alone: every transition of a registration or an event, and what it asks for. */

const T0 = '2030-03-01T09:00:00.000Z';
const T1 = '2030-03-01T10:00:00.000Z';

const registration = (fields: Partial<RegistrationRecord> = {}): RegistrationRecord =>
  seatRecord({ emailKey: 'hash1', consentAt: T0, createdAt: T0, updatedAt: T0, confirmedAt: T0, ...fields });

const event = (fields: Partial<EventRecord> = {}): EventRecord =>
  eventRecord({
    title: 'Webinar',
    format: 'online',
    venue: null,
    joinUrl: 'https://meet.example/room',
    startsAt: '2030-04-01T08:00:00.000Z',
    endsAt: '2030-04-01T09:00:00.000Z',
    createdAt: T0,
    updatedAt: T0,
    ...fields,
  });

const regKeys = { pk: 'EVENT#evt_1', sk: 'REG#hash1' };
const eventKeys = { pk: 'EVENT#evt_1', sk: 'EVENT' };

const change = (
  eventName: StreamChange['eventName'],
  keys: StreamChange['keys'],
  oldImage?: object,
  newImage?: object,
): StreamChange => ({
  eventName,
  keys,
  ...(oldImage ? { oldImage: { ...keys, ...oldImage } } : {}),
  ...(newImage ? { newImage: { ...keys, ...newImage } } : {}),
});

const messages = (intents: Intent[]) =>
  intents.flatMap((intent) => (intent.type === 'message' ? [intent.message] : []));
const kinds = (intents: Intent[]) => messages(intents).map((message) => message.kind);

describe('registration items', () => {
  it.each([
    ['confirmed', 'confirmed'],
    ['waitlisted', 'waitlisted'],
    ['pending_confirmation', 'pending_confirmation'],
  ] as const)('INSERT %s -> %s, keyed by id, kind and updatedAt', (status, kind) => {
    const intents = decide(change('INSERT', regKeys, undefined, registration({ status, updatedAt: T1 })));
    expect(messages(intents)).toEqual([
      {
        kind,
        eventId: 'evt_1',
        registrationId: 'reg_1',
        emailKey: 'hash1',
        dedupeKey: `reg_1#${kind}#${T1}`,
      },
    ]);
  });

  it('a new waitlist place, and only that, has the waitlist looked at for free seats first', () => {
    const seatWaiters = (intents: Intent[]) => intents.filter((intent) => intent.type === 'seatWaiters');
    const arrival = (status: RegistrationRecord['status'], before?: object) =>
      decide(change(before ? 'MODIFY' : 'INSERT', regKeys, before, registration({ id: 'reg_2', status })));
    expect(arrival('waitlisted')[0]).toEqual({ type: 'seatWaiters', eventId: 'evt_1' });
    expect(seatWaiters(arrival('waitlisted', registration({ status: 'cancelled' })))).toHaveLength(1);
    for (const status of ['confirmed', 'pending_confirmation'] as const)
      expect(seatWaiters(arrival(status))).toEqual([]);
    // Moves within one registration (a promotion, a cancellation) free or take seats themselves.
    const promoted = change(
      'MODIFY',
      regKeys,
      registration({ status: 'waitlisted' }),
      registration({ status: 'confirmed' }),
    );
    expect(seatWaiters(decide(promoted))).toEqual([]);
  });

  it('a new registration replacing a cancelled one (new id) is a new arrival', () => {
    const before = registration({ status: 'cancelled', cancelledBy: 'attendee' });
    const after = registration({ id: 'reg_2', status: 'waitlisted', updatedAt: T1 });
    const intents = decide(change('MODIFY', regKeys, before, after));
    expect(messages(intents)).toEqual([
      expect.objectContaining({ kind: 'waitlisted', registrationId: 'reg_2' }),
    ]);
    expect(messages(intents)[0]?.dedupeKey).toBe(`reg_2#waitlisted#${T1}`);
  });

  it.each([
    ['waitlisted', 'confirmed', 'promoted'],
    ['waitlisted', 'pending_confirmation', 'promoted_pending'],
    ['pending_confirmation', 'confirmed', 'confirmed'],
  ] as const)('MODIFY %s -> %s sends %s', (from, to, kind) => {
    const intents = decide(
      change('MODIFY', regKeys, registration({ status: from }), registration({ status: to, updatedAt: T1 })),
    );
    expect(messages(intents)).toEqual([expect.objectContaining({ kind, dedupeKey: `reg_1#${kind}#${T1}` })]);
  });

  it.each([
    ['confirmed', 'attendee', 'cancelled_by_attendee'],
    ['waitlisted', 'attendee', 'cancelled_by_attendee'],
    ['confirmed', 'organiser', 'cancelled_by_organiser'],
    ['pending_confirmation', 'expired', 'hold_expired'],
  ] as const)('MODIFY %s -> cancelled by %s sends %s', (from, by, kind) => {
    const intents = decide(
      change(
        'MODIFY',
        regKeys,
        registration({ status: from }),
        registration({ status: 'cancelled', cancelledBy: by, updatedAt: T1 }),
      ),
    );
    expect(kinds(intents)).toEqual([kind]);
  });

  it('a cancellation by the event itself sends nothing here (the event fan-out does)', () => {
    const intents = decide(
      change('MODIFY', regKeys, registration(), registration({ status: 'cancelled', cancelledBy: 'event' })),
    );
    expect(intents).toEqual([]);
  });

  it('a new linkRequestedAt sends the manage link, keyed by it', () => {
    const intents = decide(
      change('MODIFY', regKeys, registration(), registration({ linkRequestedAt: T1, tokenSealed: 'new' })),
    );
    expect(messages(intents)).toEqual([
      expect.objectContaining({ kind: 'manage_link', dedupeKey: `reg_1#manage_link#${T1}` }),
    ]);
  });

  it('an unchanged linkRequestedAt sends nothing again', () => {
    const before = registration({ linkRequestedAt: T0 });
    const intents = decide(change('MODIFY', regKeys, before, { ...before, checkedInAt: T1, updatedAt: T1 }));
    expect(intents).toEqual([]);
  });

  it.each([
    ['check-in', { checkedInAt: T1, updatedAt: T1 }],
    ['confirmed to confirmed', { updatedAt: T1 }],
  ])('%s: nothing', (_name, fields) => {
    expect(decide(change('MODIFY', regKeys, registration(), registration(fields)))).toEqual([]);
  });

  it('an erasure (REMOVE) of a seat sends its CANCEL from the old image; of anything else, nothing', () => {
    const seat = registration({ status: 'confirmed' });
    expect(decide(change('REMOVE', regKeys, seat, undefined))).toEqual([
      {
        type: 'message',
        message: {
          kind: 'erased',
          eventId: seat.eventId,
          registrationId: seat.id,
          emailKey: seat.emailKey,
          dedupeKey: `${seat.id}#erased`,
          // The old image: the registration's fields (and its item's keys), the only copy left.
          snapshot: expect.objectContaining({ id: seat.id, email: seat.email, status: 'confirmed' }),
        },
      },
    ]);
    for (const status of ['waitlisted', 'pending_confirmation', 'cancelled'] as const) {
      expect(decide(change('REMOVE', regKeys, registration({ status }), undefined))).toEqual([]);
    }
  });

  it('erased fits an event still to come only (not the TTL removal after it, nor a cancelled event)', () => {
    const seat = registration({ status: 'confirmed' });
    const at = new Date('2030-03-01T00:00:00Z');
    expect(stillFits('erased', seat, event(), at)).toBe(true);
    expect(stillFits('erased', seat, event({ status: 'cancelled' }), at)).toBe(false);
    expect(stillFits('erased', seat, event({ endsAt: '2030-02-01T00:00:00Z' }), at)).toBe(false);
  });
});

describe('event items', () => {
  it('a published change with a higher sequence fans out event_changed, saying what changed', () => {
    const before = event();
    const after = event({ sequence: 1, joinUrl: null });
    const intents = decide(change('MODIFY', eventKeys, before, after));
    expect(intents).toEqual([
      {
        type: 'fanout',
        job: { kind: 'event_changed', eventId: 'evt_1', sequence: 1, changes: ['joinUrl'] },
      },
    ]);
  });

  it('a start change also moves the reminders', () => {
    const after = event({
      sequence: 1,
      startsAt: '2030-04-02T08:00:00.000Z',
      endsAt: '2030-04-02T09:00:00.000Z',
    });
    const intents = decide(change('MODIFY', eventKeys, event(), after));
    expect(intents.map((intent) => intent.type)).toEqual(['fanout', 'reminders']);
    expect(intents[1]).toEqual({
      type: 'reminders',
      eventId: 'evt_1',
      slots: [
        { window: '24h', at: '2030-04-01T08:00:00.000Z' },
        { window: '1h', at: '2030-04-02T07:00:00.000Z' },
      ],
      stale: [],
    });
  });

  it('a change that does not bump the sequence sends nothing', () => {
    expect(decide(change('MODIFY', eventKeys, event(), event({ summary: 'new', updatedAt: T1 })))).toEqual(
      [],
    );
  });

  it('a draft being edited (sequence bumped) sends nothing', () => {
    const intents = decide(
      change('MODIFY', eventKeys, event({ status: 'draft' }), event({ status: 'draft', sequence: 1 })),
    );
    expect(intents).toEqual([]);
  });

  it('cancelling fans out event_cancelled at the new sequence and removes the reminders', () => {
    const intents = decide(change('MODIFY', eventKeys, event(), event({ status: 'cancelled', sequence: 1 })));
    expect(intents).toEqual([
      { type: 'fanout', job: { kind: 'event_cancelled', eventId: 'evt_1', sequence: 1 } },
      { type: 'reminders', eventId: 'evt_1', slots: [], stale: ['24h', '1h'] },
    ]);
  });

  it('publishing schedules the reminders: 24 h and 1 h for online, 24 h only in person', () => {
    const online = decide(change('MODIFY', eventKeys, event({ status: 'draft' }), event()));
    expect(online).toEqual([
      { type: 'reminders', eventId: 'evt_1', slots: reminderSlots(event()), stale: [] },
    ]);
    expect(reminderSlots(event()).map((slot) => slot.window)).toEqual(['24h', '1h']);
    expect(reminderSlots(event({ format: 'hybrid' })).map((slot) => slot.window)).toEqual(['24h', '1h']);
    expect(reminderSlots(event({ format: 'in_person' })).map((slot) => slot.window)).toEqual(['24h']);
  });

  it('an event created already published schedules its reminders; a draft does not', () => {
    expect(decide(change('INSERT', eventKeys, undefined, event()))).toEqual([
      { type: 'reminders', eventId: 'evt_1', slots: reminderSlots(event()), stale: [] },
    ]);
    expect(decide(change('INSERT', eventKeys, undefined, event({ status: 'draft' })))).toEqual([]);
  });

  it('a format change reschedules (the 1 h reminder depends on it)', () => {
    const intents = decide(
      change(
        'MODIFY',
        eventKeys,
        event(),
        event({ format: 'in_person', sequence: 1, venue: { name: 'A', address: '', city: '' } }),
      ),
    );
    expect(intents.find((intent) => intent.type === 'reminders')).toEqual({
      type: 'reminders',
      eventId: 'evt_1',
      slots: [{ window: '24h', at: '2030-03-31T08:00:00.000Z' }],
      // The 1-hour schedule the online event had goes.
      stale: ['1h'],
    });
  });
});

describe('other items', () => {
  it.each([
    ['the gate', { pk: 'EVENT#evt_1', sk: 'GATE' }],
    ['a seat shard', { pk: 'EVENT#evt_1', sk: 'GATE#3' }],
    ['a per-second waiting count (earlier versions)', { pk: 'EVENT#evt_1', sk: 'GATE#W1763900000#3' }],
    ['an erasure tombstone', { pk: 'EVENT#evt_1', sk: 'ERASED#reg_1' }],
    ['a mail ledger entry', { pk: 'EVENT#evt_1', sk: 'MAIL#reg_1#confirmed#x' }],
    ['an organiser', { pk: 'ORGS', sk: 'ORG#media-aces' }],
  ])('%s: nothing', (_name, keys) => {
    expect(decide(change('INSERT', keys, undefined, { status: 'confirmed', held: 1 }))).toEqual([]);
    expect(decide(change('MODIFY', keys, { status: 'published' }, { status: 'cancelled' }))).toEqual([]);
  });
});

describe('fan-out and reminder keys', () => {
  it('per recipient: by sequence for event messages, by window for reminders', () => {
    const reg = { id: 'reg_9', emailKey: 'k9' };
    expect(fanoutMessage({ kind: 'event_changed', eventId: 'evt_1', sequence: 3 }, reg).dedupeKey).toBe(
      'reg_9#event_changed#seq3',
    );
    expect(fanoutMessage({ kind: 'event_cancelled', eventId: 'evt_1', sequence: 4 }, reg).dedupeKey).toBe(
      'reg_9#event_cancelled#seq4',
    );
    expect(
      fanoutMessage({ kind: 'reminder', eventId: 'evt_1', sequence: 3, window: '1h' }, reg).dedupeKey,
    ).toBe('reg_9#reminder-1h');
  });
});

describe('what still fits when the message is finally sent', () => {
  const now = new Date('2030-03-15T00:00:00.000Z');

  it('a reminder only to the confirmed, only while due, not to someone seated after its time', () => {
    const e = event();
    const due = new Date('2030-03-31T08:01:00.000Z');
    expect(stillFits('reminder', registration(), e, due, '24h')).toBe(true);
    expect(stillFits('reminder', registration({ status: 'cancelled' }), e, due, '24h')).toBe(false);
    expect(stillFits('reminder', registration({ status: 'waitlisted' }), e, due, '24h')).toBe(false);
    expect(stillFits('reminder', registration(), e, now, '24h')).toBe(false);
    expect(
      stillFits('reminder', registration({ confirmedAt: '2030-03-31T08:00:30.000Z' }), e, due, '24h'),
    ).toBe(false);
    expect(stillFits('reminder', registration(), event({ status: 'cancelled' }), due, '24h')).toBe(false);
  });

  it('reminders are due from their time until the start, 1 h only for online or hybrid events', () => {
    const e = event();
    expect(reminderDue(e, '1h', new Date('2030-04-01T06:59:00.000Z'))).toBe(true); // a minute early is fine
    expect(reminderDue(e, '1h', new Date('2030-04-01T06:50:00.000Z'))).toBe(false);
    expect(reminderDue(e, '1h', new Date('2030-04-01T08:00:00.000Z'))).toBe(false); // started
    expect(reminderDue(event({ format: 'in_person' }), '1h', new Date('2030-04-01T07:30:00.000Z'))).toBe(
      false,
    );
  });

  it('confirmation messages need the status they announce and a published event', () => {
    expect(stillFits('confirmed', registration(), event(), now)).toBe(true);
    expect(stillFits('confirmed', registration({ status: 'cancelled' }), event(), now)).toBe(false);
    expect(stillFits('confirmed', registration(), event({ status: 'cancelled' }), now)).toBe(false);
    expect(
      stillFits('promoted_pending', registration({ status: 'pending_confirmation' }), event(), now),
    ).toBe(true);
    expect(stillFits('waitlisted', registration({ status: 'confirmed' }), event(), now)).toBe(false);
  });

  it('event_cancelled and event_changed reach everyone holding a place, and nobody who cancelled', () => {
    const cancelled = event({ status: 'cancelled' });
    for (const status of ['confirmed', 'pending_confirmation', 'waitlisted'] as const) {
      expect(stillFits('event_cancelled', registration({ status }), cancelled, now)).toBe(true);
      expect(stillFits('event_changed', registration({ status }), event(), now)).toBe(true);
    }
    expect(stillFits('event_cancelled', registration({ status: 'cancelled' }), cancelled, now)).toBe(false);
    expect(stillFits('event_changed', registration({ status: 'cancelled' }), event(), now)).toBe(false);
    // Only seat holders get the invitation that moves their calendar entry.
    expect(inviteMethodFor('event_changed', { status: 'waitlisted' })).toBeUndefined();
    expect(inviteMethodFor('event_changed', { status: 'confirmed' })).toBe('REQUEST');
    expect(stillFits('manage_link', registration({ status: 'cancelled' }), event(), now)).toBe(false);
  });
});
