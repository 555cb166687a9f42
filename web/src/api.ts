/** The HTTP contract of /work/shared/design/API.md, as the pages use it. */
import type { registrationView } from '../../functions/registrations/model.js';

export type EventFormat = 'in_person' | 'online' | 'hybrid';

export interface Venue {
  name: string;
  address?: string;
  city?: string;
}

export interface Question {
  id: string;
  label: string;
  type: 'text' | 'select' | 'checkbox';
  required: boolean;
  options?: string[];
}

export interface EventPublic {
  id: string;
  organiserId: string;
  organiserName: string;
  title: string;
  summary: string;
  description: string;
  format: EventFormat;
  venue?: Venue;
  startsAt: string;
  endsAt: string;
  timeZone: string;
  language: 'fr' | 'en';
  capacity: number | null;
  seatsLeft: number | null;
  waitlistOpen: boolean;
  registrationOpensAt?: string;
  registrationClosesAt?: string;
  status: 'published' | 'cancelled';
  agenda: { startsAt: string; endsAt?: string; title: string; speakers: string[] }[];
  speakers: { name: string; title?: string }[];
  questions: Question[];
  /** Registering takes a solved proof-of-work challenge (event/challenge.ts). */
  requireChallenge?: boolean;
  /** The optional marketing consent box's text; absent: no box. */
  marketingConsentText?: string;
  calendarUrl: string;
}

/** A proof-of-work challenge for registering (ALTCHA's format). */
export interface Challenge {
  algorithm: string;
  challenge: string;
  maxnumber: number;
  salt: string;
  signature: string;
}

/**
 * What the manage endpoints and the `201` answer: the server's own view (registrationView in
 * functions/registrations/model.ts), as JSON, so a field added there is known here.
 */
export type RegistrationView = ReturnType<typeof registrationView>;

/** `calendar` is the organiser's feed (`feedUrl` https, `subscribeUrl` webcal). */
export interface EventList {
  events: EventPublic[];
  calendar?: { feedUrl: string; subscribeUrl: string };
}

/** No `manageUrl` for a registration pending confirmation: the link comes by email only. */
export type RegisterResult =
  | { registration: RegistrationView; manageUrl?: string }
  | { status: 'already_registered' };

/** A failed call: the API's error body, or `network` when no answer came. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
  }
}

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** The API's error body turned into an ApiError; `network` when no answer came. */
export const errorOf = async (response: Response): Promise<ApiError> => {
  const data: unknown = await response.json().catch(() => undefined);
  const error = (data as { error?: { code?: string; message?: string; fields?: Record<string, string> } })
    ?.error;
  return new ApiError(
    response.status,
    error?.code ?? 'http_error',
    error?.message ?? response.statusText,
    error?.fields,
  );
};

export const request = async <T>(
  method: Method,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<T> => {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: {
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch {
    throw new ApiError(0, 'network', 'Network error');
  }
  if (!response.ok) throw await errorOf(response);
  return (await response.json().catch(() => undefined)) as T;
};

const enc = encodeURIComponent;

export const api = {
  events: (organiserId: string) => request<EventList>('GET', `/api/events?organiser=${enc(organiserId)}`),
  event: (eventId: string) => request<EventPublic>('GET', `/api/events/${enc(eventId)}`),
  /** The organiser's own view of an event (a draft too), with their admin token: the preview. */
  eventPreview: (eventId: string, token: string) =>
    request<EventPublic>('GET', `/api/admin/events/${enc(eventId)}`, undefined, {
      authorization: `Bearer ${token}`,
    }),
  challenge: (eventId: string) => request<Challenge>('GET', `/api/events/${enc(eventId)}/challenge`),
  register: (eventId: string, input: unknown) =>
    request<RegisterResult>('POST', `/api/events/${enc(eventId)}/registrations`, input),
  registration: (id: string, token: string) =>
    request<RegistrationView>('GET', `/api/registrations/${enc(id)}?token=${enc(token)}`),
  confirm: (id: string, token: string) =>
    request<RegistrationView>('POST', `/api/registrations/${enc(id)}/confirm?token=${enc(token)}`),
  cancel: (id: string, token: string) =>
    request<RegistrationView>('POST', `/api/registrations/${enc(id)}/cancel?token=${enc(token)}`),
  /** "I'm coming" (idempotent). */
  reconfirm: (id: string, token: string) =>
    request<RegistrationView>('POST', `/api/registrations/${enc(id)}/reconfirm?token=${enc(token)}`),
  /** No token: the manage link goes by email to the registration's address. */
  requestLink: (id: string) =>
    request<{ status: 'sent'; everyMinutes: number }>('POST', `/api/registrations/${enc(id)}/manage-link`),
  /** The personal invitation file (a CANCEL once the registration or the event is cancelled). */
  inviteUrl: (id: string, token: string) => `/api/registrations/${enc(id)}/invite.ics?token=${enc(token)}`,
  /** GDPR erasure by the registrant: the registration and the link are gone afterwards. */
  erase: (id: string, token: string) =>
    request<{ id: string; erased: true }>('DELETE', `/api/registrations/${enc(id)}?token=${enc(token)}`),
};
