import type { EventPublic, RegistrationView } from '../api.js';
import { calendarButtons } from '../calendar-buttons.js';
import { h, safeHref } from '../dom.js';
import { dateTime } from '../format.js';
import { t } from '../texts/event.js';
import { registrationForm } from './form.js';
import { embedded, type Outcome, state } from './state.js';

/**
 * The registration section: the outcome once there is one (registered, already registered,
 * or closed to registration), the date registration opens, or else the form.
 */

/** Why nobody can register now, known from the event alone. */
export const blockedBy = (event: EventPublic, now = new Date()): Outcome | undefined => {
  if (event.status === 'cancelled') return { kind: 'blocked', key: 'cancelledMessage' };
  if (event.registrationClosesAt && new Date(event.registrationClosesAt) <= now) {
    return { kind: 'blocked', key: 'closedMessage' };
  }
  if (event.seatsLeft === 0 && !event.waitlistOpen) return { kind: 'blocked', key: 'fullMessage' };
  return undefined;
};

/** Google, Outlook and the .ics file. */
const calendarLinks = (links: NonNullable<RegistrationView['calendarLinks']>) =>
  calendarButtons(t('addToCalendar'), [
    { href: links.google, label: t('googleCalendar') },
    { href: links.outlook, label: t('outlookCalendar') },
    { href: links.ics, label: t('icsFile'), download: true },
  ]);

/** The place in line: the answer's is an estimate in a rush, said as one (the exact one comes by email). */
const waitlistedTitle = ({ waitlistPosition: n, waitlistPositionProvisional: about }: RegistrationView) =>
  n ? t(about ? 'waitlistedAbout' : 'waitlistedTitle', { n }) : t('waitlistedTitleNoPos');

const resultPanel = (outcome: Outcome) => {
  if (outcome.kind === 'blocked') {
    return h('div', { class: 'result result-closed' }, h('p', { id: 'result-title' }, t(outcome.key)));
  }
  if (outcome.kind === 'already') {
    return h(
      'div',
      { class: 'result' },
      h('h3', { id: 'result-title' }, t('alreadyTitle')),
      h('p', {}, t('alreadyText', { email: outcome.email })),
    );
  }
  const { registration, manageUrl } = outcome;
  const email = registration.email;
  const [title, text] =
    registration.status === 'waitlisted'
      ? [waitlistedTitle(registration), t('waitlistedText', { email })]
      : registration.status === 'pending_confirmation'
        ? [t('pendingTitle'), t('pendingText', { email })]
        : [t('confirmedTitle'), t('confirmedText', { email })];
  return h(
    'div',
    { class: `result result-${registration.status}` },
    h('h3', { id: 'result-title' }, title),
    h('p', {}, text),
    registration.waitlistPositionProvisional ? h('p', {}, t('waitlistedExact')) : null,
    manageUrl
      ? h(
          'p',
          {},
          h(
            'a',
            // In a frame on another site, the manage page opens in its own tab.
            { class: 'button', href: safeHref(manageUrl), target: embedded ? '_blank' : undefined },
            t('manageLink'),
          ),
        )
      : null,
    registration.status === 'cancelled' || !registration.calendarLinks
      ? null
      : calendarLinks(registration.calendarLinks),
  );
};

/** `onOutcome` runs once the form has an answer from the API (see form.ts). */
export const registerSection = (event: EventPublic, onOutcome: () => void) => {
  const outcome = state.outcome ?? blockedBy(event);
  const heading = h('h2', { id: 'register-title' }, t('registerTitle'));
  const section = (...children: (Node | null)[]) =>
    h(
      'section',
      { class: 'register', id: 'register-section', 'aria-labelledby': 'register-title' },
      ...children,
    );
  if (outcome) return section(heading, resultPanel(outcome));

  const opensAt = event.registrationOpensAt;
  if (opensAt && new Date(opensAt) > new Date()) {
    return section(
      heading,
      h(
        'p',
        { class: 'result result-closed' },
        t('opensMessage', { date: dateTime(opensAt, event.timeZone) }),
      ),
    );
  }
  return section(heading, registrationForm(event, onOutcome));
};
