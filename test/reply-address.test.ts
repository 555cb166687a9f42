/**
 * The pieces of calendar answers that need no table: reply addresses (one per registration,
 * tagged, case-proof), the S3 read's request signature (AWS's own published example), and
 * reading an iTIP REPLY out of hostile text.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readCalendar } from '../functions/inbound/parse.js';
import { replyAddresses } from '../functions/inbound/reply-address.js';
import { signedHeaders } from '../functions/platform/aws-request.js';
import { newId } from '../functions/platform/tokens.js';
import { replyIcs } from './support/replies.js';

describe('reply addresses', () => {
  const key = randomBytes(32);
  const replies = replyAddresses('Replies.Example.org', 'https://events.example.org', () => key);

  it('name one registration each, whatever the case the mail system gives back', () => {
    const ids = Array.from({ length: 50 }, () => newId('reg'));
    const addresses = ids.map((id) => replies.for(id) ?? '');
    expect(new Set(addresses).size).toBe(ids.length);
    for (const [i, address] of addresses.entries()) {
      expect(address).toMatch(/^rsvp\+[0-9a-f]{24}\.[0-9a-f]{16}@replies\.example\.org$/);
      expect(address.length).toBeLessThan(64 + 1 + 'replies.example.org'.length);
      expect(replies.registrationOf(address)).toBe(ids[i]);
      expect(replies.registrationOf(address.toUpperCase())).toBe(ids[i]);
    }
  });

  it('cannot be made up: another key, a changed tag or id, another domain name nothing', () => {
    const id = newId('reg');
    const address = replies.for(id) ?? '';
    const other = replyAddresses('replies.example.org', 'https://events.example.org', () => randomBytes(32));
    expect(other.registrationOf(address)).toBeUndefined();
    const [local = '', domain = ''] = address.split('@');
    const flip = (text: string, at: number) =>
      `${text.slice(0, at)}${text[at] === '0' ? '1' : '0'}${text.slice(at + 1)}`;
    expect(replies.registrationOf(`${flip(local, local.length - 1)}@${domain}`)).toBeUndefined();
    expect(replies.registrationOf(`${flip(local, 6)}@${domain}`)).toBeUndefined();
    expect(replies.registrationOf(`${local}@elsewhere.example`)).toBeUndefined();
    expect(replies.registrationOf(`${local.replace('rsvp+', 'other+')}@${domain}`)).toBeUndefined();
    for (const junk of ['', '@', 'rsvp+@replies.example.org', 'rsvp+zz.0000000000000000@replies.example.org'])
      expect(replies.registrationOf(junk)).toBeUndefined();
  });

  it('without a reply domain: no address, and invitations name noreply@ the public host, asking no answer', () => {
    const none = replyAddresses(undefined, 'https://events.example.org', () => key);
    const id = newId('reg');
    expect(none.for(id)).toBeUndefined();
    expect(none.inviteReplyTo(id)).toEqual({ address: 'noreply@events.example.org', read: false });
    expect(replies.inviteReplyTo(id)).toEqual({ address: replies.for(id), read: true });
  });
});

describe('the S3 read', () => {
  it('signs as AWS’s SigV4 example for GET Object says (examplebucket, test.txt, Range)', async () => {
    const headers = await signedHeaders(
      {
        method: 'GET',
        host: 'examplebucket.s3.amazonaws.com',
        path: '/test.txt',
        headers: {
          Range: 'bytes=0-9',
          'x-amz-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
        },
      },
      {
        service: 's3',
        region: 'us-east-1',
        credentials: {
          accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
          secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
        },
        now: new Date('2013-05-24T00:00:00Z'),
      },
    );
    expect(headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    );
  });
});

describe('reading a calendar', () => {
  it('gives each app’s REPLY: method, UID, attendee (lower-cased, no mailto:), PARTSTAT, SEQUENCE, DTSTAMP', () => {
    const stamp = new Date('2030-01-02T03:04:05Z');
    for (const app of ['google', 'outlook', 'apple'] as const) {
      const [answer] = readCalendar(
        replyIcs(app, {
          to: 'rsvp+00.0000000000000000@replies.example.org',
          attendee: 'ada@example.com',
          uid: 'evt_1@inscriptions.calendar',
          partstat: 'DECLINED',
          sequence: 2,
          stamp,
        }),
      );
      expect(answer, app).toEqual({
        method: 'REPLY',
        uid: 'evt_1@inscriptions.calendar',
        attendees: [{ address: 'ada@example.com', partstat: 'DECLINED' }],
        sequence: 2,
        stamp: stamp.toISOString(),
      });
    }
  });

  it('gives nothing for text that is not a calendar', () => {
    for (const text of [
      '',
      'hello',
      'BEGIN:VCARD\r\nEND:VCARD\r\n',
      'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n',
      '\u0000',
    ])
      expect(readCalendar(text)).toEqual([]);
  });
});
