/**
 * The door scanner's endpoint on DynamoDB Local: a seat holder's code checks them in once; a
 * second scan, a waitlisted registrant, a forged code and another organiser's event each get
 * their own answer, and none of the refusals says more than it should.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.js';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});

const inAWeek = (hours: number) => new Date(Date.now() + 7 * 86_400_000 + hours * 3_600_000).toISOString();

const admin = (method: string, path: string, body?: unknown, organiser = 'media-aces') =>
  app.call(method, `/api/admin/events${path}`, { organiser, body });

const publishedEvent = async (organiser = 'media-aces') => {
  const created = await admin(
    'POST',
    '',
    {
      title: 'Door',
      format: 'in_person',
      venue: { name: 'La Cantine', address: '151 rue Montmartre', city: 'Paris' },
      startsAt: inAWeek(0),
      endsAt: inAWeek(2),
      capacity: 1,
    },
    organiser,
  );
  await admin('POST', `/${created.body.id}/publish`, undefined, organiser);
  return created.body.id as string;
};

const register = async (eventId: string, name: string) => {
  const response = await app.call('POST', `/api/events/${eventId}/registrations`, {
    body: { name, email: `${name.toLowerCase()}@example.com`, consent: true },
  });
  return response.body.registration as { id: string; status: string };
};

const codeOf = (registrationId: string) => app.services.attendanceCodes.for(registrationId) ?? '';

const scan = (eventId: string, code: string, organiser?: string) =>
  admin('POST', `/${eventId}/check-in-by-code`, { code }, organiser);

describe('POST /api/admin/events/{id}/check-in-by-code', () => {
  it('checks a seat holder in once; the second scan says who and when', async () => {
    const id = await publishedEvent();
    const ada = await register(id, 'Ada');
    expect(ada.status).toBe('confirmed');

    const first = await scan(id, codeOf(ada.id));
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ id: ada.id, name: 'Ada', status: 'confirmed' });
    expect(first.body.checkedInAt).toBeTruthy();
    expect((await admin('GET', `/${id}`)).body.counts.checkedIn).toBe(1);

    // Read back as a phone camera may give it: lower case, with a stray newline.
    const again = await scan(id, `${codeOf(ada.id).toLowerCase()}\n`);
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({
      code: 'already_checked_in',
      fields: { name: 'Ada', checkedInAt: first.body.checkedInAt },
    });
    expect((await admin('GET', `/${id}`)).body.counts.checkedIn).toBe(1);
  });

  it('refuses a code without a seat behind it, saying which status', async () => {
    const id = await publishedEvent();
    await register(id, 'Seated');
    const waiting = await register(id, 'Waiting');
    expect(waiting.status).toBe('waitlisted');

    const response = await scan(id, codeOf(waiting.id));
    expect(response.status).toBe(409);
    expect(response.body.error).toMatchObject({ code: 'no_seat', fields: { status: 'waitlisted' } });
    expect((await admin('GET', `/${id}`)).body.counts.checkedIn).toBe(0);
  });

  it('answers the same 404 for a forged code, another event and another organiser', async () => {
    const id = await publishedEvent();
    const other = await publishedEvent();
    const theirs = await publishedEvent('someone-else');
    const ada = await register(id, 'Ada');
    const code = codeOf(ada.id);

    const forged = `${code.slice(0, -1)}${code.endsWith('0') ? '1' : '0'}`;
    const refusals = [
      await scan(id, forged),
      await scan(id, 'not a code'),
      await scan(other, code),
      // The other organiser's own event, with a valid code of ours; and ours, from their side.
      await scan(theirs, code, 'someone-else'),
      await scan(id, code, 'someone-else'),
    ];
    for (const response of refusals) {
      expect(response.status).toBe(404);
      expect(JSON.stringify(response.body)).not.toContain('Ada');
    }
    expect((await admin('GET', `/${id}`)).body.counts.checkedIn).toBe(0);
    expect((await scan(id, code)).status).toBe(200);
  });
});
