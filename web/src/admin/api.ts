import type { adminRegistrationView } from '../../../functions/registrations/model.js';
import type { AttendanceStats } from '../../../functions/registrations/report.js';
import { ApiError, type EventPublic, errorOf, type Method, request } from '../api.js';

/** The admin half of the HTTP contract (API.md, "Admin"), as the admin page uses it. */

export type EventStatus = 'draft' | 'published' | 'cancelled';
export type RegistrationStatus = 'pending_confirmation' | 'confirmed' | 'waitlisted' | 'cancelled';
export type RegistrationSort = 'newest' | 'oldest' | 'name';

export interface Counts {
  confirmed: number;
  pendingConfirmation: number;
  waitlisted: number;
  cancelled: number;
  checkedIn: number;
}

export interface EventAdmin extends Omit<EventPublic, 'status' | 'venue' | 'marketingConsentText'> {
  status: EventStatus;
  venue?: { name: string; address: string; city: string };
  joinUrl: string | null;
  requireConfirmation: boolean;
  requireChallenge: boolean;
  waitlistEnabled: boolean;
  sequence: number;
  counts: Counts;
  /** Reminder offsets (ISO 8601 durations), the format's defaults unless set. */
  reminders: string[];
  reconfirmBy: string | null;
  /** null: 48 hours before `reconfirmBy`. */
  reconfirmAskAt: string | null;
  /** The marketing consent box's text; null: no box. */
  marketingConsentText: string | null;
  /** The messages sent once after the end; null: none. */
  followUp?: FollowUp | null;
  createdAt: string;
  updatedAt: string;
}

export interface FollowUp {
  attended?: { subject: string; body: string };
  absent?: { subject: string; body: string };
  replayUrl?: string;
}

/**
 * A registration as the organiser sees it (list, export, check-in): the server's own view
 * (adminRegistrationView in functions/registrations/model.ts), as JSON.
 */
export type RegistrationAdmin = ReturnType<typeof adminRegistrationView>;

/** A tracking link with its conversion counts (GET .../links). */
export interface TrackingLink {
  code: string;
  url: string;
  label: string;
  utm_source: string;
  utm_medium: string | null;
  utm_campaign: string | null;
  visits: number;
  registrations: number;
  confirmed: number;
  attended: number;
  createdAt: string;
}

export interface DayCount {
  date: string;
  confirmed: number;
  pendingConfirmation?: number;
  waitlisted: number;
  cancelled: number;
}

export interface Stats {
  counts: Counts;
  registrationsByDay: DayCount[];
  attendance?: AttendanceStats;
  bySource?: { source: string; registered: number; confirmed: number; attended: number }[];
}

export interface ApiKey {
  id: string;
  organiserId: string;
  label: string;
  createdAt: string;
  lastUsedAt?: string;
}

export interface OutboxEmail {
  id: string;
  to: string;
  subject: string;
  sentAt: string;
}

const enc = encodeURIComponent;

/**
 * Whether the login no longer counts: the contract's 401, or in AWS the admin authorizer's
 * refusal, which API Gateway answers itself with a bare 403 (no `error` body, hence `http_error`).
 */
const loginRefused = (status: number, code?: string): boolean =>
  status === 401 || (status === 403 && code === 'http_error');

/**
 * Calls with the organiser's bearer token. A refused token (expired or revoked):
 * `onUnauthorized` sends the organiser back to the login. `organiser`: the one picked when the
 * login acts for several; the organiser-wide lists show it only, and what is made is its.
 */
