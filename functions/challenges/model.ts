import { createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { purposeKey } from '../platform/tokens.js';

/**
 * The proof of work an organiser may require to register (`requireChallenge`), in ALTCHA's
 * format (its `v1` challenge, which altcha-lib and the ALTCHA widget read): the server picks a
 * secret number below `maxnumber` and a random salt, and sends SHA-256(salt + number), signed
 * with an HMAC; the page tries numbers until one gives that hash (half of `maxnumber` tries on
 * average) and sends it back with the rest. The salt names the event and an expiry, so a
 * solution counts for one event for ten minutes, and once (the spent ones are kept until they
 * expire). No cookie and no third party: until a solution is spent, the signature is all the
 * state there is.
 */

/**
 * 200,000 numbers: the event page's Workers (one per core) find the number in about 0.6 s on
 * this 2-core machine's Chromium (0.36 to 0.94 s measured, about 90,000 hashes a second a core),
 * a phone in about a second. 1,000 registrations cost a bot 10^8 hashes on average: about 1.5
 * minutes of native SHA-256 on one core, a quarter of an hour the way a page computes them.
 */
export const CHALLENGE_MAX_NUMBER = 200_000;
export const CHALLENGE_TTL_SECONDS = 10 * 60;

export interface Challenge {
  algorithm: 'SHA-256';
  /** SHA-256(salt + number), hex. */
  challenge: string;
  maxnumber: number;
  /** Random hex, then `?event=…&expires=…&` (epoch seconds). */
  salt: string;
  /** HMAC-SHA-256 of `challenge`, hex. */
  signature: string;
}

/** Why a solution is refused, as the 400 says it. */
export type ChallengeRefusal = 'missing' | 'not solved' | 'for another event' | 'expired' | 'already used';

/**
 * The key challenges are signed with, derived from the manage token key (HKDF, its own label)
 * rather than that key itself. Hex text, as ALTCHA's libraries take their key.
 */
export const challengeKeyFrom = (tokenKey: Buffer): string =>
  purposeKey(tokenKey, 'registration-challenge').toString('hex');

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const sign = (key: string, challenge: string): string =>
  createHmac('sha256', key).update(challenge).digest('hex');

export const issueChallenge = (
  key: string,
  eventId: string,
  now: Date,
  maxnumber = CHALLENGE_MAX_NUMBER,
): Challenge => {
  const expires = Math.floor(now.getTime() / 1000) + CHALLENGE_TTL_SECONDS;
  // Ends with `&`, as ALTCHA's do: the number that follows cannot lengthen a parameter.
  const salt = `${randomBytes(12).toString('hex')}?event=${eventId}&expires=${expires}&`;
  const challenge = sha256(salt + randomInt(maxnumber));
  return { algorithm: 'SHA-256', challenge, maxnumber, salt, signature: sign(key, challenge) };
};

/**
 * A solution as the page sends it (ALTCHA's payload: base64 of `{algorithm, challenge, number,
 * salt, signature}`), checked: the hash of its salt and number signed by us, for this event,
 * not expired. Gives the challenge (what marks it spent) and when it expires, or the refusal.
 */
export const checkSolution = (
  key: string,
  payload: string | undefined,
  eventId: string,
  now: Date,
): { challenge: string; expires: number } | { refused: ChallengeRefusal } => {
  if (!payload) return { refused: 'missing' };
  let solution: Record<string, unknown>;
  try {
    solution = Object(JSON.parse(Buffer.from(payload, 'base64').toString('utf8')));
  } catch {
    return { refused: 'not solved' };
  }
  const { algorithm, number, salt, signature } = solution;
  if (
    algorithm !== 'SHA-256' ||
    typeof salt !== 'string' ||
    !salt.endsWith('&') ||
    typeof signature !== 'string' ||
    !Number.isSafeInteger(number) ||
    (number as number) < 0
  )
    return { refused: 'not solved' };
  const challenge = sha256(salt + number);
  const [given, expected] = [Buffer.from(signature), Buffer.from(sign(key, challenge))];
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { refused: 'not solved' };
  // Signed by us: the salt's parameters are ours.
  const params = new URLSearchParams(salt.slice(salt.indexOf('?') + 1));
  const expires = Number(params.get('expires'));
  if (params.get('event') !== eventId) return { refused: 'for another event' };
  if (!(expires * 1000 > now.getTime())) return { refused: 'expired' };
  return { challenge, expires };
};
