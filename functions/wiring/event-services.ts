import { EventStore } from '../events/store.js';
import { documentClient } from './clients.js';
import { config } from './config.js';
import type { Services } from './services.js';

/**
 * What the public event reads need (the events, the public base URL, the clock), wired apart
 * from services.ts so the functions that need nothing else (the calendar files, the OpenAPI
 * document) leave its registration stores, limiters and webhook stores out of their bundles:
 * about 35 KB each.
 * services.ts hands over its own wiring as soon as it has one, so a function using both reads
 * through one event store, and the local runtime and tests set both at once (setServices).
 */
export type EventServices = Pick<Services, 'events' | 'baseUrl' | 'clock'>;

let cached: EventServices | undefined;

export const eventServices = (): EventServices => {
  if (!cached) {
    const settings = config();
    cached = {
      events: new EventStore(documentClient(), settings.tableName),
      baseUrl: settings.publicBaseUrl,
      clock: () => new Date(),
    };
  }
  return cached;
};

export const setEventServices = (next: EventServices | undefined): void => {
  cached = next;
};
