import { describe, expect, it } from 'vitest';
import {
  applyUpdate,
  cancel,
  countsOf,
  type EventRecord,
  eventChanges,
  MAX_SHARDS,
  newEventRecord,
  newSeats,
  publicView,
  publish,
  type SeatQuotas,
  seatQuotasOf,
  shardCountFor,
  splitCapacity,
} from '../functions/events/model.js';
import { eventCreateInput } from '../functions/events/schemas.js';
import { SLUG_MAX, slugCandidate, slugOf } from '../functions/events/slug.js';
import { AppError } from '../functions/platform/errors.js';
import {
  emailKey,
  hashToken,
  newManageToken,
  normaliseEmail,
  sealToken,
  tokenMatches,
  unsealToken,
} from '../functions/platform/tokens.js';
import {
  canPromote,
  checkAnswers,
  decideRegistration,
  registrationView,
} from '../functions/registrations/model.js';
import { registrationInput } from '../functions/registrations/schemas.js';

const now = new Date('2026-12-01T09:00:00Z');

const makeEvent = (overrides: Record<string, unknown> = {}): EventRecord =>
  newEventRecord(
    eventCreateInput.parse({
      title: 'Un patron doit-il tweeter ?',
      format: 'hybrid',
      venue: { name: 'Salle', address: '1 rue X', city: 'Paris' },
      joinUrl: 'https://meet.example/abc',
      startsAt: '2026-12-10T08:30:00+01:00',
      endsAt: '2026-12-10T10:30:00+01:00',
      capacity: 2,
      ...overrides,
    }),
    { id: 'evt_1', organiserId: 'media-aces', organiserName: 'Media Aces' },
    now,
  );

/** Seat quotas on one shard (a small event), with the given fields and counters. */
const seats = (overrides: Partial<SeatQuotas> = {}): SeatQuotas => {
  const merged = { ...newSeats(publish(makeEvent(), now)), ...overrides };
  const { capacity, held, pending, waitlisted, cancelled, checkedIn } = merged;
  return { ...merged, shards: [{ shard: 0, capacity, held, pending, waitlisted, cancelled, checkedIn }] };
};

/** Seat quotas on several shards, each given as [capacity, held, waitlisted]. */
const shardedSeats = (shards: [number, number, number][]): SeatQuotas => {
  const base = newSeats(publish(makeEvent(), now));
  const made = seatQuotasOf(
    shards.map(([capacity, held, waitlisted], shard) => ({
      ...base,
      shard,
      capacity,
      held,
      waitlisted,
      pending: 0,
      cancelled: 0,
      checkedIn: 0,
    })),
  );
  if (!made) throw new Error('no gate');
  return made;
};

const codeOf = (action: () => unknown): string | undefined => {
  try {
    action();
  } catch (error) {
    return error instanceof AppError ? error.code : `unexpected ${String(error)}`;
  }
  return undefined;
};

describe('who gets a seat', () => {
  const at = now.toISOString();

  it('seats while seats are free and nobody waits', () => {
    expect(decideRegistration(seats({ held: 1 }), at)).toEqual({
      kind: 'seat',
      status: 'confirmed',
      shard: 0,
    });
  });

  it('holds the seat pending confirmation when the event asks for double opt-in', () => {
    expect(decideRegistration(seats({ requireConfirmation: true }), at)).toEqual({
      kind: 'seat',
      status: 'pending_confirmation',
      shard: 0,
    });
  });

  it('waitlists when full, and also when a seat is free but people wait ahead', () => {
    expect(decideRegistration(seats({ held: 2 }), at)).toEqual({ kind: 'waitlist', shard: 0 });
    expect(decideRegistration(seats({ held: 1, waitlisted: 3 }), at)).toEqual({ kind: 'waitlist', shard: 0 });
  });

  it('refuses a full event without a waitlist', () => {
    expect(codeOf(() => decideRegistration(seats({ held: 2, waitlistEnabled: false }), at))).toBe(
      'event_full',
    );
  });

  it('never fills an unlimited event', () => {
    expect(decideRegistration(seats({ capacity: undefined, held: 10_000 }), at).kind).toBe('seat');
  });

  it('enforces status and the registration window', () => {
    expect(codeOf(() => decideRegistration(undefined, at))).toBe('not_found');
    expect(codeOf(() => decideRegistration(seats({ status: 'draft' }), at))).toBe('not_found');
    expect(codeOf(() => decideRegistration(seats({ status: 'cancelled' }), at))).toBe('event_cancelled');
    expect(codeOf(() => decideRegistration(seats({ opensAt: '2026-12-02T00:00:00.000Z' }), at))).toBe(
      'registration_closed',
    );
    expect(codeOf(() => decideRegistration(seats({ closesAt: at }), at))).toBe('registration_closed');
  });
});

