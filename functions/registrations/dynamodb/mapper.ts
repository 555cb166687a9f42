import { registrationIdIndexKey, registrationKey, waitlistIndexKey } from '../../platform/keys.js';
import type { RegistrationRecord } from '../model.js';

/** The one mapping between a registration and its item: these fields, and the keys around them. */
const REGISTRATION_FIELDS = [
  'id',
  'eventId',
  'emailKey',
  'name',
  'email',
  'company',
  'jobTitle',
  'answers',
  'locale',
  'status',
  'shard',
  'waitTicket',
  'tokenHashes',
  'tokenSealed',
  'answerTokenHash',
  'holdExpiresAt',
  'consentAt',
  'consentVersion',
  'source',
  'marketingConsent',
  'createdAt',
  'updatedAt',
  'confirmedAt',
  'mailboxProvenAt',
  'cancelledAt',
  'cancelledBy',
  'checkedInAt',
  'reconfirmedAt',
  'rsvp',
  'rsvpAt',
  'rsvpOrder',
  'joinedAt',
  'linkRequestedAt',
  'sequenceOffset',
] as const satisfies readonly (keyof RegistrationRecord)[];

export const toRegistration = (item: Record<string, unknown>): RegistrationRecord =>
  Object.fromEntries(
    REGISTRATION_FIELDS.filter((name) => item[name] !== undefined).map((name) => [name, item[name]]),
  ) as unknown as RegistrationRecord;

/** One live registration per event and normalised email: the key says which. */
export const keyOf = (registration: Pick<RegistrationRecord, 'eventId' | 'emailKey'>) =>
  registrationKey(registration.eventId, registration.emailKey);

/** The stored item: the record, its key, the id index entry, and the waitlist entry while it waits. */
export const toItem = (registration: RegistrationRecord) => ({
  ...keyOf(registration),
  ...registrationIdIndexKey(registration.id),
  ...(registration.status === 'waitlisted' && registration.waitTicket !== undefined
    ? waitlistIndexKey(registration.eventId, registration.waitTicket)
    : {}),
  ...registration,
});
