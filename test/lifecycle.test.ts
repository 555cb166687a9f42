import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EventPhase, type Offers, offersFor } from '../functions/registrations/lifecycle.js';
import type { RegistrationStatus } from '../functions/registrations/schemas.js';
import { BASE_URL, startTestApp, type TestApp } from './support/app.js';
import { parseCalendar } from './support/notify.js';

/**
 * The lifecycle table of docs/lifecycle.md, walked: every registration state against every
 * state of the event, on an online event. For each cell, what the one deciding function says
 * (offersFor), and what a registrant actually gets through the API: the view's offers, its
 * calendar links and join URL, and the personal invitation file.
 */

const JOIN_URL = 'https://meet.example/secret-room';

type Cell = Omit<Offers, 'seat'>;
const none: Cell = {
  joinUrl: null,
  calendar: false,
  invite: null,
  confirm: false,
  cancel: false,
  registerAgain: false,
};
const CANCEL: Cell = { ...none, invite: 'CANCEL' };

/** docs/lifecycle.md, as data. */
const TABLE: Record<RegistrationStatus, Record<EventPhase, Cell>> = {
  confirmed: {
    upcoming: { ...none, joinUrl: JOIN_URL, calendar: true, invite: 'REQUEST', cancel: true },
    past: { ...none, invite: 'REQUEST' },
    cancelled: CANCEL,
  },
  pending_confirmation: {
    upcoming: { ...none, confirm: true, cancel: true },
    past: none,
    cancelled: CANCEL,
  },
  waitlisted: {
    upcoming: { ...none, cancel: true },
    past: none,
    cancelled: CANCEL,
  },
  cancelled: { upcoming: { ...CANCEL, registerAgain: true }, past: CANCEL, cancelled: CANCEL },
};

const STATUSES = Object.keys(TABLE) as RegistrationStatus[];
const PHASES: EventPhase[] = ['upcoming', 'past', 'cancelled'];
const cells = STATUSES.flatMap((status) => PHASES.map((phase) => [status, phase] as const));

let app: TestApp;
const realClock = () => new Date();

beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => {
  app.services.clock = realClock;
});

/** An online event (a week ahead, an hour long) and one registration of `status` in it. */
const registrationIn = async (status: RegistrationStatus) => {
  const eventId = await app.publishedEvent({
    capacity: 1,
    joinUrl: JOIN_URL,
    requireConfirmation: status === 'pending_confirmation',
  });
  const register = async (tag: string) => {
    const response = await app.call('POST', `/api/events/${eventId}/registrations`, {
      body: { name: tag, email: `${tag}-${eventId}@example.com`, consent: true },
    });
    expect(response.status).toBe(201);
    return response.body.registration.id as string;
  };
  const first = await register('first');
  const id = status === 'waitlisted' ? await register('second') : first;
  const token = await app.emailedToken(id);
  if (status === 'cancelled') {
    expect((await app.call('POST', `/api/registrations/${id}/cancel?token=${token}`)).status).toBe(200);
  }
  return { eventId, id, token };
};

describe('the lifecycle table', () => {
  it.each(cells)('offersFor: a %s registration, the event %s', (status, phase) => {
    const startsAt = '2026-12-01T08:00:00Z';
    const event = {
      status: phase === 'cancelled' ? ('cancelled' as const) : ('published' as const),
      endsAt: '2026-12-01T09:00:00Z',
      format: 'online' as const,
      joinUrl: JOIN_URL,
    };
    const now = new Date(phase === 'past' ? '2026-12-02T00:00:00Z' : startsAt);
    const { seat: _, ...offers } = offersFor({ status }, event, now);
    expect(offers).toEqual(TABLE[status][phase]);
  });

  it.each(cells)('through the API: a %s registration, the event %s', async (status, phase) => {
    const { eventId, id, token } = await registrationIn(status);
    expect((await app.services.registrations.getById(id))?.status).toBe(status);
    if (phase === 'cancelled') {
      const cancel = await app.call('POST', `/api/admin/events/${eventId}/cancel`, {
        organiser: 'media-aces',
      });
      expect(cancel.status).toBe(200);
    }
    // Past: a clock the day after the event.
    app.services.clock = phase === 'past' ? () => new Date(Date.now() + 9 * 86_400_000) : realClock;
    try {
      const cell = TABLE[status][phase];
      const view = await app.call('GET', `/api/registrations/${id}?token=${token}`);
      expect(view.status).toBe(200);
      expect(view.body.event.phase).toBe(phase);
      expect(view.body.offers).toEqual({
        confirm: cell.confirm,
        cancel: cell.cancel,
        calendar: cell.calendar,
        registerAgain: cell.registerAgain,
      });
      // The personal join link (GET /j/{code}) where the join URL is due, never the URL itself.
      const joinLink = `${BASE_URL}/j/${app.services.attendanceCodes.for(id)}`;
      expect(view.body.joinUrl ?? null).toBe(cell.joinUrl && joinLink);
      expect(JSON.stringify(view.body)).not.toContain('secret-room');
      expect(Boolean(view.body.calendarLinks)).toBe(cell.calendar);

      const invite = await app.call('GET', `/api/registrations/${id}/invite.ics?token=${token}`);
      if (cell.invite === null) {
        expect([invite.status, invite.body.error.code]).toEqual([409, 'no_seat']);
      } else {
        expect(invite.status).toBe(200);
        const file = String(invite.body);
        expect(parseCalendar(file).method).toBe(cell.invite);
        // No secret in a calendar entry: the registration's page, never its token.
        expect(file).not.toContain(token);
        expect(file.replace(/\r\n[ \t]/g, '')).toContain(`/manage#registration=${id}`);
        // A CANCEL never carries the join link; the entry a seat holder keeps does, as it was sent.
        const unfolded = file.replace(/\r\n[ \t]/g, '');
        expect(file).not.toContain('secret-room');
        if (cell.invite === 'CANCEL') expect(unfolded).not.toContain('/j/');
        else expect(unfolded).toContain(`${BASE_URL}/j/${app.services.attendanceCodes.for(id)}`);
      }
    } finally {
      app.services.clock = realClock;
    }
  });
});

describe('a calendar entry leads to the registration safely', () => {
  it('asks for the manage link by email, without a token, at most once per ten minutes', async () => {
    const { id } = await registrationIn('confirmed');
    const before = (await app.services.registrations.getById(id))?.tokenHashes.length ?? 0;
    const asked = await app.call('POST', `/api/registrations/${id}/manage-link`);
    expect([asked.status, asked.body.status]).toEqual([200, 'sent']);
    const after = await app.services.registrations.getById(id);
    expect(after?.tokenHashes.length).toBe(before + 1);
    expect(after?.linkRequestedAt).toBeDefined();
    // Again at once: the same answer, no new link (and so no second email).
    expect((await app.call('POST', `/api/registrations/${id}/manage-link`)).status).toBe(200);
    expect((await app.services.registrations.getById(id))?.tokenHashes.length).toBe(before + 1);
    // The answer never carries the link.
    expect(JSON.stringify(asked.body)).not.toContain('token');
  });

  it('refuses a cancelled registration (409) and an unknown one (404)', async () => {
    const { id } = await registrationIn('cancelled');
    const cancelled = await app.call('POST', `/api/registrations/${id}/manage-link`);
    expect([cancelled.status, cancelled.body.error.code]).toEqual([409, 'invalid_state']);
    const unknown = await app.call('POST', '/api/registrations/reg_unknown/manage-link');
    expect(unknown.status).toBe(404);
  });
});
