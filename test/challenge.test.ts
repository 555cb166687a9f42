import { createHash, createHmac, randomBytes } from 'node:crypto';
import { solveChallenge, verifySolution } from 'altcha-lib/v1';
import { describe, expect, it } from 'vitest';
import {
  CHALLENGE_MAX_NUMBER,
  CHALLENGE_TTL_SECONDS,
  challengeKeyFrom,
  checkSolution,
  issueChallenge,
} from '../functions/challenges/model.js';
import { payloadOf, solve } from './support/challenge.js';

/**
 * The registration challenge's rules, without I/O: what is issued, which solutions are taken,
 * and that both are ALTCHA's format, checked against altcha-lib itself (its `v1` challenge).
 * Spending a solution once is tested on DynamoDB Local (test/challenge-api.test.ts).
 */

const KEY = challengeKeyFrom(randomBytes(32));
const NOW = new Date('2026-11-02T10:00:00Z');
const EVENT = 'evt-challenge';

const later = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);

describe('registration challenges', () => {
  it('issues a signed SHA-256 challenge for one event, for ten minutes, with the deployed difficulty', () => {
    const challenge = issueChallenge(KEY, EVENT, NOW);
    expect(challenge).toEqual({
      algorithm: 'SHA-256',
      challenge: expect.stringMatching(/^[0-9a-f]{64}$/),
      maxnumber: CHALLENGE_MAX_NUMBER,
      salt: expect.stringMatching(/^[0-9a-f]{24}\?event=evt-challenge&expires=\d+&$/),
      signature: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(CHALLENGE_MAX_NUMBER).toBe(200_000);
    expect(CHALLENGE_TTL_SECONDS).toBe(600);
    const expires = Number(new URLSearchParams(challenge.salt.split('?')[1]).get('expires'));
    expect(expires).toBe(NOW.getTime() / 1000 + CHALLENGE_TTL_SECONDS);
    // A new salt and number each time.
    expect(issueChallenge(KEY, EVENT, NOW).salt).not.toBe(challenge.salt);
  });

  it('takes the right number, for its event, until it expires', () => {
    const challenge = issueChallenge(KEY, EVENT, NOW, 5_000);
    const number = solve(challenge);
    expect(checkSolution(KEY, payloadOf(challenge, number), EVENT, later(60))).toEqual({
      challenge: challenge.challenge,
      expires: NOW.getTime() / 1000 + CHALLENGE_TTL_SECONDS,
    });
    expect(checkSolution(KEY, payloadOf(challenge, number), EVENT, later(CHALLENGE_TTL_SECONDS - 1))).toEqual(
      expect.objectContaining({ challenge: challenge.challenge }),
    );
    expect(checkSolution(KEY, payloadOf(challenge, number), EVENT, later(CHALLENGE_TTL_SECONDS))).toEqual({
      refused: 'expired',
    });
    expect(checkSolution(KEY, payloadOf(challenge, number), 'another-event', later(60))).toEqual({
      refused: 'for another event',
    });
  });

  it('refuses a wrong number, anything tampered with, and another key’s signature', () => {
    const challenge = issueChallenge(KEY, EVENT, NOW, 5_000);
    const number = solve(challenge);
    const refused = (payload: string, key = KEY) => checkSolution(key, payload, EVENT, later(60));
    const expires = NOW.getTime() / 1000 + CHALLENGE_TTL_SECONDS;
    const tampered = {
      'a wrong number': payloadOf(challenge, number + 1),
      'a salt for another event': payloadOf(challenge, number, {
        salt: challenge.salt.replace(`event=${EVENT}`, 'event=other'),
      }),
      'a later expiry': payloadOf(challenge, number, {
        salt: challenge.salt.replace(`expires=${expires}`, `expires=${expires + 86_400}`),
      }),
      'another signature': payloadOf(challenge, number, { signature: 'f'.repeat(64) }),
      'a short signature': payloadOf(challenge, number, { signature: 'f' }),
      'another algorithm': payloadOf(challenge, number, { algorithm: 'SHA-1' }),
      'a number as text': payloadOf(challenge, number, { number: String(number) }),
      'a negative number': payloadOf(challenge, -1),
      'a fraction': payloadOf(challenge, number + 0.5),
    };
    for (const [what, payload] of Object.entries(tampered)) {
      expect(refused(payload), what).toEqual({ refused: 'not solved' });
    }
    // A salt that takes in the number's first digits hashes the same text: refused, as the salt
    // must end with its `&` (as ALTCHA's do), so that no digit lengthens its expiry.
    const salt = `${'ab'.repeat(12)}?event=${EVENT}&expires=${expires}&`;
    const hash = createHash('sha256').update(`${salt}1234`).digest('hex');
    const signed = {
      ...challenge,
      salt,
      challenge: hash,
      signature: createHmac('sha256', KEY).update(hash).digest('hex'),
    };
    expect(refused(payloadOf(signed, 1234))).toEqual({ challenge: hash, expires });
    expect(refused(payloadOf(signed, 34, { salt: `${salt}12` }))).toEqual({ refused: 'not solved' });
    // Signed with another key: another deployment's challenge, or one made up.
    expect(refused(payloadOf(challenge, number), challengeKeyFrom(randomBytes(32)))).toEqual({
      refused: 'not solved',
    });
    // Not even a payload.
    for (const garbage of ['', 'not base64 !', Buffer.from('null').toString('base64'), 'e30=', 'WzFd']) {
      expect(refused(garbage), garbage).toEqual(garbage ? { refused: 'not solved' } : { refused: 'missing' });
    }
    expect(checkSolution(KEY, undefined, EVENT, NOW)).toEqual({ refused: 'missing' });
  });

  it('derives its key from the manage token key, and never is that key', () => {
    const tokenKey = randomBytes(32);
    expect(challengeKeyFrom(tokenKey)).toBe(challengeKeyFrom(Buffer.from(tokenKey)));
    expect(challengeKeyFrom(tokenKey)).toMatch(/^[0-9a-f]{64}$/);
    expect(challengeKeyFrom(tokenKey)).not.toBe(tokenKey.toString('hex'));
    expect(challengeKeyFrom(randomBytes(32))).not.toBe(challengeKeyFrom(tokenKey));
  });

  it('is ALTCHA’s format: altcha-lib solves our challenge and accepts our solution, and we take its', async () => {
    const challenge = issueChallenge(KEY, EVENT, NOW, 5_000);
    const solved = await solveChallenge(challenge.challenge, challenge.salt, 'SHA-256', challenge.maxnumber)
      .promise;
    expect(solved?.number).toBe(solve(challenge));
    const payload = payloadOf(challenge, solved?.number ?? -1);
    // altcha-lib checks the expiry against the real clock: NOW is in the past for it.
    expect(await verifySolution(payload, KEY, false)).toBe(true);
    expect(await verifySolution(payloadOf(challenge, (solved?.number ?? 0) + 1), KEY, false)).toBe(false);
    expect(checkSolution(KEY, payload, EVENT, later(60))).toEqual(
      expect.objectContaining({ challenge: challenge.challenge }),
    );
  });
});
