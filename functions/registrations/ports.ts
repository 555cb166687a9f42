import type { SeatQuotas } from '../events/model.js';
import type { Transaction } from '../platform/transaction.js';
import type { RegistrationWrites } from './dynamodb/writes.js';
import type { RegistrationRecord } from './model.js';
import type { RegistrationStatus } from './schemas.js';

/** What is left of an erased registration: anonymous, for the counts. */
export interface ErasedRegistration {
  status: RegistrationStatus;
  createdAt: string;
  checkedIn: boolean;
  shard: number;
}

/**
 * What the registration use cases need from storage: reads, the items transactions are made
 * of (`writes`), and sending a transaction. The DynamoDB adapter is dynamodb/table.ts.
 */
export interface RegistrationTablePort {
  readonly writes: RegistrationWrites;
  /** Sends a transaction, retrying conflicts (the SDK client retries throttling); failed conditions come back by name. */
  write(transaction: Transaction): Promise<void>;
  /** Sends it without the conflict retries: the caller decides what a conflict means (a new registration tries another quota). */
  writeOnce(transaction: Transaction): Promise<void>;

  /** Read consistently, by event and normalised email. */
  get(
    registration: Pick<RegistrationRecord, 'eventId' | 'emailKey'>,
  ): Promise<RegistrationRecord | undefined>;
  getById(registrationId: string): Promise<RegistrationRecord | undefined>;
  /** Replaces the manage-link hashes and the sealed token the mailer reads. */
  setManageLinks(
    registration: RegistrationRecord,
    tokenHashes: string[],
    tokenSealed: string,
    now: Date,
  ): Promise<void>;

  /** Moves every registration's deletion date (TTL) of the event; how many were moved. */
  setPersonalDataExpiry(eventId: string, expiresAt: number): Promise<number>;

  /** The oldest waitlisted registrations, first in line first (at most `limit`, from the index). */
  waitlistHead(eventId: string, limit: number): Promise<RegistrationRecord[]>;
  /** Everyone waiting, first in line first (ids and tickets only). */
  waitlistQueue(eventId: string): Promise<Pick<RegistrationRecord, 'id' | 'waitTicket'>[]>;
  /** How many wait ahead of this waitlisted registration (from the index). */
  aheadInQueue(registration: RegistrationRecord): Promise<number>;

  /** A page of an event's registrations (stored order), optionally of one status. */
  list(
    eventId: string,
    options: { status?: RegistrationStatus; limit?: number; cursor?: Record<string, unknown> },
  ): Promise<{ items: RegistrationRecord[]; next?: Record<string, unknown> }>;
  all(eventId: string): Promise<RegistrationRecord[]>;
  /** The cancelled registrations a live one replaced (same address), kept under keys of their own. */
  replacedBy(registration: Pick<RegistrationRecord, 'eventId' | 'emailKey'>): Promise<RegistrationRecord[]>;
  /** Held seats still pending confirmation whose hold has lapsed. */
  lapsedHolds(eventId: string, now: Date): Promise<RegistrationRecord[]>;
  erased(eventId: string): Promise<ErasedRegistration[]>;
}

/** The event's seat quotas as they stand (events/store.ts reads them). */
export interface SeatQuotaReader {
  getSeatQuotas(eventId: string): Promise<SeatQuotas | undefined>;
}

export interface RegistrationSettings {
  tokenKey: Buffer;
  holdMinutes: number;
  /** The pause after losing a race for a quota (tests shorten it). */
  pause?: (attempt: number) => Promise<void>;
}

/** What every registration use case works with. */
export interface RegistrationContext {
  readonly table: RegistrationTablePort;
  readonly quotas: SeatQuotaReader;
  readonly settings: RegistrationSettings;
  /** When this container last looked for each event's lapsed holds (register.ts). */
  readonly holdSweeps: Map<string, number>;
  /** What this container learned about each quotas view since reading it (register.ts). */
  readonly viewNotes: WeakMap<SeatQuotas, ViewNotes>;
}

/** Since a quotas view was read: the waitlist places taken on it, the quotas found full. */
export interface ViewNotes {
  placesTaken: number;
  full: Set<number>;
}

/** How many times a use case decides again after the quotas moved under it. */
export const MAX_ROUNDS = 50;