describe('seat shards', () => {
  const at = now.toISOString();

  it('keeps small events on one shard and spreads big ones, up to a bound', () => {
    expect(shardCountFor(1)).toBe(1);
    expect(shardCountFor(250)).toBe(1);
    expect(shardCountFor(251)).toBe(2);
    expect(shardCountFor(10_000)).toBe(MAX_SHARDS);
    expect(shardCountFor(1_000_000)).toBe(MAX_SHARDS);
  });

  it('splits capacity exactly, evenly, and never below what a shard holds', () => {
    expect(splitCapacity(10, [0, 0, 0])).toEqual([4, 3, 3]);
    expect(splitCapacity(10, [6, 0, 0])).toEqual([6, 2, 2]);
    expect(splitCapacity(7, [6, 1, 0])).toEqual([6, 1, 0]);
    expect(splitCapacity(6, [6, 1, 0])).toBeUndefined();
    for (let trial = 0; trial < 200; trial++) {
      const held = Array.from({ length: 1 + (trial % 9) }, (_, i) => (trial * 7 + i * 13) % 40);
      const total = held.reduce((a, b) => a + b, 0) + ((trial * 31) % 100);
      const shares = splitCapacity(total, held) ?? [];
      expect(shares.reduce((a, b) => a + b, 0)).toBe(total);
      for (const [i, share] of shares.entries()) expect(share).toBeGreaterThanOrEqual(held[i] ?? 0);
      // Free seats go to the emptiest shards first: those given any end within one of each other.
      const given = shares.filter((share, i) => share > (held[i] ?? 0));
      if (given.length) expect(Math.max(...given) - Math.min(...given)).toBeLessThanOrEqual(1);
    }
  });

  it('sums the shards into the event’s counts and capacity', () => {
    const seats = shardedSeats([
      [3, 3, 0],
      [3, 1, 0],
      [2, 2, 4],
    ]);
    expect(seats).toMatchObject({ capacity: 8, held: 6, waitlisted: 4 });
  });

  it('seats from a shard with room only, and waitlists on a full shard or one with people waiting', () => {
    const full = shardedSeats([
      [3, 3, 0],
      [3, 1, 0],
      [3, 3, 0],
    ]);
    for (const r of [0, 0.4, 0.99])
      expect(decideRegistration(full, at, () => r)).toMatchObject({ kind: 'seat', shard: 1 });
    const allFull = shardedSeats([
      [3, 3, 0],
      [3, 3, 0],
    ]);
    expect(decideRegistration(allFull, at, () => 0.9)).toEqual({ kind: 'waitlist', shard: 1 });
  });

  it('queues newcomers behind anyone waiting, even when a shard has room (first come, first served)', () => {
    const waiting = shardedSeats([
      [3, 2, 0],
      [3, 3, 2],
    ]);
    expect(decideRegistration(waiting, at, () => 0)).toEqual({ kind: 'waitlist', shard: 1 });
    expect(canPromote(waiting)).toBe(true);
    expect(
      canPromote(
        shardedSeats([
          [3, 3, 0],
          [3, 3, 2],
        ]),
      ),
    ).toBe(false);
  });
});

