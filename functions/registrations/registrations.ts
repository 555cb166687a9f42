import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { EventRecord, SeatQuotas } from '../events/model.js';
import { checkIn, checkInByCode, recordJoin, undoCheckIn } from './attendance.js';
import { RegistrationTable } from './dynamodb/table.js';
import type { Answers, RegistrationRecord, RsvpAnswer } from './model.js';
import { erase, requestManageLink, restampPersonalDataExpiry } from './personal-data.js';
import type { RegistrationContext, RegistrationSettings, SeatQuotaReader } from './ports.js';
import { promoteOutOfTurn } from './promote.js';
import { reconfirm, releaseNotReconfirmed } from './reconfirm.js';
import { type RegisterOutcome, register } from './register.js';
import { cancel, confirm, releaseExpiredHolds } from './release.js';
import { answerInvitation } from './rsvp.js';
import type { RegistrationInput, RegistrationStatus } from './schemas.js';
import { fillFreeSeats, waitlistPosition, waitlistPositions } from './waitlist.js';

export type { RegistrationSettings } from './ports.js';
export type { RegisterOutcome } from './register.js';

/**
 * The registration use cases, one module per verb (register, waitlist, release, promote,
 * attendance, personal data), over the DynamoDB adapter: what handlers, workers and tests call.
 */
export class Registrations {
  private readonly context: RegistrationContext;
  private readonly table: RegistrationTable;

  constructor(
    db: DynamoDBDocumentClient,
    tableName: string,
    quotas: SeatQuotaReader,
    settings: RegistrationSettings,
  ) {
    this.table = new RegistrationTable(db, tableName);
    this.context = {
      table: this.table,
      quotas,
      settings,
      holdSweeps: new Map(),
      viewNotes: new WeakMap(),
    };
  }

  register(
    event: EventRecord,
    input: RegistrationInput & { answers: Answers },
    now: Date,
    seen?: SeatQuotas,
  ): Promise<RegisterOutcome> {
    return register(this.context, event, input, now, seen);
  }

  cancel(registration: RegistrationRecord, by: NonNullable<RegistrationRecord['cancelledBy']>, now: Date) {
    return cancel(this.context, registration, by, now);
  }

  answerInvitation(registration: RegistrationRecord, answer: RsvpAnswer, now: Date) {
    return answerInvitation(this.context, registration, answer, now);
  }

  confirm(registration: RegistrationRecord, now: Date) {
    return confirm(this.context, registration, now);
  }

  reconfirm(registration: RegistrationRecord, event: EventRecord, now: Date) {
    return reconfirm(this.context, registration, event, now);
  }

  releaseNotReconfirmed(registration: RegistrationRecord, event: EventRecord, now: Date) {
    return releaseNotReconfirmed(this.context, registration, event, now);
  }

  releaseExpiredHolds(eventId: string, now: Date) {
    return releaseExpiredHolds(this.context, eventId, now);
  }

  fillFreeSeats(eventId: string, now: Date) {
    return fillFreeSeats(this.context, eventId, now);
  }

  promoteManually(registration: RegistrationRecord, now: Date) {
    return promoteOutOfTurn(this.context, registration, now);
  }

  checkIn(registration: RegistrationRecord, now: Date) {
    return checkIn(this.context, registration, now);
  }

  checkInByCode(registration: RegistrationRecord, now: Date) {
    return checkInByCode(this.context, registration, now);
  }

  undoCheckIn(registration: RegistrationRecord, now: Date) {
    return undoCheckIn(this.context, registration, now);
  }

  /** The personal join link's first use; true when this call recorded it. */
  recordJoin(registration: RegistrationRecord, now: Date) {
    return recordJoin(this.context, registration, now);
  }

  requestManageLink(registration: RegistrationRecord, now: Date) {
    return requestManageLink(this.context, registration, now);
  }

  erase(registration: RegistrationRecord, now: Date) {
    return erase(this.context, registration, now);
  }

  restampPersonalDataExpiry(eventId: string, eventEndsAt: string) {
    return restampPersonalDataExpiry(this.context, eventId, eventEndsAt);
  }

  /** By event and normalised email, consistently (the mailer reads what the stream names). */
  get(key: Pick<RegistrationRecord, 'eventId' | 'emailKey'>) {
    return this.table.get(key);
  }

  waitlistPosition(registration: RegistrationRecord) {
    return waitlistPosition(this.context, registration);
  }

  waitlistPositions(eventId: string) {
    return waitlistPositions(this.context, eventId);
  }

  getById(registrationId: string) {
    return this.table.getById(registrationId);
  }

  list(
    eventId: string,
    options: { status?: RegistrationStatus; limit?: number; cursor?: Record<string, unknown> },
  ) {
    return this.table.list(eventId, options);
  }

  all(eventId: string) {
    return this.table.all(eventId);
  }

  erased(eventId: string) {
    return this.table.erased(eventId);
  }
}
