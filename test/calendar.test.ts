import type ICAL from 'ical.js';
import { DateTime } from 'luxon';
import { convertIcsCalendar } from 'ts-ics';
import { beforeAll, describe, expect, it } from 'vitest';
import { newEventRecord, publish } from '../functions/events/model.js';
import { eventCreateInput } from '../functions/events/schemas.js';
import { matchRoute } from '../local/apigw.js';
import { BASE_URL, manageLink, startTestApp, type TestApp } from './support/app.js';
import {
  expectWellFormed,
  instantOf,
  only,
  type ParsedFile,
  parseIcs,
  readings,
  sequenceOf,
  text,
} from './support/ical.js';

let app: TestApp;

const ORGANISER = { id: 'media-aces', name: 'Media Aces', replyTo: 'contact@media-aces.example' };
const JOIN_URL = 'https://meet.example/secret-room';

beforeAll(async () => {
  app = await startTestApp();
  await app.services.events.putOrganiser(ORGANISER);
});

const days = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString();

/** iCalendar times have whole seconds; the test helpers store milliseconds. */
const toSecond = (instant: string | undefined) => `${instant?.slice(0, 19)}.000Z`;

/** A Paris wall-clock time about two months ahead, as the ISO string an organiser would send. */
const parisTime = (time: string) => {
  const [hour, minute] = time.split(':').map(Number);
  return DateTime.now()
    .setZone('Europe/Paris')
    .plus({ days: 60 })
    .set({ hour, minute, second: 0, millisecond: 0 });
};

const register = async (eventId: string, name: string) => {
  const response = await app.call('POST', `/api/events/${eventId}/registrations`, {
    body: { name, email: `${name.toLowerCase().replace(/\W/g, '')}@example.com`, consent: true },
  });
  expect(response.status).toBe(201);
  const id: string = response.body.registration.id;
  // A registration pending confirmation is answered without a token: take the emailed one.
  const token = response.body.manageUrl
    ? manageLink(response.body.manageUrl).token
    : await app.emailedToken(id);
  return {
    id,
    token,
    manageUrl: response.body.manageUrl as string,
    body: response.body,
  };
};

const download = async (url: string, headers: Record<string, string> = {}) => {
  const response = await app.call('GET', url, { headers });
  return { ...response, file: response.status === 200 ? parseIcs(response.body) : undefined };
};

const invite = (registration: { id: string; token: string }) =>
  download(`/api/registrations/${registration.id}/invite.ics?token=${registration.token}`);

/** The registrant's personal join link, what invitations carry instead of the join URL. */
const joinLinkOf = (registrationId: string) =>
  `${BASE_URL}/j/${app.services.attendanceCodes.for(registrationId)}`;

const fileOf = (response: { status: number; file?: ParsedFile }): ParsedFile => {
  expect(response.status).toBe(200);
  expect(response.file).toBeDefined();
  return response.file as ParsedFile;
};

const attendeesOf = (file: ParsedFile) => only(file).getAllProperties('attendee');

const admin = (method: string, path: string, body?: unknown, organiser = 'media-aces') =>
  app.call(method, `/api/admin/events${path}`, { organiser, body });

describe('routes', () => {
  it('reaches the calendar handlers on the contract URLs, with whole-segment parameters', () => {
    const invite = matchRoute('GET', '/api/registrations/reg-1/invite.ics');
    expect(invite).toMatchObject({
      route: { entry: 'functions/api/manage/invite.ts' },
      pathParameters: { registrationId: 'reg-1' },
    });
    // The dot is a literal: `inviteXics` is nobody's route.
    expect(matchRoute('GET', '/api/registrations/reg-1/inviteXics')).toBeUndefined();
    expect(matchRoute('GET', '/calendar/events/evt-1.ics')).toMatchObject({
      route: { entry: 'functions/api/calendar/eventFile.ts' },
      pathParameters: { file: 'evt-1.ics' },
    });
    expect(matchRoute('GET', '/calendar/organisers/media-aces.ics')).toMatchObject({
      route: { entry: 'functions/api/calendar/organiserFeed.ts' },
      pathParameters: { file: 'media-aces.ics' },
    });
  });

  it('answers 404 for a calendar file name that is not <id>.ics', async () => {
    const eventId = await app.publishedEvent();
    for (const url of [
      `/calendar/events/${eventId}`,
      `/calendar/events/${eventId}.ics.txt`,
      '/calendar/events/.ics',
      '/calendar/organisers/media-aces',
    ]) {
      expect((await app.call('GET', url)).status, url).toBe(404);
    }
  });
});

