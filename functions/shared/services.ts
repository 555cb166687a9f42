import { EventStore } from '../events/store.js';
import { RegistrationStore } from '../registrations/store.js';
import { documentClient } from './clients.js';
import { config } from './config.js';

/** The stores handlers work with, built once per container from the configuration. */
export interface Services {
  events: EventStore;
  registrations: RegistrationStore;
  baseUrl: string;
  clock: () => Date;
}

let cached: Services | undefined;

export const services = (): Services => {
  if (!cached) {
    const { tableName, publicBaseUrl, manageTokenKey, pendingHoldMinutes } = config();
    const events = new EventStore(documentClient(), tableName);
    cached = {
      events,
      registrations: new RegistrationStore(documentClient(), tableName, events, {
        tokenKey: manageTokenKey,
        holdMinutes: pendingHoldMinutes,
      }),
      baseUrl: publicBaseUrl,
      clock: () => new Date(),
    };
  }
  return cached;
};

/** The local runtime and tests swap in their own wiring (a DynamoDB Local client, a fixed clock). */
export const setServices = (next: Services | undefined): void => {
  cached = next;
};
