import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookHappenings } from '../functions/notify/decide.js';
import {
  type AddressPolicy,
  isPublicAddress,
  pinnedLookup,
  type Resolver,
  resolveDeliveryAddress,
  urlProblem,
} from '../functions/webhooks/address.js';
import { postOnce } from '../functions/webhooks/deliver.js';
import {
  MAX_ATTEMPTS,
  messageIdOf,
  RETRY_DELAYS_SECONDS,
  signature,
  signedHeaders,
} from '../functions/webhooks/model.js';
import { POLL } from './support/browser.js';
import { type NotifyChain, startNotifyChain } from './support/notify.js';

/**
 * Webhooks end to end: signatures as the Standard Webhooks specification says (its test vector,
 * and its own library verifying ours), the address checks against SSRF, and the chain on
 * DynamoDB Local: a registration -> the table stream -> notify -> the delivery queue -> a real
 * receiver on 127.0.0.1, retried with backoff on the services' clock, logged, and isolated
 * per organiser.
 */

const AWS: AddressPolicy = { allowLoopback: false };
const LOCAL: AddressPolicy = { allowLoopback: true };

describe('signatures (Standard Webhooks)', () => {
  it('matches the specification’s test vector', () => {
    expect(
      signature(
        'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
        'msg_p5jXN8AQM9LWM0D4loKWxJek',
        1614265330,
        '{"test": 2432232314}',
      ),
    ).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('verifies with the specification’s own library, with either secret during a rotation', () => {
    const current = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const previous = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    const body = JSON.stringify({ type: 'registration.created', timestamp: 'now', data: {} });
    const headers = signedHeaders([current, previous], 'msg_1', Math.floor(Date.now() / 1000), body);
    expect(String(headers['webhook-signature']).split(' ')).toHaveLength(2);
    for (const secret of [current, previous]) {
      expect(new Webhook(secret).verify(body, headers)).toMatchObject({ type: 'registration.created' });
    }
    const other = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
    expect(() => new Webhook(other).verify(body, headers)).toThrow();
    expect(() => new Webhook(current).verify(`${body} `, headers)).toThrow();
  });

  it('names a change the same way every time, and another change or subscription otherwise', () => {
    expect(messageIdOf('wh_a', 'reg_1#registration.created#t')).toBe(
      messageIdOf('wh_a', 'reg_1#registration.created#t'),
    );
    expect(messageIdOf('wh_a', 'reg_1#registration.created#t')).not.toBe(
      messageIdOf('wh_b', 'reg_1#registration.created#t'),
    );
    expect(messageIdOf('wh_a', 'x')).toMatch(/^msg_[A-Za-z0-9_-]{27}$/);
  });

  it('retries for at least 24 hours', () => {
    const total = RETRY_DELAYS_SECONDS.reduce((sum, delay) => sum + delay, 0);
    expect(total).toBeGreaterThanOrEqual(24 * 3600);
    expect(MAX_ATTEMPTS).toBe(RETRY_DELAYS_SECONDS.length + 1);
  });
});

describe('which changes are announced (decide.ts)', () => {
  const registration = {
    id: 'reg_1',
    eventId: 'evt',
    status: 'confirmed',
    createdAt: 't0',
    updatedAt: 't0',
  };
  const keys = { pk: 'EVENT#evt', sk: 'REG#abc' };

  it('a new seat: created and confirmed; then checked in, then cancelled', () => {
    expect(
      webhookHappenings({ eventName: 'INSERT', keys, newImage: registration }).map((h) => h.type),
    ).toEqual(['registration.created', 'registration.confirmed']);
    const checkedIn = { ...registration, checkedInAt: 't1', updatedAt: 't1' };
    expect(
      webhookHappenings({ eventName: 'MODIFY', keys, oldImage: registration, newImage: checkedIn }).map(
        (h) => h.type,
      ),
    ).toEqual(['registration.checked_in']);
    const cancelled = { ...checkedIn, status: 'cancelled', updatedAt: 't2' };
    expect(
      webhookHappenings({ eventName: 'MODIFY', keys, oldImage: checkedIn, newImage: cancelled }).map(
        (h) => h.type,
      ),
    ).toEqual(['registration.cancelled']);
  });

  it('an event: updated while published, cancelled once; an erasure announces nothing', () => {
    const event = { id: 'evt', status: 'published', updatedAt: 't0' };
    const eventKeys = { pk: 'EVENT#evt', sk: 'EVENT' };
    expect(
      webhookHappenings({
        eventName: 'MODIFY',
        keys: eventKeys,
        oldImage: event,
        newImage: { ...event, updatedAt: 't1' },
      }).map((h) => h.type),
    ).toEqual(['event.updated']);
    expect(
      webhookHappenings({
        eventName: 'MODIFY',
        keys: eventKeys,
        oldImage: event,
        newImage: { ...event, status: 'cancelled', updatedAt: 't1' },
      }).map((h) => h.type),
    ).toEqual(['event.cancelled']);
    expect(webhookHappenings({ eventName: 'REMOVE', keys, oldImage: registration })).toEqual([]);
  });
});

describe('where deliveries may go (SSRF)', () => {
  it('refuses every private, local and special range, IPv4 and IPv6', () => {
    for (const address of [
      '0.0.0.0',
      '10.1.2.3',
      '100.64.0.1',
      '100.127.255.254',
      '127.0.0.1',
      '127.9.9.9',
      '169.254.169.254',
      '172.16.0.1',
      '172.31.255.255',
      '192.0.0.8',
      '192.0.2.1',
      '192.168.1.1',
      '198.18.0.1',
      '198.51.100.7',
      '203.0.113.7',
      '224.0.0.1',
      '239.255.255.250',
      '240.0.0.1',
      '255.255.255.255',
      '::',
      '::1',
      '::ffff:10.0.0.1',
      '::ffff:127.0.0.1',
      '::ffff:169.254.169.254',
      '64:ff9b::a00:1',
      '2001:db8::1',
      '2002:a00:1::1',
      'fc00::1',
      'fd12:3456::1',
      'fe80::1',
      'fec0::1',
      'ff02::1',
    ]) {
      expect(isPublicAddress(address), address).toBe(false);
    }
    for (const address of ['93.184.216.34', '1.1.1.1', '172.32.0.1', '100.128.0.1', '2606:4700::1111']) {
      expect(isPublicAddress(address), address).toBe(true);
    }
    expect(isPublicAddress('not an address')).toBe(false);
  });

  it('checks the URL as written: https only in AWS, http://127.0.0.1 locally too', () => {
    expect(urlProblem('https://hooks.example.com/in', AWS)).toBeUndefined();
    expect(urlProblem('http://hooks.example.com/in', AWS)).toBeDefined();
    expect(urlProblem('http://127.0.0.1:9000/in', AWS)).toBeDefined();
    expect(urlProblem('https://127.0.0.1/in', AWS)).toBeDefined();
    expect(urlProblem('https://[::1]/in', AWS)).toBeDefined();
    expect(urlProblem('https://[::ffff:169.254.169.254]/in', AWS)).toBeDefined();
    expect(urlProblem('https://169.254.169.254/latest/meta-data', AWS)).toBeDefined();
    expect(urlProblem('https://localhost/in', AWS)).toBeDefined();
    expect(urlProblem('https://metadata.google.internal/in', AWS)).toBeDefined();
    expect(urlProblem('https://user:pass@hooks.example.com/in', AWS)).toBeDefined();
    expect(urlProblem('not a url', AWS)).toBeDefined();
    expect(urlProblem('http://127.0.0.1:9000/in', LOCAL)).toBeUndefined();
    expect(urlProblem('http://10.0.0.1/in', LOCAL)).toBeDefined();
    expect(urlProblem('http://localhost:9000/in', LOCAL)).toBeUndefined();
  });

  it('refuses a host with any private address among its answers', async () => {
    const resolver: Resolver = async () => [
      { address: '93.184.216.34', family: 4 },
      { address: '10.0.0.5', family: 4 },
    ];
    expect(await resolveDeliveryAddress('https://hooks.example.com/in', AWS, resolver)).toEqual({
      problem: 'The host resolves to a private or local address',
    });
    const fails: Resolver = async () => {
      throw new Error('ENOTFOUND');
    };
    expect(await resolveDeliveryAddress('https://hooks.example.com/in', AWS, fails)).toHaveProperty(
      'problem',
    );
    const pub: Resolver = async () => [{ address: '93.184.216.34', family: 4 }];
    expect(await resolveDeliveryAddress('https://hooks.example.com/in', AWS, pub)).toEqual({
      address: { address: '93.184.216.34', family: 4 },
    });
  });

  it('connects to the address it checked, whatever the name resolves to afterwards (rebinding)', async () => {
    const lookup = pinnedLookup({ address: '93.184.216.34', family: 4 });
    const one = await new Promise((done) =>
      lookup('evil.example', {}, (_error, address, family) => done({ address, family })),
    );
    expect(one).toEqual({ address: '93.184.216.34', family: 4 });
    const all = await new Promise((done) =>
      lookup('evil.example', { all: true }, (_error, list) => done(list)),
    );
    expect(all).toEqual([{ address: '93.184.216.34', family: 4 }]);

    // A resolver that rebinds: the loopback first (allowed locally), then a private address.
    const receiver = await startReceiver();
    try {
      let asked = 0;
      const rebinding: Resolver = async () =>
        asked++ === 0 ? [{ address: '127.0.0.1', family: 4 }] : [{ address: '10.0.0.9', family: 4 }];
      const result = await postOnce(`http://rebind.test:${receiver.port}/in`, {}, '{}', {
        policy: LOCAL,
        resolver: rebinding,
      });
      expect(result).toEqual({ status: 200 });
      expect(asked).toBe(1);
      expect(receiver.requests).toHaveLength(1);

      // In AWS, a name answering with a private address is never connected to.
      const privateName: Resolver = async () => [{ address: '127.0.0.1', family: 4 }];
      expect(
        await postOnce(`https://rebind.test:${receiver.port}/in`, {}, '{}', {
          policy: AWS,
          resolver: privateName,
        }),
      ).toEqual({ error: 'The host resolves to a private or local address' });
      expect(receiver.requests).toHaveLength(1);
    } finally {
      await receiver.close();
    }
  });

  it('follows no redirect, and gives up on a receiver slower than the timeout', async () => {
    const receiver = await startReceiver();
    try {
      receiver.answer = () => 302;
      const redirected = await postOnce(`http://127.0.0.1:${receiver.port}/in`, {}, '{}', {
        policy: LOCAL,
        resolver: async () => [],
      });
      expect(redirected).toEqual({ status: 302 });
      expect(receiver.requests).toHaveLength(1);
      receiver.answer = () => 'hang';
      const slow = await postOnce(`http://127.0.0.1:${receiver.port}/in`, {}, '{}', {
        policy: LOCAL,
        resolver: async () => [],
        timeoutMs: 200,
      });
      expect(slow).toEqual({ error: 'No answer in time' });
    } finally {
      await receiver.close();
    }
  });
});

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

interface Receiver {
  port: number;
  requests: Received[];
  /** The status to answer the next request with, or 'hang' to never answer. */
  answer: (count: number) => number | 'hang';
  close: () => Promise<void>;
}

const startReceiver = async (): Promise<Receiver> => {
  const receiver: Receiver = {
    port: 0,
    requests: [],
    answer: () => 200,
    close: async () => {},
  };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      receiver.requests.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      const status = receiver.answer(receiver.requests.length);
      if (status === 'hang') return;
      response.writeHead(status, status === 302 ? { location: 'http://127.0.0.1:1/elsewhere' } : {});
      response.end('ok');
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  receiver.port = (server.address() as AddressInfo).port;
  receiver.close = () =>
    new Promise<void>((done) => {
      server.closeAllConnections();
      server.close(() => done());
    });
  return receiver;
};

describe('deliveries through the whole chain', () => {
  let chain: NotifyChain;
  let receiver: Receiver;

  beforeAll(async () => {
    chain = await startNotifyChain();
    receiver = await startReceiver();
  }, 60_000);

  afterAll(async () => {
    await receiver?.close();
    await chain?.stop();
  });

  const subscribe = async (organiser: string, events: string[], path = '/in') => {
    const response = await chain.app.call('POST', '/api/admin/webhooks', {
      organiser,
      body: { url: `http://127.0.0.1:${receiver.port}${path}`, events },
    });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    expect(response.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    return response.body as { id: string; secret: string };
  };

  const register = async (eventId: string, email: string) => {
    const response = await chain.app.call('POST', `/api/events/${eventId}/registrations`, {
      body: { name: 'Ada Lovelace', email, consent: true },
    });
    expect(response.status).toBe(201);
    return response.body.registration.id as string;
  };

  const deliveries = async (organiser: string, webhookId: string) => {
    const response = await chain.app.call('GET', `/api/admin/webhooks/${webhookId}/deliveries`, {
      organiser,
    });
    expect(response.status).toBe(200);
    return response.body.items as {
      id: string;
      type: string;
      status: string;
      attempts: number;
      responseCode?: number;
      nextAttemptAt?: string;
    }[];
  };

  it('a registration reaches the receiver, signed, and the log says delivered', async () => {
    receiver.answer = () => 200;
    const { id, secret } = await subscribe('wh-one', ['registration.created']);
    const eventId = await chain.app.publishedEvent({}, 'wh-one');
    const before = receiver.requests.length;
    const registrationId = await register(eventId, 'ada@example.com');
    await chain.notifications.settle();
    await expect.poll(() => receiver.requests.length, POLL).toBe(before + 1);
    const [received] = receiver.requests.slice(before);
    if (!received) throw new Error('no delivery');
    const payload = new Webhook(secret).verify(received.body, received.headers as Record<string, string>);
    expect(payload).toMatchObject({
      type: 'registration.created',
      data: { eventId, registration: { id: registrationId, email: 'ada@example.com', status: 'confirmed' } },
    });
    expect(received.headers['content-type']).toBe('application/json');
    const log = await deliveries('wh-one', id);
    expect(log).toMatchObject([
      {
        id: received.headers['webhook-id'],
        type: 'registration.created',
        status: 'delivered',
        attempts: 1,
        responseCode: 200,
      },
    ]);
    // Nothing personal in the log.
    expect(JSON.stringify(log)).not.toContain('ada@example.com');

    // The list never shows the secret again.
    const listed = await chain.app.call('GET', '/api/admin/webhooks', { organiser: 'wh-one' });
    expect(listed.body.items).toEqual([expect.objectContaining({ id, events: ['registration.created'] })]);
    expect(JSON.stringify(listed.body)).not.toContain(secret.slice(6));
  });

  it('a failing receiver is retried with backoff, with the same webhook-id, until it answers', async () => {
    const { id, secret } = await subscribe('wh-retry', ['registration.created']);
    const eventId = await chain.app.publishedEvent({}, 'wh-retry');
    const before = receiver.requests.length;
    receiver.answer = (count) => (count - before <= 2 ? 500 : 200);
    await register(eventId, 'grace@example.com');
    await chain.notifications.settle();
    await expect.poll(() => receiver.requests.length, POLL).toBe(before + 1);
    await expect.poll(async () => (await deliveries('wh-retry', id))[0]?.attempts, POLL).toBe(1);
    const [first] = await deliveries('wh-retry', id);
    expect(first).toMatchObject({ status: 'pending', responseCode: 500 });
    expect(first?.nextAttemptAt).toBeDefined();

    // Not before its time.
    await chain.notifications.webhooks.runDue();
    expect(receiver.requests.length).toBe(before + 1);
    chain.setClock(6_000);
    await chain.notifications.webhooks.runDue();
    expect(receiver.requests.length).toBe(before + 2);
    expect((await deliveries('wh-retry', id))[0]).toMatchObject({ status: 'pending', attempts: 2 });
    // The next wait is longer (5 minutes).
    chain.setClock(6_000 + 60_000);
    await chain.notifications.webhooks.runDue();
    expect(receiver.requests.length).toBe(before + 2);
    chain.setClock(6_000 + 301_000);
    await chain.notifications.webhooks.runDue();
    expect(receiver.requests.length).toBe(before + 3);
    expect((await deliveries('wh-retry', id))[0]).toMatchObject({
      status: 'delivered',
      attempts: 3,
      responseCode: 200,
    });

    const attempts = receiver.requests.slice(before);
    expect(new Set(attempts.map((request) => request.headers['webhook-id'])).size).toBe(1);
    // Each attempt is signed at its own time, and verifies (the library's tolerance aside).
    const timestamps = attempts.map((request) => Number(request.headers['webhook-timestamp']));
    expect(timestamps[2]).toBeGreaterThan(timestamps[0] ?? 0);
    for (const request of attempts) {
      const expected = signature(
        secret,
        String(request.headers['webhook-id']),
        Number(request.headers['webhook-timestamp']),
        request.body,
      );
      expect(request.headers['webhook-signature']).toBe(expected);
    }
    chain.setClock(0);
  });

  it('a receiver that never answers 2xx: the delivery is marked failed after the last attempt', async () => {
    const { id } = await subscribe('wh-down', ['registration.created']);
    const eventId = await chain.app.publishedEvent({}, 'wh-down');
    const before = receiver.requests.length;
    receiver.answer = () => 503;
    await register(eventId, 'alan@example.com');
    await chain.notifications.settle();
    await expect.poll(async () => (await deliveries('wh-down', id))[0]?.attempts, POLL).toBe(1);
    let offset = 0;
    for (const delay of RETRY_DELAYS_SECONDS) {
      offset += (delay + 1) * 1000;
      chain.setClock(offset);
      await chain.notifications.webhooks.runDue();
    }
    expect(receiver.requests.length - before).toBe(MAX_ATTEMPTS);
    expect((await deliveries('wh-down', id))[0]).toMatchObject({
      status: 'failed',
      attempts: MAX_ATTEMPTS,
      responseCode: 503,
    });
    expect(chain.notifications.webhooks.waiting()).toBe(0);
    chain.setClock(offset + 86_400_000);
    await chain.notifications.webhooks.runDue();
    expect(receiver.requests.length - before).toBe(MAX_ATTEMPTS);
    chain.setClock(0);
  });

  it('test event, rotation (both signatures for a while), and another organiser sees nothing', async () => {
    receiver.answer = () => 200;
    const { id, secret } = await subscribe('wh-rot', ['event.cancelled']);
    const tested = await chain.app.call('POST', `/api/admin/webhooks/${id}/test`, { organiser: 'wh-rot' });
    expect(tested.body).toMatchObject({ status: 'delivered', responseCode: 200 });
    const rotated = await chain.app.call('POST', `/api/admin/webhooks/${id}/rotate`, { organiser: 'wh-rot' });
    expect(rotated.status).toBe(200);
    const fresh = rotated.body.secret as string;
    expect(fresh).not.toBe(secret);
    const before = receiver.requests.length;
    await chain.app.call('POST', `/api/admin/webhooks/${id}/test`, { organiser: 'wh-rot' });
    const received = receiver.requests[before];
    if (!received) throw new Error('no test delivery');
    expect(String(received.headers['webhook-signature']).split(' ')).toHaveLength(2);
    for (const key of [secret, fresh]) {
      expect(
        new Webhook(key).verify(received.body, received.headers as Record<string, string>),
      ).toMatchObject({
        type: 'webhook.test',
      });
    }
    const log = await deliveries('wh-rot', id);
    expect(log.map((line) => line.type)).toEqual(['webhook.test', 'webhook.test']);
    // Sent once each, and logged so: the organiser reads one attempt, not the retry budget.
    expect(log.map((line) => line.attempts)).toEqual([1, 1]);

    // A test the receiver refuses fails at once, with no retry scheduled.
    receiver.answer = () => 500;
    const refused = await chain.app.call('POST', `/api/admin/webhooks/${id}/test`, { organiser: 'wh-rot' });
    expect(refused.body).toMatchObject({ status: 'failed', responseCode: 500 });
    const failed = (await deliveries('wh-rot', id)).filter((line) => line.status !== 'delivered');
    expect(failed).toEqual([expect.objectContaining({ status: 'failed', attempts: 1, responseCode: 500 })]);
    expect(failed[0]?.nextAttemptAt).toBeUndefined();
    receiver.answer = () => 200;

    // Another organiser: as good as absent, everywhere.
    for (const [method, path] of [
      ['GET', `/api/admin/webhooks/${id}/deliveries`],
      ['POST', `/api/admin/webhooks/${id}/test`],
      ['POST', `/api/admin/webhooks/${id}/rotate`],
      ['DELETE', `/api/admin/webhooks/${id}`],
    ] as const) {
      expect((await chain.app.call(method, path, { organiser: 'open2leads' })).status, path).toBe(404);
    }
    expect(
      (await chain.app.call('GET', '/api/admin/webhooks', { organiser: 'open2leads' })).body.items,
    ).toEqual([]);
    expect((await chain.app.call('GET', '/api/admin/webhooks')).status).toBe(401);

    expect(
      (await chain.app.call('DELETE', `/api/admin/webhooks/${id}`, { organiser: 'wh-rot' })).status,
    ).toBe(204);
    expect((await chain.app.call('GET', '/api/admin/webhooks', { organiser: 'wh-rot' })).body.items).toEqual(
      [],
    );
  });

  it('refuses bad subscriptions with a field error', async () => {
    const create = (body: unknown) =>
      chain.app.call('POST', '/api/admin/webhooks', { organiser: 'wh-bad', body });
    for (const [body, field] of [
      [{ url: 'ftp://hooks.example.com/in', events: ['registration.created'] }, 'url'],
      [{ url: 'https://10.0.0.1/in', events: ['registration.created'] }, 'url'],
      [{ url: 'https://169.254.169.254/', events: ['registration.created'] }, 'url'],
      [{ url: 'https://hooks.example.com/in', events: [] }, 'events'],
      [{ url: 'https://hooks.example.com/in', events: ['registration.deleted'] }, 'events.0'],
      [{ url: 'https://hooks.example.com/in', events: ['event.updated', 'event.updated'] }, 'events'],
      [
        { url: 'https://hooks.example.com/in', events: ['event.updated'], organiserId: 'media-aces' },
        'organiserId',
      ],
    ] as const) {
      const response = await create(body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(Object.keys(response.body.error.fields), JSON.stringify(body)).toContain(field);
    }
  });
});
