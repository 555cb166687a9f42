/**
 * Privacy (GDPR) settings in one place: which privacy text people agreed to, and how long
 * their personal data is kept after the event.
 */

/**
 * The version of the privacy text (web/src/privacy.html) a registrant agrees to. Stored with
 * each consent, so we can show which text someone accepted; change it whenever the text
 * changes in substance.
 */
export const PRIVACY_VERSION = '2026-11-30';

export const DEFAULT_PERSONAL_DATA_DAYS = 30;

/**
 * Days personal data is kept after the event ends (`PERSONAL_DATA_DAYS`, default 30). Read
 * here rather than in config(): the value must not fail a handler that does not need it.
 */
export const personalDataDays = (env: NodeJS.ProcessEnv = process.env): number => {
  const raw = env.PERSONAL_DATA_DAYS;
  if (raw === undefined || raw === '') return DEFAULT_PERSONAL_DATA_DAYS;
  const days = Number(raw);
  if (!Number.isInteger(days) || days < 1 || days > 3650) {
    throw new Error(`PERSONAL_DATA_DAYS must be a whole number of days (1 to 3650), got "${raw}"`);
  }
  return days;
};

/**
 * When DynamoDB TTL may delete a registration (epoch seconds, the table's `expiresAt`):
 * `days` after the event ends. The seat quotas' counters and the erasure tombstones carry no
 * personal data and have no TTL, so the anonymous counts stay.
 */
export const personalDataExpiresAt = (eventEndsAt: string, days = personalDataDays()): number =>
  Math.floor(new Date(eventEndsAt).getTime() / 1000) + days * 86_400;

/** Whether an event's registrations may already be gone (TTL has passed its ending + days). */
export const personalDataExpired = (eventEndsAt: string, now: Date, days = personalDataDays()): boolean =>
  now.getTime() / 1000 >= personalDataExpiresAt(eventEndsAt, days);
