import type { EventRecord } from '../events/model.js';

/**
 * Add-to-calendar links. Google and Outlook.com both get UTC times ending in `Z`:
 * Outlook reads a time without it as the viewer's local time.
 */

const compactUtc = (instant: string): string => instant.replace(/[-:]/g, '').replace(/\.\d{3}/, '');

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
    startdt: event.startsAt.replace(/\.\d{3}Z$/, 'Z'),
    enddt: event.endsAt.replace(/\.\d{3}Z$/, 'Z'),
    body: event.summary,
    location: placeOf(event),
  }).toString();
  return { ics, google: google.toString(), outlook: outlook.toString() };
};