describe('events', () => {
  it('stores instants in UTC and closes registration at the start by default', () => {
    const event = makeEvent();
    expect(event.startsAt).toBe('2026-12-10T07:30:00.000Z');
    expect(newSeats(event).closesAt).toBe(event.startsAt);
    expect(event.status).toBe('draft');
  });

  it('rejects an end before the start, naming the field', () => {
    const error = (() => {
      try {
        makeEvent({ endsAt: '2026-12-10T07:00:00+01:00' });
      } catch (e) {
        return e as AppError;
      }
    })();
    expect(error?.fields).toEqual({ endsAt: 'Must be after startsAt' });
  });

  it('bumps the calendar sequence on time, place and a link added or dropped only', () => {
    const event = publish(makeEvent(), now);
    expect(applyUpdate(event, { capacity: 50 }, now).sequence).toBe(0);
    expect(applyUpdate(event, { description: 'Nouveau texte' }, now).sequence).toBe(0);
    expect(applyUpdate(event, { startsAt: '2026-12-10T09:00:00+01:00' }, now).sequence).toBe(1);
    // Registrants' personal links lead to whatever the join URL is now: editing it is no change,
    // adding or dropping it is.
    expect(applyUpdate(event, { joinUrl: 'https://meet.example/new' }, now).sequence).toBe(0);
    expect(applyUpdate(event, { format: 'hybrid', joinUrl: null }, now).sequence).toBe(1);
    expect(applyUpdate(event, { venue: { name: 'Autre', address: '', city: 'Lyon' } }, now).sequence).toBe(1);
    expect(cancel(event, now)).toMatchObject({ status: 'cancelled', sequence: 1 });
  });

  it('compares by value: the same fields in another key order, offset or spacing bump nothing', () => {
    const event = publish(makeEvent(), now);
    // The table gives the venue back in its own key order; the editor sends the whole form.
    const stored = { ...event, venue: { name: 'Salle', city: 'Paris', address: '1 rue X' } };
    const { id: _id, status: _status, sequence: _sequence, ...form } = event;
    const again = {
      ...form,
      venue: { name: 'Salle', address: '1 rue X', city: 'Paris' },
      startsAt: '2026-12-10T08:30:00+01:00',
      endsAt: '2026-12-10T09:30:00.000Z',
    };
    expect(applyUpdate(stored, again, now).sequence).toBe(0);
    expect(
      applyUpdate(stored, { venue: { city: 'Paris', address: '1 rue X', name: 'Salle' } }, now).sequence,
    ).toBe(0);
    expect(eventChanges(stored, applyUpdate(stored, { startsAt: '2026-12-10T09:00:00+01:00' }, now))).toEqual(
      ['time'],
    );
    // Capacity, waitlist and the registration window are not in any calendar.
    const seats = applyUpdate(
      stored,
      { capacity: 40, waitlistEnabled: false, registrationClosesAt: '2026-12-09T18:00:00Z' },
      now,
    );
    expect(seats.sequence).toBe(0);
  });

  it('refuses to change a cancelled event or publish one', () => {
    const cancelled = cancel(publish(makeEvent(), now), now);
    expect(codeOf(() => applyUpdate(cancelled, { title: 'x' }, now))).toBe('invalid_state');
    expect(codeOf(() => publish(cancelled, now))).toBe('invalid_state');
  });

  it('needs a venue to publish an in-person event', () => {
    expect(codeOf(() => publish(makeEvent({ format: 'in_person', venue: null }), now))).toBe(
      'validation_failed',
    );
    expect(publish(makeEvent({ format: 'online', venue: null }), now).status).toBe('published');
  });

  it('never shows the join URL or head counts publicly', () => {
    const event = publish(makeEvent(), now);
    const view = publicView(event, seats({ held: 1, waitlisted: 4, checkedIn: 1 }), 'http://x', now);
    expect(JSON.stringify(view)).not.toContain('meet.example');
    expect(view).not.toHaveProperty('counts');
    expect(view.seatsLeft).toBe(1);
  });

  it('counts confirmed as seats held minus those pending confirmation', () => {
    expect(countsOf(seats({ held: 5, pending: 2, waitlisted: 1 }))).toMatchObject({
      confirmed: 3,
      pendingConfirmation: 2,
      waitlisted: 1,
    });
  });
});