describe('personal invitation (invite.ics)', () => {
  it('is a REQUEST from the organiser to exactly one attendee, the registrant, personal join link included once confirmed', async () => {
    const eventId = await app.publishedEvent({ format: 'online', joinUrl: JOIN_URL });
    const ada = await register(eventId, 'Ada Lovelace');

    const response = await invite(ada);
    expect(response.headers['content-type']).toBe('text/calendar; charset=utf-8; method=REQUEST');
    expect(response.headers['cache-control']).toBe('private, no-store');
    expect(response.headers['content-disposition']).toBe(`attachment; filename="${eventId}.ics"`);
    // Weak: two downloads of the same state differ in DTSTAMP alone.
    expect(response.headers.etag).toMatch(/^W\/"[\w-]+"$/);
    const file = fileOf(response);
    expectWellFormed(file);
    expect(file.method).toBe('REQUEST');

    const vevent = only(file);
    const organizer = vevent.getFirstProperty('organizer');
    // The organiser's name, this registration's reply address: answers come back to us, not to them.
    expect(organizer?.getFirstValue()).toBe(`mailto:${app.services.replies.for(ada.id)}`);
    expect(organizer?.getFirstValue()).toMatch(/^mailto:rsvp\+[0-9a-f]+\.[0-9a-f]{16}@localhost$/);
    expect(organizer?.getParameter('cn')).toBe('Media Aces');
    const attendees = attendeesOf(file);
    expect(attendees).toHaveLength(1);
    expect(String(attendees[0]?.getFirstValue()).toLowerCase()).toBe('mailto:adalovelace@example.com');
    // No name until the mailbox is proven (a double opt-in confirmation): see notify.test.ts.
    expect(attendees[0]?.getParameter('cn')).toBeUndefined();
    expect(attendees[0]?.getParameter('partstat')).toBe('NEEDS-ACTION');
    expect(attendees[0]?.getParameter('rsvp')).toBe('TRUE');
    expect(text(vevent, 'status')).toBe('CONFIRMED');

    const description = text(vevent, 'description');
    // The registration's page, never its secret: calendars are shared.
    expect(description).toContain(`${BASE_URL}/manage#registration=${ada.id}`);
    expect(description).not.toContain(ada.token);
    // The personal join link (GET /j/{code}) in LOCATION, URL and DESCRIPTION; never the join URL.
    expect(description).toContain(joinLinkOf(ada.id));
    expect(text(vevent, 'location')).toBe(joinLinkOf(ada.id));
    expect(text(vevent, 'url')).toBe(joinLinkOf(ada.id));
    const tsIcs = convertIcsCalendar(undefined, response.body).events?.[0];
    expect([tsIcs?.location, tsIcs?.url, tsIcs?.description?.includes(joinLinkOf(ada.id))]).toEqual([
      joinLinkOf(ada.id),
      joinLinkOf(ada.id),
      true,
    ]);
    expect(response.body).not.toContain('secret-room');

    const stored = (await app.services.events.get(eventId))?.event;
    expect(instantOf(file, vevent, 'dtstart')).toBe(toSecond(stored?.startsAt));
    expect(instantOf(file, vevent, 'dtend')).toBe(toSecond(stored?.endsAt));
    expect(sequenceOf(vevent)).toBe(stored?.sequence);
  });

  it('gives a waitlisted or unconfirmed registrant nothing to put in a calendar (409), and no join URL in person', async () => {
    const eventId = await app.publishedEvent({
      format: 'hybrid',
      joinUrl: JOIN_URL,
      capacity: 1,
      venue: { name: 'Salle' },
    });
    const confirmed = await register(eventId, 'First');
    const waitlisted = await register(eventId, 'Second');
    expect(waitlisted.body.registration.status).toBe('waitlisted');

    const hybrid = fileOf(await invite(confirmed));
    expect(text(only(hybrid), 'description')).toContain(joinLinkOf(confirmed.id));
    // Hybrid: the venue stays the LOCATION; the join link is in URL and DESCRIPTION.
    expect(text(only(hybrid), 'location')).toBe('Salle');
    expect(hybrid.root.toString()).not.toContain('secret-room');
    const waiting = await invite(waitlisted);
    expect([waiting.status, waiting.body.error?.code]).toEqual([409, 'no_seat']);
    expect(JSON.stringify(waiting.body)).not.toContain('secret-room');

    const pendingEvent = await app.publishedEvent({ joinUrl: JOIN_URL, requireConfirmation: true });
    const pending = await register(pendingEvent, 'Third');
    expect(pending.body.registration.status).toBe('pending_confirmation');
    const unconfirmed = await invite(pending);
    expect([unconfirmed.status, unconfirmed.body.error?.code]).toEqual([409, 'no_seat']);

    const inPerson = await app.publishedEvent({
      format: 'in_person',
      joinUrl: null,
      venue: { name: 'Espace Bourse', city: 'Paris' },
    });
    const file = fileOf(await invite(await register(inPerson, 'Fourth')));
    expect(text(only(file), 'location')).toBe('Espace Bourse, Paris');
  });

  it('turns into a CANCEL (same UID, no STATUS: the event is still on, the attendee named) once the registration is cancelled', async () => {
    const eventId = await app.publishedEvent({ joinUrl: JOIN_URL });
    const ada = await register(eventId, 'Ada Cancel');
    const beforeFile = fileOf(await invite(ada));
    const before = only(beforeFile);

    const cancelled = await app.call('POST', `/api/registrations/${ada.id}/cancel?token=${ada.token}`);
    expect(cancelled.status).toBe(200);

    const response = await invite(ada);
    const file = fileOf(response);
    expectWellFormed(file);
    expect(file.method).toBe('CANCEL');
    const vevent = only(file);
    expect(text(vevent, 'uid')).toBe(text(before, 'uid'));
    // RFC 5546 3.2.5: STATUS:CANCELLED cancels the whole event; uninviting one attendee has none.
    for (const [parser, reading] of readings(response.body))
      expect(reading.events[0]?.status, parser).toBeUndefined();
    expect(sequenceOf(vevent)).toBeGreaterThanOrEqual(sequenceOf(before));
    // Not older than the REQUEST: with the same SEQUENCE, the later DTSTAMP wins (RFC 5546 2.1.5).
    expect(instantOf(file, vevent, 'dtstamp') >= instantOf(beforeFile, before, 'dtstamp')).toBe(true);
    expect(attendeesOf(file)).toHaveLength(1);
    expect(file.root.toString()).not.toContain('secret-room');
  });

  it('refuses another registration’s token (403) and an unknown registration (404)', async () => {
    const eventId = await app.publishedEvent();
    const a = await register(eventId, 'Token A');
    const b = await register(eventId, 'Token B');
    expect((await app.call('GET', `/api/registrations/${b.id}/invite.ics?token=${a.token}`)).status).toBe(
      403,
    );
    expect((await app.call('GET', `/api/registrations/nope/invite.ics?token=${a.token}`)).status).toBe(404);
  });
});

