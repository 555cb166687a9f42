import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { replyAddresses } from '../inbound/reply-address.js';
import { BAD_MANAGE_TOKENS, RateLimiter } from '../platform/rate-limiter.js';
import { retrying } from '../platform/retry.js';
import { attendanceCodes } from '../registrations/attendance-code.js';
import { registrationById } from '../registrations/dynamodb/by-id.js';
import type { Registrations } from '../registrations/registrations.js';
import { documentClient } from './clients.js';
import { config } from './config.js';
import type { Services } from './services.js';

/**
 * What a manage link's own reads need (the registration, the bad-token limiter, the reply
 * address and attendance code of a seat holder), wired apart from services.ts as the event
 * reads are (event-services.ts): the registrant's invitation (api/manage/invite.ts) leaves the
 * registration use cases, webhook, API-key and link stores out of its bundle. services.ts hands
 * over its own wiring as soon as it has one, and the local runtime and tests set it with theirs
 * (setServices).
 */
export type ManageServices = Pick<Services, 'manageTokenLimiter' | 'replies' | 'attendanceCodes'> & {
  registrations: Pick<Registrations, 'getById'>;
};

/**
 * What both wirings build alike for manage links (this one and services.ts): the bad-token
 * limiter, each registration's reply address and attendance code, from the manage token key
 * (read on use: the read-only functions are deployed without it).
 */
export const manageLinkServices = (settings: {
  db: DynamoDBDocumentClient;
  tableName: string;
  baseUrl: string;
  replyDomain: string | undefined;
  manageTokenKey: () => Buffer;
  clock: () => Date;
}): Omit<ManageServices, 'registrations'> => ({
  manageTokenLimiter: new RateLimiter(
    settings.db,
    settings.tableName,
    'manage-token',
    BAD_MANAGE_TOKENS,
    settings.clock,
  ),
  replies: replyAddresses(settings.replyDomain, settings.baseUrl, settings.manageTokenKey),
  attendanceCodes: attendanceCodes(settings.manageTokenKey),
});

let cached: ManageServices | undefined;

export const manageServices = (): ManageServices => {
  if (!cached) {
    const settings = config();
    const db = documentClient();
    cached = {
      // The read Registrations makes, through the same conflict retries (dynamodb/table.ts).
      registrations: { getById: (id) => registrationById(retrying(db), settings.tableName, id) },
      ...manageLinkServices({
        db,
        tableName: settings.tableName,
        baseUrl: settings.publicBaseUrl,
        replyDomain: settings.replyDomain,
        manageTokenKey: () => settings.manageTokenKey,
        clock: () => new Date(),
      }),
    };
  }
  return cached;
};

export const setManageServices = (next: ManageServices | undefined): void => {
  cached = next;
};