describe('programme (agenda) items', () => {
  // A two-day event: 10 December 09:00 to 11 December 17:00, Paris.
  const twoDays = (agenda: { startsAt: string; endsAt?: string; title: string }[]) =>
    makeEvent({ startsAt: '2026-12-10T09:00:00+01:00', endsAt: '2026-12-11T17:00:00+01:00', agenda });
  const fieldsOf = (action: () => unknown) => {
    try {
      action();
    } catch (error) {
      return error instanceof AppError ? error.fields : { unexpected: String(error) };
    }
    return undefined;
  };
  const titles = (event: EventRecord) => event.agenda.map((item) => item.title);

  it('refuses an item outside the event, naming its row and saying what to do', () => {
    const inside = {
      startsAt: '2026-12-11T09:00:00+01:00',
      endsAt: '2026-12-11T10:00:00+01:00',
      title: 'Jour 2',
    };
    expect(fieldsOf(() => twoDays([inside]))).toBeUndefined();
    const early = fieldsOf(() => twoDays([inside, { startsAt: '2026-12-10T08:00:00+01:00', title: 'Tôt' }]));
    expect(Object.keys(early ?? {})).toEqual(['agenda.1.startsAt']);
    expect(early?.['agenda.1.startsAt']).toMatch(/^Must be within the event .*change the item's day or time/);
    // Starting at the event's end is outside too; ending after it is refused on the end.
    expect(
      Object.keys(fieldsOf(() => twoDays([{ startsAt: '2026-12-11T17:00:00+01:00', title: 'x' }])) ?? {}),
    ).toEqual(['agenda.0.startsAt']);
    expect(
      fieldsOf(() =>
        twoDays([{ startsAt: '2026-12-11T16:00:00+01:00', endsAt: '2026-12-11T18:00:00+01:00', title: 'x' }]),
      ),
    ).toEqual({ 'agenda.0.endsAt': expect.stringMatching(/^Must be within the event/) });
    expect(
      fieldsOf(() =>
        twoDays([{ startsAt: '2026-12-11T16:00:00+01:00', endsAt: '2026-12-11T15:00:00+01:00', title: 'x' }]),
      ),
    ).toEqual({ 'agenda.0.endsAt': 'Must be after startsAt' });
    // An update that shortens the event under its programme is refused the same way.
    const event = twoDays([inside]);
    expect(fieldsOf(() => applyUpdate(event, { endsAt: '2026-12-10T17:00:00+01:00' }, now))).toEqual({
      'agenda.0.startsAt': expect.stringMatching(/^Must be within the event/),
    });
  });

  it('stores items in start order, keeping the given order for items starting together', () => {
    const event = twoDays([
      { startsAt: '2026-12-11T09:00:00+01:00', title: 'Jour 2' },
      { startsAt: '2026-12-10T14:00:00+01:00', title: 'Après-midi A' },
      { startsAt: '2026-12-10T09:00:00+01:00', title: 'Ouverture' },
      { startsAt: '2026-12-10T13:00:00Z', title: 'Après-midi B' },
    ]);
    expect(titles(event)).toEqual(['Ouverture', 'Après-midi A', 'Après-midi B', 'Jour 2']);
    expect(event.agenda[0]?.startsAt).toBe('2026-12-10T08:00:00.000Z');
    const updated = applyUpdate(
      event,
      { agenda: [...event.agenda].reverse().map((item) => ({ ...item, speakers: [] })) },
      now,
    );
    expect(titles(updated)).toEqual(['Ouverture', 'Après-midi B', 'Après-midi A', 'Jour 2']);
  });

  it('moves the programme with the event when the start moves and no programme is sent', () => {
    const event = publish(
      twoDays([
        { startsAt: '2026-12-10T09:00:00+01:00', endsAt: '2026-12-10T10:00:00+01:00', title: 'Ouverture' },
        { startsAt: '2026-12-11T16:00:00+01:00', title: 'Clôture' },
      ]),
      now,
    );
    const moved = applyUpdate(
      event,
      { startsAt: '2026-12-17T09:00:00+01:00', endsAt: '2026-12-18T17:00:00+01:00' },
      now,
    );
    expect(moved.agenda.map((item) => [item.startsAt, item.endsAt])).toEqual([
      ['2026-12-17T08:00:00.000Z', '2026-12-17T09:00:00.000Z'],
      ['2026-12-18T15:00:00.000Z', undefined],
    ]);
    // Only the time changed for registrants, and the programme alone is no calendar change.
    expect(eventChanges(event, moved)).toEqual(['time']);
    expect(moved.sequence).toBe(1);
    const renamed = applyUpdate(
      event,
      { agenda: [{ startsAt: '2026-12-10T09:00:00+01:00', title: 'Accueil', speakers: [] }] },
      now,
    );
    expect([renamed.sequence, titles(renamed)]).toEqual([0, ['Accueil']]);
  });

  it('takes a programme sent with the new start as given: not moved again', () => {
    const event = twoDays([{ startsAt: '2026-12-11T09:00:00+01:00', title: 'Jour 2' }]);
    const kept = applyUpdate(
      event,
      {
        startsAt: '2026-12-10T08:00:00+01:00',
        agenda: [{ startsAt: '2026-12-11T09:00:00+01:00', title: 'Jour 2', speakers: [] }],
      },
      now,
    );
    expect(kept.agenda[0]?.startsAt).toBe('2026-12-11T08:00:00.000Z');
    // Without the programme, the same change moves it an hour earlier.
    expect(applyUpdate(event, { startsAt: '2026-12-10T08:00:00+01:00' }, now).agenda[0]?.startsAt).toBe(
      '2026-12-11T07:00:00.000Z',
    );
  });
});

describe('readable event ids', () => {
  it('folds a title into lower-case ASCII words joined by hyphens', () => {
    expect(slugOf('Un patron doit-il tweeter ?')).toBe('un-patron-doit-il-tweeter');
    expect(slugOf('  Éléphants — à Noël !  ')).toBe('elephants-a-noel');
    expect(slugOf('Søren, Łukasz, Straße, Æsop, œuvre, Ðorđe')).toBe(
      'soren-lukasz-strasse-aesop-oeuvre-dorde',
    );
    expect(slugOf('ﬁnale 2026 / İstanbul')).toBe('finale-2026-istanbul');
    expect(slugOf('日本語 🎉 ---')).toBe('');
  });

  it('stays within SLUG_MAX, cut between words where it can', () => {
    expect(slugOf('conference '.repeat(10))).toBe('conference-conference-conference-conference-conference');
    const long = slugOf('a'.repeat(100));
    expect(long).toHaveLength(SLUG_MAX);
    expect(slugCandidate(long, 999)).toMatch(/^[a-z0-9][a-z0-9-]{1,63}$/);
    expect([1, 2, 3].map((n) => slugCandidate('atelier', n))).toEqual(['atelier', 'atelier-2', 'atelier-3']);
  });
});

describe('registration input', () => {
  const valid = { name: 'Ada', email: ' Ada@Example.COM ', consent: true };

  it('accepts a minimal form and trims the email', () => {
    expect(registrationInput.parse(valid).email).toBe('Ada@Example.COM');
  });

  it('refuses missing consent, bad emails and control characters, naming the field', () => {
    const fieldsOf = (value: unknown) =>
      registrationInput.safeParse(value).error?.issues.map((i) => i.path.join('.'));
    expect(fieldsOf({ ...valid, consent: false })).toEqual(['consent']);
    expect(fieldsOf({ ...valid, email: 'not-an-email' })).toEqual(['email']);
    expect(fieldsOf({ ...valid, name: 'Ada\r\nBcc: victim@example.com' })).toEqual(['name']);
  });

  it('checks answers against the questions and drops unknown ones', () => {
    const questions = [
      { id: 'size', label: 'Taille', type: 'select' as const, required: true, options: ['S', 'M'] },
      { id: 'veg', label: 'Végétarien', type: 'checkbox' as const, required: false },
    ];
    expect(checkAnswers(questions, { size: 'M', veg: true, other: 'x' })).toEqual({ size: 'M', veg: true });
    expect(codeOf(() => checkAnswers(questions, {}))).toBe('validation_failed');
    expect(codeOf(() => checkAnswers(questions, { size: 'XL' }))).toBe('validation_failed');
  });

  it('reads only the answers given: a question called toString is required, not answered by a method', () => {
    const questions = [{ id: 'toString', label: 'Q', type: 'text' as const, required: true }];
    const missing = (() => {
      try {
        checkAnswers(questions, {});
      } catch (error) {
        return (error as { fields?: Record<string, string> }).fields;
      }
    })();
    expect(missing).toEqual({ 'answers.toString': 'Required' });
    expect(checkAnswers(questions, JSON.parse('{"toString":"oui"}'))).toEqual({ toString: 'oui' });
  });

  it('refuses a question named after what every object has (constructor, toString...)', () => {
    const withQuestion = (id: string) =>
      eventCreateInput.safeParse({
        title: 'T',
        format: 'online',
        startsAt: '2030-01-01T10:00:00.000Z',
        endsAt: '2030-01-01T11:00:00.000Z',
        questions: [{ id, label: 'Q', type: 'text' }],
      });
    for (const id of ['constructor', 'toString', 'hasOwnProperty']) {
      expect(
        withQuestion(id).error?.issues.map((issue) => issue.message),
        id,
      ).toEqual(['This name is reserved']);
    }
    expect(withQuestion('diet').success).toBe(true);
  });
});

describe('manage tokens and emails', () => {
  it('normalises emails and keys them without the address', () => {
    expect(normaliseEmail('  Ada@Example.COM ')).toBe('ada@example.com');
    expect(emailKey('Ada@Example.com')).toBe(emailKey(' ada@example.com'));
    expect(emailKey('ada@example.com')).not.toContain('ada');
  });

  it('issues 256-bit tokens, matches them only by hash, and seals them reversibly', () => {
    const token = newManageToken();
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(tokenMatches(token, [hashToken('other'), hashToken(token)])).toBe(true);
    expect(tokenMatches(`${token}x`, [hashToken(token)])).toBe(false);
    const key = Buffer.alloc(32, 7);
    expect(unsealToken(sealToken(token, key), key)).toBe(token);
    expect(() => unsealToken(sealToken(token, key), Buffer.alloc(32, 8))).toThrow();
  });

  it('shows the join URL only to a confirmed registrant on the manage view', () => {
    const event = publish(makeEvent(), now);
    const base = {
      id: 'reg_1',
      eventId: event.id,
      emailKey: 'k',
      name: 'Ada',
      email: 'ada@example.com',
      answers: {},
      locale: 'fr' as const,
      shard: 0,
      tokenHashes: [],
      tokenSealed: '',
      consentAt: '',
      createdAt: '',
      updatedAt: '',
    };
    // The personal link, never the event's join URL itself (GET /j/{code} redirects to that).
    const options = { baseUrl: 'http://x', token: 't', joinLink: 'http://x/j/C0DE', now: new Date() };
    expect(registrationView({ ...base, status: 'confirmed' }, event, options).joinUrl).toBe(
      'http://x/j/C0DE',
    );
    expect(registrationView({ ...base, status: 'waitlisted' }, event, options)).not.toHaveProperty('joinUrl');
    expect(
      registrationView({ ...base, status: 'confirmed' }, event, { ...options, joinLink: undefined }),
    ).not.toHaveProperty('joinUrl');
    // A cancelled event gives nobody its link any more, on the page as in the emails.
    expect(
      registrationView({ ...base, status: 'confirmed' }, { ...event, status: 'cancelled' }, options),
    ).not.toHaveProperty('joinUrl');
  });
});