describe('RFC points every calendar answer keeps', () => {
  /** The `method` parameter of a `text/calendar` media type (RFC 5545 8.1), upper-cased. */
  const mediaMethod = (contentType: string | undefined) =>
    /^text\/calendar;\s*charset=utf-8;\s*method=([A-Z]+)$/i.exec(contentType ?? '')?.[1]?.toUpperCase();

  it('names its METHOD in the media type: REQUEST, CANCEL and PUBLISH alike, as both parsers read the body', async () => {
    const eventId = await app.publishedEvent();
    const ada = await register(eventId, 'Ada Media');
    const answers: [string, Awaited<ReturnType<typeof download>>][] = [
      ['invite', await invite(ada)],
      ['public file', await download(`/calendar/events/${eventId}.ics`)],
      ['feed', await download('/calendar/organisers/media-aces.ics')],
    ];
    expect((await app.call('POST', `/api/registrations/${ada.id}/cancel?token=${ada.token}`)).status).toBe(
      200,
    );
    answers.push(['cancelled invite', await invite(ada)]);

    const methods = answers.map(([label, response]) => {
      expect(response.status, label).toBe(200);
      const inType = mediaMethod(response.headers['content-type']);
      for (const [parser, reading] of readings(response.body))
        expect(reading.method, `${label}, ${parser}`).toBe(inType);
      return inType;
    });
    expect(methods).toEqual(['REQUEST', 'PUBLISH', 'PUBLISH', 'CANCEL']);
  });

  it('answers HEAD like GET without the body: same status and headers, the length of the GET body', async () => {
    const eventId = await app.publishedEvent();
    const ada = await register(eventId, 'Ada Head');
    const urls = [
      `/api/registrations/${ada.id}/invite.ics?token=${ada.token}`,
      `/calendar/events/${eventId}.ics`,
      '/calendar/organisers/media-aces.ics',
    ];
    for (const url of urls) {
      const get = await app.call('GET', url);
      const head = await app.call('HEAD', url);
      expect([head.status, head.body], url).toEqual([200, '']);
      for (const name of ['content-type', 'etag', 'cache-control', 'last-modified', 'content-disposition'])
        expect(head.headers[name], `${url} ${name}`).toBe(get.headers[name]);
      expect(head.headers['content-length'], url).toBe(String(Buffer.byteLength(get.body)));
      // Conditional and refused the same way too.
      const cached = await app.call('HEAD', url, {
        headers: { 'if-none-match': get.headers.etag as string },
      });
      expect([cached.status, cached.body], url).toEqual([304, '']);
    }
    const unknown = await app.call('HEAD', '/calendar/events/no-such-event.ics');
    expect([unknown.status, unknown.body]).toEqual([404, '']);
    // The local server (and API Gateway, from the same table) routes HEAD only where a route says so.
    expect(matchRoute('HEAD', `/calendar/events/${eventId}.ics`)).toMatchObject({
      route: { method: 'HEAD', entry: 'functions/api/calendar/eventFile.ts' },
    });
    expect(matchRoute('HEAD', '/api/events')).toBe('method_not_allowed');
  });

  it('stamps each download with when it was made (DTSTAMP), not the last change (LAST-MODIFIED), and tags it without the stamp', async () => {
    // An event published and last changed three days ago.
    const past = new Date(Date.now() - 3 * 86_400_000);
    const event = publish(
      newEventRecord(
        eventCreateInput.parse({
          title: 'Stamped',
          format: 'online',
          joinUrl: JOIN_URL,
          startsAt: days(5),
          endsAt: days(5.1),
        }),
        { id: `evt-stamp-${Date.now()}`, organiserId: ORGANISER.id, organiserName: ORGANISER.name },
        past,
      ),
      past,
    );
    await app.services.events.create(event);
    const ada = await register(event.id, 'Ada Stamp');
    const urls = [
      `/api/registrations/${ada.id}/invite.ics?token=${ada.token}`,
      `/calendar/events/${event.id}.ics`,
      '/calendar/organisers/media-aces.ics',
    ];
    for (const url of urls) {
      // iCalendar times have whole seconds.
      const before = Math.floor(Date.now() / 1000) * 1000;
      const response = await app.call('GET', url);
      const after = Date.now();
      expect(response.status, url).toBe(200);
      for (const [parser, reading] of readings(response.body)) {
        const vevent = reading.events.find((entry) => entry.uid.startsWith(event.id));
        const stamp = Date.parse(vevent?.dtstamp ?? '');
        expect(stamp >= before && stamp <= after, `${url}, ${parser}: ${vevent?.dtstamp}`).toBe(true);
        if (!url.includes('invite'))
          expect(vevent?.lastModified, `${url}, ${parser}`).toBe(toSecond(event.updatedAt));
      }
      // Same state, same tag, whatever the stamp: a poll with it gets 304.
      const again = await app.call('GET', url, {
        headers: { 'if-none-match': response.headers.etag as string },
      });
      expect(again.status, url).toBe(304);
    }
  });
});

