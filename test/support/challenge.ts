import { createHash } from 'node:crypto';
import type { Challenge } from '../../functions/challenges/model.js';
import type { TestApp } from './app.js';

/** Finds the number as the page does (SHA-256 of salt and number), with Node's hash. */
export const solve = (challenge: Challenge): number => {
  for (let n = 0; n <= challenge.maxnumber; n++) {
    if (
      createHash('sha256')
        .update(challenge.salt + n)
        .digest('hex') === challenge.challenge
    )
      return n;
  }
  throw new Error('No solution');
};

/** The payload the page sends (ALTCHA's: base64 of the challenge's fields and the number). */
export const payloadOf = (challenge: Challenge, number: number, changes: Record<string, unknown> = {}) =>
  Buffer.from(
    JSON.stringify({
      algorithm: challenge.algorithm,
      challenge: challenge.challenge,
      number,
      salt: challenge.salt,
      signature: challenge.signature,
      ...changes,
    }),
  ).toString('base64');

/** A challenge fetched from the API for an event, solved. */
export const solvedChallenge = async (app: TestApp, eventId: string): Promise<string> => {
  const answer = await app.call('GET', `/api/events/${eventId}/challenge`);
  if (answer.status !== 200) throw new Error(`No challenge: ${answer.status}`);
  return payloadOf(answer.body, solve(answer.body));
};
