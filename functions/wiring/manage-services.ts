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

let cached: ManageServices | undefined;

export const manageServices = (): ManageServices => {
  if (!cached) {
    const settings = config();
    const db = documentClient();
    // Read on use, as services.ts does: the key is loaded only where tokens are sealed.
    const manageTokenKey = () => settings.manageTokenKey;
    cached = {
      // The read Registrations makes, through the same conflict retries (dynamodb/table.ts).
      registrations: { getById: (id) => registrationById(retrying(db), settings.tableName, id) },
      manageTokenLimiter: new RateLimiter(
        db,
        settings.tableName,
        'manage-token',
        BAD_MANAGE_TOKENS,
        () => new Date(),
      ),
      replies: replyAddresses(settings.replyDomain, settings.publicBaseUrl, manageTokenKey),
      attendanceCodes: attendanceCodes(manageTokenKey),
    };
  }
  return cached;
};

export const setManageServices = (next: ManageServices | undefined): void => {
  cached = next;
};