describe('one event through its life', () => {
  it('keeps one UID and raises SEQUENCE on each change a calendar must follow, then cancels', async () => {
    const eventId = await app.publishedEvent({ format: 'online', joinUrl: JOIN_URL });
    const ada = await register(eventId, 'Ada Life');
    const publicUrl = `/calendar/events/${eventId}.ics`;

    const first = fileOf(await download(publicUrl));
    const again = fileOf(await download(publicUrl));
    const uid = text(only(first), 'uid');
    expect(uid).toMatch(new RegExp(`^${eventId}@`));
    expect(text(only(again), 'uid')).toBe(uid);
    expect(text(only(fileOf(await invite(ada))), 'uid')).toBe(uid);
    const sequences = [sequenceOf(only(first))];

    // A new start time: a calendar must move the entry.
    const newStart = toSecond(days(9));
    const newEnd = new Date(Date.parse(newStart) + 2 * 3_600_000).toISOString();
    expect((await admin('PATCH', `/${eventId}`, { startsAt: newStart, endsAt: newEnd })).status).toBe(200);
    const moved = fileOf(await download(publicUrl));
    const movedInvite = fileOf(await invite(ada));
    for (const file of [moved, movedInvite]) {
      expectWellFormed(file);
      expect(text(only(file), 'uid')).toBe(uid);
      expect(instantOf(file, only(file), 'dtstart')).toBe(newStart);
      expect(instantOf(file, only(file), 'dtend')).toBe(newEnd);
    }
    sequences.push(sequenceOf(only(moved)));
    expect(sequenceOf(only(movedInvite))).toBe(sequences.at(-1));

    // A new join URL: the invitation keeps the same personal link, which leads to the new URL,
    // so nothing a calendar holds changed: the sequence stays.
    expect((await admin('PATCH', `/${eventId}`, { joinUrl: 'https://meet.example/other-room' })).status).toBe(
      200,
    );
    const relinked = fileOf(await invite(ada));
    expect(text(only(relinked), 'description')).toContain(joinLinkOf(ada.id));
    expect(relinked.root.toString()).not.toContain('other-room');
    expect(sequenceOf(only(relinked))).toBe(sequences.at(-1));

    // A summary edit does not: the sequence stays.
    expect((await admin('PATCH', `/${eventId}`, { summary: 'Nouveau résumé' })).status).toBe(200);
    const reworded = fileOf(await download(publicUrl));
    expect(sequenceOf(only(reworded))).toBe(sequences.at(-1));
    expect(text(only(reworded), 'description')).toContain('Nouveau résumé');

    // Cancelled: PUBLISH with STATUS:CANCELLED for everyone, CANCEL for the registrant.
    expect((await admin('POST', `/${eventId}/cancel`)).status).toBe(200);
    const cancelledPublic = fileOf(await download(publicUrl));
    expectWellFormed(cancelledPublic);
    expect(cancelledPublic.method).toBe('PUBLISH');
    expect(text(only(cancelledPublic), 'status')).toBe('CANCELLED');
    const cancelResponse = await invite(ada);
    const cancelInvite = fileOf(cancelResponse);
    expectWellFormed(cancelInvite);
    expect(cancelInvite.method).toBe('CANCEL');
    // The whole event: STATUS:CANCELLED in the registrant's CANCEL too.
    for (const [parser, reading] of readings(cancelResponse.body))
      expect(reading.events[0]?.status, parser).toBe('CANCELLED');
    expect(text(only(cancelInvite), 'uid')).toBe(uid);
    expect(cancelInvite.root.toString()).not.toContain('other-room');
    sequences.push(sequenceOf(only(cancelInvite)));
    expect(sequenceOf(only(cancelledPublic))).toBe(sequences.at(-1));

    for (let i = 1; i < sequences.length; i++) {
      expect(sequences[i], `change ${i}`).toBeGreaterThan(sequences[i - 1] as number);
    }
  });
});

