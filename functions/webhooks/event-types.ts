/** The types an organiser may subscribe to. Browser-safe: the admin page offers the same list. */
export const webhookEventTypes = [
  'registration.created',
  'registration.confirmed',
  'registration.waitlisted',
  'registration.cancelled',
  'registration.checked_in',
  'event.updated',
  'event.cancelled',
] as const;
export type WebhookEventType = (typeof webhookEventTypes)[number];
