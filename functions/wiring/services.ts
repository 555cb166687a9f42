import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ApiKeyStore } from '../apikeys/store.js';
import type { ChallengeSettings } from '../challenges/challenges.js';
import { challengeKeyFrom } from '../challenges/model.js';
import { SpentChallengeStore } from '../challenges/store.js';
import type { EventRepository } from '../events/ports.js';
import { EventStore } from '../events/store.js';
import type { ReplyAddresses } from '../inbound/reply-address.js';
import {
  RateLimiter,
  type RateRule,
  REGISTRATIONS_PER_CLIENT,
  REGISTRATIONS_PER_CLIENT_PER_EVENT,
} from '../platform/rate-limiter.js';
import type { AttendanceCodes } from '../registrations/attendance-code.js';
import { DynamoDbCounterRepairs } from '../registrations/dynamodb/repairs.js';
import type { CounterRepairs } from '../registrations/reconcile.js';
import { Registrations } from '../registrations/registrations.js';
import type { TrackingLinkStore } from '../sources/store.js';
import type { AddressPolicy } from '../webhooks/address.js';
import type { WebhookStore } from '../webhooks/store.js';
import { documentClient } from './clients.js';
import { config } from './config.js';
import { setEventServices } from './event-services.js';
import { manageLinkServices, setManageServices } from './manage-services.js';
import { setToolServices, toolStores } from './tool-services.js';

/** The stores handlers work with, built once per container from the configuration. */
export interface Services {
  /** Seat counters set back to what the registrations say (reconciliation). */
  repairs: CounterRepairs;
  /** Bad manage tokens counted per registration and per client, across containers. */
  manageTokenLimiter: RateLimiter;
  /** Registrations counted per client, when the wiring sets a limit (Lambda and `npm start` do)... */
  registrationLimiter?: RateLimiter;
  /** ...and by the same limiter per client and event, under this rule. */
  registrationsPerEvent: RateRule;
  events: EventRepository;
  registrations: Registrations;
  /** Registration challenges, for the events that ask for one (signed with a key from `tokenKey`). */
  challenges: ChallengeSettings;
  /** Each registration's address for calendar answers (functions/inbound/reply-address.ts). */
  replies: ReplyAddresses;
  /** Each seat holder's code: door QR code and personal join link (registrations/attendance-code.ts). */
  attendanceCodes: AttendanceCodes;
  /** Organisers' API keys (functions/apikeys/). */
  apiKeys: ApiKeyStore;
  /** Tracking links and their visit counts (functions/sources/). */
  trackingLinks: TrackingLinkStore;
  baseUrl: string;
  clock: () => Date;
  /** Webhook subscriptions and their delivery log (functions/webhooks/). */
  webhooks: WebhookStore;
  /** The key webhook secrets are sealed with (derived from the manage token key). */
  webhookSecretKey: () => Buffer;
  /** Where webhooks may be delivered: public https only, or also 127.0.0.1 (the local runtime). */
  webhookPolicy: AddressPolicy;
}

export interface ServiceSettings {
  db: DynamoDBDocumentClient;
  tableName: string;
  baseUrl: string;
  /**
   * The manage token key, or how to get it when it is first needed (sealing a new token):
   * functions that never seal one run without it.
   */
  tokenKey: Buffer | (() => Buffer);
  holdMinutes: number;
  clock?: () => Date;
  /** Registrations a client may make in the window (REGISTRATIONS_PER_CLIENT); none: no limit. */
  registrationsPerClient?: number;
  /** Of those, for one event (REGISTRATIONS_PER_CLIENT_PER_EVENT); counted along with the limit above. */
  registrationsPerClientPerEvent?: number;
  /** Where calendar answers are received (REPLY_DOMAIN); none: invitations ask for no answer. */
  replyDomain?: string;
  /** The local runtime: webhooks may go to http://127.0.0.1 too. Never in AWS. */
  allowLoopbackWebhooks?: boolean;
}

/** The one wiring of stores: Lambda (from the environment), the local runtime and the tests. */
export const createServices = ({
  db,
  tableName,
  baseUrl,
  tokenKey,
  holdMinutes,
  clock,
  registrationsPerClient,
  registrationsPerClientPerEvent = REGISTRATIONS_PER_CLIENT_PER_EVENT.limit,
  replyDomain,
  allowLoopbackWebhooks = false,
}: ServiceSettings): Services => {
  const events = new EventStore(db, tableName);
  const now = clock ?? (() => new Date());
  const manageTokenKey = () => (typeof tokenKey === 'function' ? tokenKey() : tokenKey);
  let challengeKey: string | undefined;
  return {
    repairs: new DynamoDbCounterRepairs(db, tableName),
    ...manageLinkServices({ db, tableName, baseUrl, replyDomain, manageTokenKey, clock: now }),
    ...(registrationsPerClient
      ? {
          registrationLimiter: new RateLimiter(
            db,
            tableName,
            'register',
            { ...REGISTRATIONS_PER_CLIENT, limit: registrationsPerClient },
            now,
          ),
        }
      : {}),
    registrationsPerEvent: { ...REGISTRATIONS_PER_CLIENT_PER_EVENT, limit: registrationsPerClientPerEvent },
    events,
    registrations: new Registrations(db, tableName, events, {
      get tokenKey() {
        return manageTokenKey();
      },
      holdMinutes,
    }),
    challenges: {
      key: () => (challengeKey ??= challengeKeyFrom(manageTokenKey())),
      spent: new SpentChallengeStore(db, tableName),
    },
    ...toolStores({ db, tableName, manageTokenKey, allowLoopbackWebhooks }),
    baseUrl,
    clock: now,
  };
};

let cached: Services | undefined;

export const services = (): Services => {
  if (!cached) {
    const settings = config();
    cached = createServices({
      db: documentClient(),
      tableName: settings.tableName,
      baseUrl: settings.publicBaseUrl,
      // Read on use: the read-only functions are deployed without the key.
      tokenKey: () => settings.manageTokenKey,
      holdMinutes: settings.pendingHoldMinutes,
      registrationsPerClient: settings.registrationsPerClient,
      ...(settings.replyDomain ? { replyDomain: settings.replyDomain } : {}),
    });
    // The event and manage-link reads and the tools (event-services.ts, manage-services.ts,
    // tool-services.ts) go through this wiring's stores from now on.
    setEventServices(cached);
    setManageServices(cached);
    setToolServices(cached);
  }
  return cached;
};

/** The local runtime and tests swap in their own wiring (a DynamoDB Local client, a fixed clock). */
export const setServices = (next: Services | undefined): void => {
  cached = next;
  setEventServices(next);
  setManageServices(next);
  setToolServices(next);
};