describe('public event file (/calendar/events/{id}.ics)', () => {
  it('is a PUBLISH with the organiser, no attendee, no join URL, and the programme in the description', async () => {
    const iso = (time: string) => parisTime(time).toISO() as string;
    const eventId = await app.publishedEvent({
      title: 'B2B Best practices',
      format: 'hybrid',
      joinUrl: JOIN_URL,
      venue: { name: 'Salle', address: '1 rue X', city: 'Paris' },
      startsAt: iso('19:00'),
      endsAt: iso('23:00'),
      agenda: [
        {
          startsAt: iso('19:00'),
          endsAt: iso('21:00'),
          title: 'Table ronde',
          speakers: ['Hervé Kabla', 'Yann Gourvennec'],
        },
        { startsAt: iso('22:00'), title: 'Buffet et networking' },
      ],
    });
    await register(eventId, 'Somebody Attending');

    const response = await download(`/calendar/events/${eventId}.ics`);
    expect(response.headers['content-type']).toBe('text/calendar; charset=utf-8; method=PUBLISH');
    expect(response.headers['cache-control']).toMatch(/^public, .*max-age=\d+/);
    expect(response.headers['content-disposition']).toBe(`attachment; filename="${eventId}.ics"`);
    const file = fileOf(response);
    expectWellFormed(file);
    expect(file.method).toBe('PUBLISH');
    const vevent = only(file);
    expect(vevent.getAllProperties('attendee')).toHaveLength(0);
    expect(response.body).not.toContain('secret-room');
    expect(response.body).not.toContain('somebodyattending');
    expect(vevent.getFirstPropertyValue('organizer')).toBe('mailto:contact@media-aces.example');
    expect(text(vevent, 'description')).toContain('19:00–21:00 Table ronde (Hervé Kabla, Yann Gourvennec)');
    expect(text(vevent, 'description')).toContain('22:00 Buffet et networking');
    expect(text(vevent, 'dtstart')).toBe(parisTime('19:00').toFormat("yyyy-LL-dd'T'HH:mm:ss"));
    expect(vevent.getFirstProperty('dtstart')?.getParameter('tzid')).toBe('Europe/Paris');
    expect(instantOf(file, vevent, 'dtstart')).toBe(parisTime('19:00').toUTC().toISO());
    expect(text(vevent, 'url')).toBe(`${BASE_URL}/events/${eventId}`);
  });

  it('dates each programme line of an event over several days, in the event language', async () => {
    const day1 = parisTime('09:00');
    const day2 = day1.plus({ days: 1 });
    const iso = (at: DateTime) => at.toISO() as string;
    const agenda = [
      { startsAt: iso(day1.set({ hour: 9 })), endsAt: iso(day1.set({ hour: 10 })), title: 'Ouverture' },
      { startsAt: iso(day2.set({ hour: 14 })), title: 'Clôture', speakers: ['Ada'] },
    ];
    const dayOf = (at: DateTime, locale: string) =>
      new Intl.DateTimeFormat(locale, {
        weekday: 'short',
        day: 'numeric',
        month: 'short',
        timeZone: 'Europe/Paris',
      }).format(at.toJSDate());
    for (const [language, locale] of [
      ['fr', 'fr-FR'],
      ['en', 'en-GB'],
    ] as const) {
      const eventId = await app.publishedEvent({
        language,
        startsAt: iso(day1),
        endsAt: iso(day2.set({ hour: 17 })),
        agenda,
      });
      const description = text(
        only(fileOf(await download(`/calendar/events/${eventId}.ics`))),
        'description',
      );
      expect(description).toContain(`${dayOf(day1, locale)} 09:00–10:00 Ouverture`);
      expect(description).toContain(`${dayOf(day2, locale)} 14:00 Clôture (Ada)`);
    }
    // One day: times alone, as before.
    const oneDay = await app.publishedEvent({
      startsAt: iso(day1),
      endsAt: iso(day1.set({ hour: 12 })),
      agenda: [agenda[0]],
    });
    const description = text(only(fileOf(await download(`/calendar/events/${oneDay}.ics`))), 'description');
    expect(description).toMatch(/^09:00–10:00 Ouverture$/m);
  });

  it('answers 304 to its own ETag, and 404 for drafts and unknown events', async () => {
    const eventId = await app.publishedEvent();
    const first = await download(`/calendar/events/${eventId}.ics`);
    const again = await app.call('GET', `/calendar/events/${eventId}.ics`, {
      headers: { 'if-none-match': first.headers.etag as string },
    });
    expect(again.status).toBe(304);
    expect(again.body).toBe('');
    expect(again.headers.etag).toBe(first.headers.etag);

    const draft = await admin('POST', '', {
      title: 'Brouillon',
      format: 'online',
      startsAt: days(5),
      endsAt: days(5.1),
    });
    expect(draft.status).toBe(201);
    expect((await app.call('GET', `/calendar/events/${draft.body.id}.ics`)).status).toBe(404);
    expect((await app.call('GET', '/calendar/events/no-such-event.ics')).status).toBe(404);
  });
});

