import { createHmac, timingSafeEqual } from 'node:crypto';
import type { InviteReplyTo } from '../calendar/ical.js';
import { idHex, idOfHex, purposeKey } from '../platform/tokens.js';

/**
 * The address a registration's calendar answers go to: `rsvp+<id>.<tag>@<reply domain>`, one
 * per registration, named as the invitation's ORGANIZER (docs/calendar.md). The tag is an HMAC
 * of the id under a key derived from the manage token key, so an address for another
 * registration cannot be made up from one seen in a shared calendar.
 *
 * Lower-case hex only: some mail systems fold the case of local parts, and our ids are
 * base64url, so the id rides as the hex of its random bytes.
 */

export const REPLY_LOCAL_PART = 'rsvp';
const TAG_HEX = 16;

export interface ReplyAddresses {
  /** The registration's reply address, or undefined when this deployment receives no mail. */
  for(registrationId: string): string | undefined;
  /** The registration an address names, or undefined (not ours, malformed, wrong tag). */
  registrationOf(address: string): string | undefined;
  /** What the registration's invitation names as ORGANIZER: its reply address, else one no one reads. */
  inviteReplyTo(registrationId: string): InviteReplyTo;
}

export const replyKeyFrom = (tokenKey: Buffer): Buffer => purposeKey(tokenKey, 'calendar-reply-address');

const ADDRESS = new RegExp(`^${REPLY_LOCAL_PART}\\+([0-9a-f]{2,64})\\.([0-9a-f]{${TAG_HEX}})@(.+)$`);

/**
 * `domain`: where this deployment receives mail (REPLY_DOMAIN; `localhost` locally), or none.
 * `publicBaseUrl`: without a domain, invitations name `noreply@` its host, never the organiser.
 */
export const replyAddresses = (
  domain: string | undefined,
  publicBaseUrl: string,
  tokenKey: () => Buffer,
): ReplyAddresses => {
  let key: Buffer | undefined;
  const tagOf = (hex: string) => {
    key ??= replyKeyFrom(tokenKey());
    return createHmac('sha256', key).update(hex).digest('hex').slice(0, TAG_HEX);
  };
  const wanted = domain?.toLowerCase();
  const addresses: ReplyAddresses = {
    inviteReplyTo(registrationId) {
      const address = addresses.for(registrationId);
      return address
        ? { address, read: true }
        : { address: `noreply@${new URL(publicBaseUrl).hostname}`, read: false };
    },
    for(registrationId) {
      const hex = idHex(registrationId, 'reg');
      if (!wanted || !hex) return undefined;
      return `${REPLY_LOCAL_PART}+${hex}.${tagOf(hex)}@${wanted}`;
    },
    registrationOf(address) {
      const match = ADDRESS.exec(address.trim().toLowerCase());
      if (!wanted || !match) return undefined;
      const [, hex = '', tag = '', at = ''] = match;
      if (at !== wanted || hex.length % 2 !== 0) return undefined;
      const expected = Buffer.from(tagOf(hex));
      if (!timingSafeEqual(expected, Buffer.from(tag))) return undefined;
      return idOfHex(hex, 'reg');
    },
  };
  return addresses;
};
