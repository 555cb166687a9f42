import type { EventRecord } from '../../functions/events/model.js';
import type { RegistrationRecord } from '../../functions/registrations/model.js';

/** Records for the pure rules' tests: a published in-person morning in 2030, and a seat at it. */

export const eventRecord = (fields: Partial<EventRecord> = {}): EventRecord => ({
  id: 'evt_1',
  organiserId: 'media-aces',
  organiserName: 'Media Aces',
  title: 'Conférence',
  summary: '',
  description: '',
  format: 'in_person',
  venue: { name: 'Salle', address: '', city: 'Paris' },
  joinUrl: null,
  startsAt: '2030-04-10T08:00:00.000Z',
  endsAt: '2030-04-10T10:00:00.000Z',
  timeZone: 'Europe/Paris',
  language: 'fr',
  capacity: 10,
  waitlistEnabled: true,
  requireConfirmation: false,
  registrationOpensAt: null,
  registrationClosesAt: null,
  status: 'published',
  agenda: [],
  speakers: [],
  questions: [],
  sequence: 0,
  createdAt: '2030-03-01T00:00:00.000Z',
  updatedAt: '2030-03-01T00:00:00.000Z',
  ...fields,
});

export const seatRecord = (fields: Partial<RegistrationRecord> = {}): RegistrationRecord => ({
  id: 'reg_1',
  eventId: 'evt_1',
  emailKey: 'k1',
  shard: 0,
  name: 'Camille',
  email: 'camille@example.com',
  answers: {},
  locale: 'fr',
  status: 'confirmed',
  tokenHashes: ['h'],
  tokenSealed: 's',
  consentAt: '2030-03-02T00:00:00.000Z',
  createdAt: '2030-03-02T00:00:00.000Z',
  updatedAt: '2030-03-02T00:00:00.000Z',
  confirmedAt: '2030-03-02T00:00:00.000Z',
  ...fields,
});