export const createAdminApi = (
  token: () => string | undefined,
  onUnauthorized: () => void,
  organiser: () => string | undefined = () => undefined,
) => {
  const call = async <T>(method: Method, path: string, body?: unknown): Promise<T> => {
    const bearer = token();
    if (!bearer) {
      onUnauthorized();
      throw new ApiError(401, 'unauthorized', 'Not logged in');
    }
    try {
      return await request<T>(method, path, body, { authorization: `Bearer ${bearer}` });
    } catch (error) {
      if (error instanceof ApiError && loginRefused(error.status, error.code)) onUnauthorized();
      throw error;
    }
  };
  const ofPicked = (path: string) => {
    const id = organiser();
    return id ? `${path}?organiser=${enc(id)}` : path;
  };
  const forPicked = <T extends object>(input: T): T => {
    const id = organiser();
    return id ? { ...input, organiserId: id } : input;
  };
  const event = (id: string) => `/api/admin/events/${enc(id)}`;
  const registration = (eventId: string, id: string) => `${event(eventId)}/registrations/${enc(id)}`;
  return {
    events: () => call<{ events: EventAdmin[] }>('GET', ofPicked('/api/admin/events')),
    event: (id: string) => call<EventAdmin>('GET', event(id)),
    create: (input: object) => call<EventAdmin>('POST', '/api/admin/events', forPicked(input)),
    update: (id: string, input: unknown) => call<EventAdmin>('PATCH', event(id), input),
    publish: (id: string) => call<EventAdmin>('POST', `${event(id)}/publish`),
    cancel: (id: string) => call<EventAdmin>('POST', `${event(id)}/cancel`),
    /** One page, filtered, searched and sorted by the server (API.md, "Registrations list and export"). */
    registrations: (
      id: string,
      options: { status?: string; q?: string; sort?: RegistrationSort; cursor?: string; limit?: number },
    ) => {
      const query = new URLSearchParams();
      if (options.status) query.set('status', options.status);
      if (options.q) query.set('q', options.q);
      if (options.sort) query.set('sort', options.sort);
      if (options.cursor) query.set('cursor', options.cursor);
      if (options.limit) query.set('limit', String(options.limit));
      const suffix = query.toString() ? `?${query}` : '';
      return call<{ items: RegistrationAdmin[]; nextCursor: string | null; total: number }>(
        'GET',
        `${event(id)}/registrations${suffix}`,
      );
    },
    stats: (id: string) => call<Stats>('GET', `${event(id)}/stats`),
    links: (id: string) => call<{ links: TrackingLink[] }>('GET', `${event(id)}/links`),
    createLink: (
      id: string,
      input: { label: string; utm_source: string; utm_medium?: string; utm_campaign?: string },
    ) => call<{ code: string; url: string }>('POST', `${event(id)}/links`, input),
    checkIn: (eventId: string, id: string) =>
      call<RegistrationAdmin>('POST', `${registration(eventId, id)}/check-in`),
    /** The door scanner: `409 already_checked_in` (name, time) or `no_seat` (status); `404` otherwise. */
    checkInByCode: (eventId: string, code: string) =>
      call<RegistrationAdmin>('POST', `${event(eventId)}/check-in-by-code`, { code }),
    undoCheckIn: (eventId: string, id: string) =>
      call<RegistrationAdmin>('DELETE', `${registration(eventId, id)}/check-in`),
    cancelRegistration: (eventId: string, id: string) =>
      call<RegistrationAdmin>('POST', `${registration(eventId, id)}/cancel`),
    promote: (eventId: string, id: string) =>
      call<RegistrationAdmin>('POST', `${registration(eventId, id)}/promote`),
    resend: (eventId: string, id: string) =>
      call<RegistrationAdmin>('POST', `${registration(eventId, id)}/resend`),
    erase: (eventId: string, id: string) =>
      call<{ id: string; erased: true }>('DELETE', registration(eventId, id)),
    /**
     * The CSV as a Blob: the bearer token goes in a header, so a plain link cannot fetch it.
     * `lang` is the organiser's: `;` and French titles for French spreadsheets, `,` for English.
     */
    csv: async (id: string, lang: 'fr' | 'en'): Promise<{ blob: Blob; filename: string }> => {
      const bearer = token();
      let response: Response;
      try {
        response = await fetch(`${event(id)}/registrations.csv?lang=${lang}`, {
          headers: { authorization: `Bearer ${bearer ?? ''}`, accept: 'text/csv' },
        });
      } catch {
        throw new ApiError(0, 'network', 'Network error');
      }
      if (!response.ok) {
        const error = await errorOf(response);
        if (loginRefused(error.status, error.code)) onUnauthorized();
        throw error;
      }
      const disposition = response.headers.get('content-disposition') ?? '';
      const filename = /filename="([^"]+)"/.exec(disposition)?.[1] ?? `registrations-${id}.csv`;
      return { blob: await response.blob(), filename };
    },
    apiKeys: () => call<{ apiKeys: ApiKey[] }>('GET', ofPicked('/api/admin/api-keys')),
    /** The key is in this answer only. */
    createApiKey: (label: string) =>
      call<ApiKey & { key: string }>('POST', '/api/admin/api-keys', forPicked({ label })),
    revokeApiKey: (id: string) =>
      call<{ id: string; revoked: true }>('DELETE', `/api/admin/api-keys/${enc(id)}`),
    // Webhooks (API.md, "Sources and integrations"): the secret comes in the create and rotate answers only.
    webhooks: () => call<{ items: WebhookAdmin[] }>('GET', ofPicked('/api/admin/webhooks')),
    createWebhook: (input: { url: string; events: string[] }) =>
      call<{ id: string; secret: string }>('POST', '/api/admin/webhooks', forPicked(input)),
    deleteWebhook: (id: string) => call<void>('DELETE', webhook(id)),
    rotateWebhook: (id: string) => call<{ id: string; secret: string }>('POST', `${webhook(id)}/rotate`),
    testWebhook: (id: string) =>
      call<{ status: DeliveryAdmin['status']; responseCode?: number; error?: string }>(
        'POST',
        `${webhook(id)}/test`,
      ),
    webhookDeliveries: (id: string) => call<{ items: DeliveryAdmin[] }>('GET', `${webhook(id)}/deliveries`),
    /** Local runtime only; 404 where the outbox is not served. */
    outbox: () => request<{ emails: OutboxEmail[] }>('GET', '/local/outbox'),
  };
};

export type AdminApi = ReturnType<typeof createAdminApi>;

const webhook = (id: string) => `/api/admin/webhooks/${encodeURIComponent(id)}`;

export interface WebhookAdmin {
  id: string;
  url: string;
  events: string[];
  createdAt: string;
  previousSecretUntil?: string;
}

export interface DeliveryAdmin {
  id: string;
  type: string;
  occurredAt: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  responseCode?: number;
  error?: string;
  lastAttemptAt?: string;
  nextAttemptAt?: string;
}
