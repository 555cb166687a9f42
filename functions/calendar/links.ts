import type { EventRecord } from '../events/model.js';

/**
 * Add-to-calendar links. Google and Outlook.com both get UTC times ending in `Z`:
 * Outlook reads a time without it as the viewer's local time.
 */

/** `20260330T170000Z`; via Date so any stored offset or precision comes out as whole UTC seconds. */
const compactUtc = (instant: string): string =>
  new Date(instant)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

/** `2026-03-30T17:00:00Z`, the form Outlook.com reads as UTC. */
const isoUtc = (instant: string): string => new Date(instant).toISOString().replace(/\.\d{3}Z$/, 'Z');

const placeOf = (event: EventRecord): string =>
  event.venue ? [event.venue.name, event.venue.address, event.venue.city].filter(Boolean).join(', ') : '';

export const calendarLinks = (
  event: EventRecord,
  personal: { baseUrl: string; registrationId: string; token: string },
) => {
  const ics = `${personal.baseUrl}/api/registrations/${encodeURIComponent(personal.registrationId)}/invite.ics?token=${encodeURIComponent(personal.token)}`;
  const google = new URL('https://calendar.google.com/calendar/render');
  google.search = new URLSearchParams({
    action: 'TEMPLATE',
    text: event.title,
    dates: `${compactUtc(event.startsAt)}/${compactUtc(event.endsAt)}`,
    details: event.summary,
    location: placeOf(event),
  }).toString();
  const outlook = new URL('https://outlook.live.com/calendar/0/deeplink/compose');
  outlook.search = new URLSearchParams({
    path: '/calendar/action/compose',
    rru: 'addevent',
    subject: event.title,
    startdt: isoUtc(event.startsAt),
    enddt: isoUtc(event.endsAt),
    body: event.summary,
    location: placeOf(event),
  }).toString();
  return { ics, google: google.toString(), outlook: outlook.toString() };
};

/** An organiser's feed: `https://` to fetch, `webcal://` for a one-click subscription in calendar apps. */
export const organiserFeedLinks = (baseUrl: string, organiserId: string) => {
  const feedUrl = `${baseUrl}/calendar/organisers/${encodeURIComponent(organiserId)}.ics`;
  return { feedUrl, subscribeUrl: feedUrl.replace(/^https?:/, 'webcal:') };
};
