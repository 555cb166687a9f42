import type { EventFormat, EventPublic } from './api.js';
import { type Key, plural, t } from './i18n.js';

export * from './dates.js';

const FORMAT_KEYS: Record<EventFormat, Key> = { in_person: 'inPerson', online: 'online', hybrid: 'hybrid' };
export const formatLabel = (format: EventFormat): string => t(FORMAT_KEYS[format] ?? 'inPerson');

export type Availability = { text: string; tone: 'open' | 'waitlist' | 'closed' };

export const availability = (event: EventPublic, now = new Date()): Availability => {
  if (event.status === 'cancelled') return { text: t('cancelled'), tone: 'closed' };
  if (event.registrationClosesAt && new Date(event.registrationClosesAt) <= now) {
    return { text: t('registrationClosed'), tone: 'closed' };
  }
  if (event.seatsLeft === null) return { text: t('unlimited'), tone: 'open' };
  if (event.seatsLeft > 0) return { text: plural('seatsLeft', event.seatsLeft), tone: 'open' };
  return event.waitlistOpen ? { text: t('waitlist'), tone: 'waitlist' } : { text: t('full'), tone: 'closed' };
};
