import {
  createCipheriv,
  createDecipheriv,
  createHash,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';

/**
 * Manage tokens: 256 random bits, handed out once in the manage link. The table keeps
 * only their SHA-256 (to check a link) and an AES-GCM sealed copy (so the mailer, which
 * runs later from the stream, can put the link in an email). Neither reveals the token
 * to someone holding a copy of the table without the key.
 */

export const newManageToken = (): string => randomBytes(32).toString('base64url');

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('base64url');

export const tokenMatches = (token: string, storedHashes: readonly string[]): boolean => {
  const candidate = Buffer.from(hashToken(token));
  let found = false;
  // Compare against every stored hash so timing says nothing about which one matched.
  for (const stored of storedHashes) {
    const expected = Buffer.from(stored);
    if (expected.length === candidate.length && timingSafeEqual(expected, candidate)) found = true;
  }
  return found;
};

export const sealToken = (token: string, key: Buffer): string => {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const sealed = Buffer.concat([cipher.update(token, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url');
};

export const unsealToken = (sealed: string, key: Buffer): string => {
  const raw = Buffer.from(sealed, 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
};

/**
 * A key of its own for one purpose (challenges, reply addresses, attendance codes...), derived
 * from the manage token key with HKDF-SHA256 under the purpose's label: none stands in for another.
 */
export const purposeKey = (tokenKey: Buffer, purpose: string): Buffer =>
  Buffer.from(hkdfSync('sha256', tokenKey, '', `inscriptions/${purpose}`, 32));

/**
 * An id made by newId as the lower-case hex of its random bytes, for places that may fold case
 * (mail addresses, QR codes); undefined for an id of another kind.
 */
export const idHex = (id: string, prefix: string): string | undefined =>
  id.startsWith(`${prefix}_`)
    ? Buffer.from(id.slice(prefix.length + 1), 'base64url').toString('hex') || undefined
    : undefined;

/** The id whose bytes `hex` spells (even length, checked by the caller's pattern). */
export const idOfHex = (hex: string, prefix: string): string =>
  `${prefix}_${Buffer.from(hex, 'hex').toString('base64url')}`;

/** Random, URL-safe identifiers for events and registrations (96 bits). */
export const newId = (prefix: string): string => `${prefix}_${randomBytes(12).toString('base64url')}`;

/** Emails are unique per event once trimmed and lower-cased. */
export const normaliseEmail = (email: string): string => email.trim().toLowerCase();

/** Key part for the per-event uniqueness of an email, so no address sits in a key. */
export const emailKey = (email: string): string =>
  createHash('sha256').update(normaliseEmail(email)).digest('base64url').slice(0, 32);
