import type { EventRecord, Organiser, SeatQuotas } from './model.js';

/** `create` found the id held by another event (the caller may try another id). */
export class EventIdTaken extends Error {
  constructor(readonly eventId: string) {
    super(`An event already has the id ${eventId}`);
    this.name = 'EventIdTaken';
  }
}

/** An event with its seat quotas, as one consistent read gives them. */
export interface EventWithSeats {
  event: EventRecord;
  seats: SeatQuotas;
}

/**
 * What the handlers, the use cases and the workers need from event storage. The DynamoDB
 * adapter is store.ts.
 */
export interface EventRepository {
  putOrganiser(organiser: Organiser): Promise<void>;
  getOrganiser(organiserId: string): Promise<Organiser | undefined>;
  listOrganisers(): Promise<Organiser[]>;

  /**
   * The event and its seat quotas, created together; `shards` is for tests and the benchmark.
   * Throws EventIdTaken when another event holds the id.
   */
  create(event: EventRecord, options?: { shards?: number }): Promise<void>;
  /** Saves a changed event (and mirrors what the seat conditions read onto its quotas). */
  save(before: EventRecord, after: EventRecord): Promise<void>;

  get(eventId: string): Promise<EventWithSeats | undefined>;
  /** The event as read at most `maxAgeMs` ago by this container (the registration rush only). */
  getRecent(eventId: string, maxAgeMs: number): Promise<EventWithSeats | undefined>;
  getSeatQuotas(eventId: string): Promise<SeatQuotas | undefined>;
  /** The seat quota items as stored (reconciliation compares them with the registrations). */
  shardItems(eventId: string): Promise<Record<string, unknown>[]>;
  listByOrganiser(organiserId: string): Promise<EventWithSeats[]>;
  /** One organiser's events without their seats (the calendar feed). */
  listEvents(organiserId: string): Promise<EventRecord[]>;
  /** Every event with seat quotas (reconciliation). */
  allEventIds(): Promise<string[]>;
}
