import { type Search, search } from './pow.js';

/**
 * A Worker searching its part of a registration challenge's numbers (event/challenge.ts starts
 * one per core, up to four): answers the number, or null when it is not in its part.
 */
self.onmessage = async (message: MessageEvent<Search>) => {
  self.postMessage((await search(message.data)) ?? null);
};
