import { api, type Challenge, type EventPublic } from '../api.js';

/**
 * The proof of work an organiser may ask of registrants (`requireChallenge`): a challenge
 * fetched and solved in the background as soon as the form is shown, in Workers (one per
 * core, up to four, each on its own part of the numbers), or in the page if Workers cannot
 * start. The submit waits for it; nothing is shown unless it fails. No cookie, no third party.
 */

interface Solving {
  eventId: string;
  result: Promise<{ payload: string; expires: number } | undefined>;
  done: boolean;
  expires?: number;
}

let current: Solving | undefined;

const WORKERS = Math.max(1, Math.min(4, navigator.hardwareConcurrency || 1));

/** Each Worker searches its part; the first to find the number ends them all. */
const inWorkers = (challenge: Challenge): Promise<number | undefined> =>
  new Promise((resolve, reject) => {
    const workers: Worker[] = [];
    const end = (settle: () => void) => {
      for (const worker of workers) worker.terminate();
      settle();
    };
    const part = Math.ceil((challenge.maxnumber + 1) / WORKERS);
    let searching = WORKERS;
    for (let i = 0; i < WORKERS; i++) {
      const worker = new Worker('/challenge-worker.js');
      workers.push(worker);
      worker.onmessage = ({ data }: MessageEvent<number | null>) => {
        if (typeof data === 'number') end(() => resolve(data));
        else if (--searching === 0) end(() => resolve(undefined));
      };
      worker.onerror = () => end(() => reject(new Error('The challenge worker failed')));
      worker.postMessage({
        challenge: challenge.challenge,
        salt: challenge.salt,
        start: i * part,
        end: Math.min(challenge.maxnumber, (i + 1) * part - 1),
      });
    }
  });

const inPage = async (challenge: Challenge): Promise<number | undefined> => {
  const { search } = await import('../pow.js');
  return search({ ...challenge, start: 0, end: challenge.maxnumber });
};

const solve = async (eventId: string) => {
  const challenge = await api.challenge(eventId);
  const number = await inWorkers(challenge).catch(() => inPage(challenge));
  if (number === undefined) return undefined;
  const { algorithm, salt, signature } = challenge;
  return {
    // ALTCHA's payload: base64 of the challenge's fields and the number found.
    payload: btoa(JSON.stringify({ algorithm, challenge: challenge.challenge, number, salt, signature })),
    expires: Number(new URLSearchParams(salt.slice(salt.indexOf('?') + 1)).get('expires')),
  };
};

/** A solution expiring within the minute is not worth sending: a new one is solved. */
const fresh = (solving: Solving): boolean =>
  solving.expires === undefined || solving.expires * 1000 > Date.now() + 60_000;

/** Starts solving for the event when it asks for a challenge (again if the last one failed or is expiring). */
export const prepareChallenge = (event: EventPublic): void => {
  if (!event.requireChallenge || (current?.eventId === event.id && fresh(current))) return;
  const solving: Solving = { eventId: event.id, result: solve(event.id).catch(() => undefined), done: false };
  current = solving;
  void solving.result.then((solved) => {
    solving.done = true;
    solving.expires = solved?.expires;
    // A failed try is not kept: the next one starts over.
    if (!solved && current === solving) current = undefined;
  });
};

/** True while the form would have to wait for the solution. */
export const challengePending = (event: EventPublic): boolean =>
  Boolean(event.requireChallenge) && !(current?.eventId === event.id && current.done && fresh(current));

/** The solution to send (undefined when the event asks for none, or solving failed). */
export const challengeSolution = async (event: EventPublic): Promise<string | undefined> => {
  if (!event.requireChallenge) return undefined;
  prepareChallenge(event);
  return (await current?.result)?.payload;
};

/** A solution was sent: spent, or refused. The next registration needs a new one. */
export const renewChallenge = (event: EventPublic): void => {
  current = undefined;
  prepareChallenge(event);
};
