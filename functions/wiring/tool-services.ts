import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ApiKeyStore } from '../apikeys/store.js';
import { TrackingLinkStore } from '../sources/store.js';
import { webhookSecretKeyFrom } from '../webhooks/deliver.js';
import { WebhookStore } from '../webhooks/store.js';
import { documentClient } from './clients.js';
import { config } from './config.js';
import type { Services } from './services.js';

/**
 * What an organiser's tools need (webhook subscriptions, API keys, tracking links), wired
 * apart from services.ts as the event reads are (event-services.ts): the functions that manage
 * them leave the registration use cases, limiters and event store out of their bundles (about
 * 35 KB, 1 to 2 ms of a cold start). services.ts hands over its own wiring as soon as it has
 * one, and the local runtime and tests set it with theirs (setServices).
 */
export type ToolServices = Pick<
  Services,
  'webhooks' | 'webhookSecretKey' | 'webhookPolicy' | 'apiKeys' | 'trackingLinks' | 'baseUrl' | 'clock'
>;

/** The tools' stores, built alike by this wiring and services.ts. */
export const toolStores = (settings: {
  db: DynamoDBDocumentClient;
  tableName: string;
  /** Read on use: the read-only functions are deployed without it. */
  manageTokenKey: () => Buffer;
  /** The local runtime: webhooks may go to http://127.0.0.1 too. Never in AWS. */
  allowLoopbackWebhooks: boolean;
}): Omit<ToolServices, 'baseUrl' | 'clock'> => {
  const { db, tableName, manageTokenKey } = settings;
  let webhookSecretKey: Buffer | undefined;
  return {
    apiKeys: new ApiKeyStore(db, tableName),
    trackingLinks: new TrackingLinkStore(db, tableName),
    webhooks: new WebhookStore(db, tableName),
    webhookSecretKey: () => (webhookSecretKey ??= webhookSecretKeyFrom(manageTokenKey())),
    webhookPolicy: { allowLoopback: settings.allowLoopbackWebhooks },
  };
};

let cached: ToolServices | undefined;

export const toolServices = (): ToolServices => {
  if (!cached) {
    const settings = config();
    cached = {
      ...toolStores({
        db: documentClient(),
        tableName: settings.tableName,
        manageTokenKey: () => settings.manageTokenKey,
        allowLoopbackWebhooks: false,
      }),
      baseUrl: settings.publicBaseUrl,
      clock: () => new Date(),
    };
  }
  return cached;
};

export const setToolServices = (next: ToolServices | undefined): void => {
  cached = next;
};
