import { createHmac, timingSafeEqual } from 'node:crypto';
import { idHex, idOfHex, purposeKey } from '../platform/tokens.js';

/**
 * A seat holder's attendance code: the QR code scanned at the door and the key of their personal
 * join link (`/j/{code}`). Stateless: the registration id's bytes and an HMAC tag under a key
 * derived from the manage token key, so any registration has one without a write, and a code
 * for another registration cannot be made up from one seen. Upper-case hex, which a QR code
 * holds in its compact alphanumeric mode; read case-insensitively (a link may be folded).
 */

const TAG_HEX = 16;
const CODE = new RegExp(`^([0-9A-F]{2,64})([0-9A-F]{${TAG_HEX}})$`);

export interface AttendanceCodes {
  /** The registration's code; undefined for an id this scheme cannot carry. */
  for(registrationId: string): string | undefined;
  /** The registration a code names, or undefined (malformed, forged). */
  registrationOf(code: string): string | undefined;
}

export const attendanceKeyFrom = (tokenKey: Buffer): Buffer => purposeKey(tokenKey, 'attendance-code');

export const attendanceCodes = (tokenKey: () => Buffer): AttendanceCodes => {
  let key: Buffer | undefined;
  const tagOf = (hex: string) => {
    key ??= attendanceKeyFrom(tokenKey());
    return createHmac('sha256', key).update(hex).digest('hex').slice(0, TAG_HEX).toUpperCase();
  };
  return {
    for(registrationId) {
      const hex = idHex(registrationId, 'reg')?.toUpperCase();
      return hex ? `${hex}${tagOf(hex)}` : undefined;
    },
    registrationOf(code) {
      const match = CODE.exec(code.trim().toUpperCase());
      if (!match) return undefined;
      const [, hex = '', tag = ''] = match;
      if (hex.length % 2 !== 0 || !timingSafeEqual(Buffer.from(tagOf(hex)), Buffer.from(tag)))
        return undefined;
      return idOfHex(hex, 'reg');
    },
  };
};
