import { createHash, randomBytes } from 'node:crypto';
import * as z from 'zod/mini';
import { identifier, requiredLine } from '../platform/fields.js';

/**
 * API keys: how an integration acts for one organiser on the admin API. The key is shown once;
 * only its SHA-256 is kept (it carries 256 random bits, so no slow hash is needed).
 */

/** Tells a key from a JWT at a glance (and lets secret scanners recognise a leaked one). */
export const API_KEY_PREFIX = 'ik_';
/** `ik_` and 32 random bytes in base64url. */
const API_KEY_SHAPE = /^ik_[A-Za-z0-9_-]{43}$/;

/** `lastUsedAt` moves at most this often: a key used every second costs one write a minute. */
export const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * `organiserId`: which of the caller's organisers the key acts for, when they act for several.
 * Built on first use, like every schema (platform/fields.ts).
 */
export const apiKeyCreateInput = /* @__PURE__ */ z.lazy(() =>
  z.strictObject({
    label: requiredLine(100),
    organiserId: z.optional(identifier()),
  }),
);

export interface ApiKeyRecord {
  id: string;
  organiserId: string;
  label: string;
  createdAt: string;
  lastUsedAt?: string;
}

export const newApiKey = (): string => `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;

export const isApiKey = (token: string): boolean => token.startsWith(API_KEY_PREFIX);

/** The stored form; `undefined` for anything not shaped like a key (never looked up). */
export const apiKeyHash = (key: string): string | undefined =>
  API_KEY_SHAPE.test(key) ? createHash('sha256').update(key, 'utf8').digest('base64url') : undefined;

/** Whether a use at `now` should be written down. */
export const lastUseIsStale = (record: ApiKeyRecord, now: Date): boolean =>
  !record.lastUsedAt || now.getTime() - Date.parse(record.lastUsedAt) >= LAST_USED_RESOLUTION_MS;