describe('organiser feed (/calendar/organisers/{id}.ics)', () => {
  const FEED_ORG = { id: 'feed-org', name: 'Feed Organiser', replyTo: 'hello@feed.example' };
  const feedUrl = `/calendar/organisers/${FEED_ORG.id}.ics`;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    await app.services.events.putOrganiser(FEED_ORG);
    const at = (start: number) => ({ startsAt: days(start), endsAt: days(start + 0.1) });
    ids.upcoming = await app.publishedEvent({ title: 'Upcoming', ...at(3), joinUrl: JOIN_URL }, FEED_ORG.id);
    ids.recent = await app.publishedEvent({ title: 'Recent', ...at(-10) }, FEED_ORG.id);
    ids.old = await app.publishedEvent({ title: 'Old', ...at(-40) }, FEED_ORG.id);
    ids.cancelled = await app.publishedEvent({ title: 'Cancelled', ...at(4) }, FEED_ORG.id);
    expect((await admin('POST', `/${ids.cancelled}/cancel`, undefined, FEED_ORG.id)).status).toBe(200);
    const draft = await admin('POST', '', { title: 'Draft', format: 'online', ...at(6) }, FEED_ORG.id);
    expect(draft.status).toBe(201);
    ids.draft = draft.body.id;
    await register(ids.upcoming, 'Feed Attendee');
  });

  it('lists published and cancelled events of the last 30 days and to come, never drafts or attendees', async () => {
    const response = await download(feedUrl);
    expect(response.headers['content-type']).toBe('text/calendar; charset=utf-8; method=PUBLISH');
    expect(response.headers['cache-control']).toMatch(/^public, .*max-age=\d+/);
    expect(response.headers['content-disposition']).toBeUndefined();
    const file = fileOf(response);
    expectWellFormed(file);
    expect(file.method).toBe('PUBLISH');
    expect(text(file.root, 'x-wr-calname')).toBe('Feed Organiser');
    expect(response.body).toContain('REFRESH-INTERVAL;VALUE=DURATION:PT1H');
    expect(response.body).toContain('X-PUBLISHED-TTL:PT1H');

    const byUid = new Map(file.events.map((vevent) => [text(vevent, 'uid').split('@')[0], vevent]));
    expect([...byUid.keys()].sort()).toEqual([ids.upcoming, ids.recent, ids.cancelled].sort());
    const statusOf = (id: string | undefined) => text(byUid.get(id) as ICAL.Component, 'status');
    expect(statusOf(ids.cancelled)).toBe('CANCELLED');
    expect(statusOf(ids.upcoming)).toBe('CONFIRMED');
    expect(response.body).not.toMatch(/ATTENDEE/);
    expect(response.body).not.toContain('secret-room');
    expect(response.body).not.toContain('feedattendee');

    // Last-Modified is the latest change among the listed events.
    const listed = await Promise.all(
      [ids.upcoming, ids.recent, ids.cancelled].map(
        async (id) => (await app.services.events.get(id as string))?.event,
      ),
    );
    const latest = listed
      .map((event) => event?.updatedAt ?? '')
      .sort()
      .at(-1) as string;
    expect(response.headers['last-modified']).toBe(new Date(latest).toUTCString());
  });

  it('is stable between requests but for DTSTAMP, 304 on If-None-Match, and 200 with a new ETag after a change', async () => {
    const first = await download(feedUrl);
    const second = await download(feedUrl);
    const unstamped = (body: string) => body.replace(/^DTSTAMP:.*\r\n/gm, '');
    expect(unstamped(second.body)).toBe(unstamped(first.body));
    expect(second.headers.etag).toBe(first.headers.etag);
    const etag = first.headers.etag as string;

    // The tag as sent, without its W/ (a weak comparison either way), and in a list.
    for (const ifNoneMatch of [etag, etag.replace(/^W\//, ''), `"other", ${etag}`]) {
      const cached = await app.call('GET', feedUrl, { headers: { 'if-none-match': ifNoneMatch } });
      expect(cached.status, ifNoneMatch).toBe(304);
      expect(cached.body).toBe('');
    }
    expect((await app.call('GET', feedUrl, { headers: { 'if-none-match': '"other"' } })).status).toBe(200);

    expect(
      (await admin('PATCH', `/${ids.upcoming}`, { title: 'Upcoming, renamed' }, FEED_ORG.id)).status,
    ).toBe(200);
    const changed = await app.call('GET', feedUrl, { headers: { 'if-none-match': etag } });
    expect(changed.status).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
    expect(changed.body).toContain('Upcoming\\, renamed');
  });

  it('answers 404 for an organiser nobody knows', async () => {
    expect((await app.call('GET', '/calendar/organisers/nobody-at-all.ics')).status).toBe(404);
  });

  it('is offered on the public list as an https feed and a webcal:// subscription', async () => {
    const listed = await app.call('GET', `/api/events?organiser=${FEED_ORG.id}`);
    expect(listed.status).toBe(200);
    expect(listed.body.calendar).toEqual({
      feedUrl: `${BASE_URL}${feedUrl}`,
      subscribeUrl: `${BASE_URL.replace(/^http/, 'webcal')}${feedUrl}`,
    });
    expect((await app.call('GET', new URL(listed.body.calendar.feedUrl).pathname)).status).toBe(200);
  });
});

describe('add-to-calendar links', () => {
  it('give Google and Outlook.com UTC times ending in Z', async () => {
    const [start, end] = [parisTime('19:00'), parisTime('21:00')];
    const eventId = await app.publishedEvent({ startsAt: start.toISO(), endsAt: end.toISO() });
    const { calendarLinks } = (await register(eventId, 'Link Person')).body.registration;
    const compact = (at: DateTime) => at.toUTC().toFormat("yyyyLLdd'T'HHmmss'Z'");
    expect(new URL(calendarLinks.google).searchParams.get('dates')).toBe(`${compact(start)}/${compact(end)}`);
    const outlook = new URL(calendarLinks.outlook).searchParams;
    const iso = (at: DateTime) => at.toUTC().toFormat("yyyy-LL-dd'T'HH:mm:ss'Z'");
    expect([outlook.get('startdt'), outlook.get('enddt')]).toEqual([iso(start), iso(end)]);
    expect(new URL(calendarLinks.ics).pathname).toMatch(/\/invite\.ics$/);
  });
});
