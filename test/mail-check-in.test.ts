/**
 * The check-in code in the emails, end to end on the notify chain (DynamoDB Local, the local
 * outbox): the HTML shows a `cid:` image, the message carries that image as an inline PNG, the
 * PNG's QR code reads back (with the qr package's decoder) as the registration's code, and that
 * code checks the registrant in at the door. Only seat holders of an event with a door get one.
 */
import type { Email } from 'postal-mime';
import { decodeQR } from 'qr/decode.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkInCodeFor, type MessageKind, messageKinds } from '../functions/mail/messages.js';
import { manageLink } from './support/app.js';
import { type NotifyChain, ORGANISER, startNotifyChain } from './support/notify.js';
import { readGreyPng, rgbaOf } from './support/qr-image.js';

let chain: NotifyChain;

beforeAll(async () => {
  chain = await startNotifyChain();
});
afterAll(() => chain?.stop());

const VENUE = { name: 'La Cantine', address: '151 rue Montmartre', city: 'Paris' };

const register = async (eventId: string, tag: string, locale: 'fr' | 'en' = 'en') => {
  const response = await chain.app.call('POST', `/api/events/${eventId}/registrations`, {
    body: { name: `Personne ${tag}`, email: `${tag}@example.com`, consent: true, locale },
  });
  return response.body as { registration: { id: string; status: string }; manageUrl: string };
};

const lastMail = async (to: string) => ((await chain.mails(to)).at(-1) as { email: Email }).email;

/** The image the HTML shows by `cid:`, found among the parts by its Content-ID, and its QR code read. */
const qrIn = (email: Email): string | undefined => {
  const cid = /<img src="cid:([^"]+)"/.exec(email.html ?? '')?.[1];
  if (!cid) return undefined;
  const part = email.attachments.find((attachment) => attachment.contentId === `<${cid}>`);
  expect(part, `a part with Content-ID <${cid}>`).toBeDefined();
  expect(part?.mimeType).toBe('image/png');
  expect(part?.related).toBe(true);
  return decodeQR(rgbaOf(readGreyPng(Buffer.from(part?.content as ArrayBuffer))));
};

describe('the check-in code in the emails', () => {
  it('confirmation: an inline QR code image that reads as the code, which checks in at the door', async () => {
    const eventId = await chain.app.publishedEvent({ format: 'in_person', venue: VENUE, joinUrl: null });
    const { registration } = await register(eventId, 'ada');
    const email = await lastMail('ada@example.com');

    const code = chain.services.attendanceCodes.for(registration.id);
    expect(code).toBeTruthy();
    expect(qrIn(email)).toBe(code);
    expect(email.text).toContain(`Your check-in code, to show at the door: ${code}`);
    // Nothing remote to load: no http(s) image.
    expect(email.html).not.toMatch(/<img[^>]+src="https?:/);

    const scanned = await chain.app.call('POST', `/api/admin/events/${eventId}/check-in-by-code`, {
      organiser: ORGANISER.id,
      body: { code: qrIn(email) },
    });
    expect(scanned.status).toBe(200);
    expect(scanned.body.id).toBe(registration.id);
  });

  it('none while waitlisted; promoted: the code, in French', async () => {
    const eventId = await chain.app.publishedEvent({
      format: 'in_person',
      venue: VENUE,
      joinUrl: null,
      capacity: 1,
    });
    const first = await register(eventId, 'bea');
    const second = await register(eventId, 'chloe', 'fr');
    expect(second.registration.status).toBe('waitlisted');
    const waiting = await lastMail('chloe@example.com');
    expect(qrIn(waiting)).toBeUndefined();
    expect(waiting.attachments.filter((part) => part.mimeType === 'image/png')).toEqual([]);

    const { id, token } = manageLink(first.manageUrl);
    expect((await chain.app.call('POST', `/api/registrations/${id}/cancel?token=${token}`)).status).toBe(200);
    const promoted = await lastMail('chloe@example.com');
    const code = chain.services.attendanceCodes.for(second.registration.id);
    expect(qrIn(promoted)).toBe(code);
    expect(promoted.text).toContain(`Votre code d'entrée, à présenter à l'accueil : ${code}`);
  });

  it('none for an online event: there is no door', async () => {
    const eventId = await chain.app.publishedEvent({ format: 'online' });
    await register(eventId, 'dan');
    const email = await lastMail('dan@example.com');
    expect(email.subject).toMatch(/^Registration confirmed/);
    expect(qrIn(email)).toBeUndefined();
    expect(email.text).not.toContain('check-in code');
  });
});

describe('checkInCodeFor', () => {
  const event = { format: 'hybrid' } as Parameters<typeof checkInCodeFor>[1]['event'];
  const carrying = (status: 'confirmed' | 'waitlisted') =>
    messageKinds.filter((kind: MessageKind) =>
      checkInCodeFor(kind, { registration: { status } as never, event, checkInCode: 'ABC' }),
    );

  it('is in the confirmation, the promotion and the reminder, for seat holders only', () => {
    expect(carrying('confirmed')).toEqual(['confirmed', 'promoted', 'reminder']);
    expect(carrying('waitlisted')).toEqual([]);
  });
});
