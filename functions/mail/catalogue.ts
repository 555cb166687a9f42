import type { EventChange, EventRecord } from '../events/model.js';
import { LONG_DATE_TIME } from '../platform/dates.js';
import type { Language } from '../platform/fields.js';
import type { MessageKind } from './kinds.js';

/** The words of every message in French and English, and how dates read in each. */

const INTL_LOCALE: Record<Language, string> = { fr: 'fr-FR', en: 'en-GB' };

/** Read in the event's zone, never the server's (UTC on Lambda). */
export const dateRange = (
  event: Pick<EventRecord, 'startsAt' | 'endsAt' | 'timeZone'>,
  language: Language,
): string =>
  new Intl.DateTimeFormat(INTL_LOCALE[language], { ...LONG_DATE_TIME, timeZone: event.timeZone }).formatRange(
    new Date(event.startsAt),
    new Date(event.endsAt),
  );

export const dateTime = (instant: string, event: EventRecord, language: Language): string =>
  new Intl.DateTimeFormat(INTL_LOCALE[language], { ...LONG_DATE_TIME, timeZone: event.timeZone }).format(
    new Date(instant),
  );

/** The words of one language. */
export type Text = (typeof TEXT)[Language];

export const TEXT = {
  fr: {
    colon: ' :',
    // Quotes inside a quote take the other kind, as French typography does: « Atelier “X” ».
    quote: (title: string) => `«\u00a0${title.replace(/«\s*/g, '“').replace(/\s*»/g, '”')}\u00a0»`,
    hello: (name?: string) => (name ? `Bonjour ${name},` : 'Bonjour,'),
    event: 'Événement',
    when: 'Date',
    where: 'Lieu',
    organiser: 'Organisateur',
    online: 'En ligne',
    andOnline: 'et en ligne',
    join: 'Rejoindre en ligne',
    checkInCode: "Votre code d'entrée, à présenter à l'accueil",
    manage: 'Gérer ou annuler mon inscription',
    view: 'Voir mon inscription',
    confirm: 'Confirmer ma place',
    eventPage: "Page de l'événement",
    inviteAttached: "L'invitation jointe ajoute l'événement à votre agenda.",
    inviteUpdated: "L'invitation jointe met à jour votre agenda.",
    cancelAttached: "L'annulation jointe retire l'événement de votre agenda.",
    replyHint: "Une question ? Répondez simplement à ce courriel : il parviendra à l'organisateur.",
    notYou: "Si vous n'êtes pas à l'origine de cette demande, ignorez ce message.",
    confirmBy: (deadline: string | undefined) =>
      deadline
        ? `Confirmez-la avant le ${deadline} : ouvrez le lien ci-dessous et cliquez sur «\u00a0Confirmer ma place\u00a0».`
        : 'Confirmez-la : ouvrez le lien ci-dessous et cliquez sur «\u00a0Confirmer ma place\u00a0».',
    change: {
      title: 'le titre',
      time: "la date ou l'heure",
      place: 'le lieu',
      joinUrl: 'le lien de connexion',
    } satisfies Record<EventChange, string>,
    list: (items: string[]) =>
      items.length > 1 ? `${items.slice(0, -1).join(', ')} et ${items[items.length - 1]}` : (items[0] ?? ''),
    subjects: {
      confirmed: 'Inscription confirmée',
      waitlisted: "Liste d'attente",
      promoted: "Une place s'est libérée pour vous",
      promoted_pending: "Une place s'est libérée : confirmez-la",
      pending_confirmation: 'Confirmez votre inscription',
      manage_link: "Votre lien d'inscription",
      cancelled_by_attendee: 'Inscription annulée',
      cancelled_by_organiser: "Inscription annulée par l'organisateur",
      hold_expired: 'Place libérée faute de confirmation',
      not_reconfirmed: 'Place libérée faute de réponse',
      erased: 'Inscription effacée',
      event_changed: 'Événement modifié',
      event_cancelled: 'Événement annulé',
      reminder: 'Rappel',
      reconfirm_ask: 'Vous venez toujours ?',
      // The organiser's own subject is used (messages.ts); these only stand in for an empty one.
      follow_up_attended: 'Merci de votre venue',
      follow_up_absent: 'Vous nous avez manqué',
    } satisfies Record<MessageKind, string>,
    confirmed: (title: string) => `Votre inscription à ${title} est confirmée.`,
    waitlisted: (title: string, position: number | undefined) =>
      position === undefined
        ? `L'événement ${title} est complet : vous êtes sur la liste d'attente.`
        : `L'événement ${title} est complet : vous êtes sur la liste d'attente, en position n°\u00a0${position}.`,
    waitlistNext:
      "Si une place se libère, elle vous sera attribuée dans l'ordre d'arrivée et vous recevrez un courriel.",
    waitlistManage: "Voir ou quitter la liste d'attente",
    promoted: (title: string) =>
      `Bonne nouvelle : une place s'est libérée et votre inscription à ${title} est confirmée.`,
    promotedPending: (title: string) => `Bonne nouvelle : une place s'est libérée pour ${title}.`,
    pending: (title: string) => `Merci pour votre inscription à ${title}. Il reste à confirmer votre place.`,
    pendingRelease: "Sans confirmation, la place sera proposée à quelqu'un d'autre.",
    manageLink: (title: string) =>
      `Vous êtes déjà inscrit(e) à ${title}. Voici votre lien pour consulter ou gérer votre inscription.`,
    cancelledByAttendee: (title: string) => `Votre inscription à ${title} est annulée.`,
    cancelledByOrganiser: (title: string) => `L'organisateur a annulé votre inscription à ${title}.`,
    erased: (title: string) =>
      `Votre inscription à ${title} et les données qui l'accompagnaient ont été effacées, comme demandé. Ce message est le dernier à leur sujet.`,
    holdExpired: (title: string) =>
      `Votre inscription à ${title} n'a pas été confirmée à temps : la place a été libérée.`,
    holdExpiredAgain: "Vous pouvez vous réinscrire depuis la page de l'événement s'il reste des places.",
    changed: (title: string) => `L'événement ${title} a été modifié.`,
    changedWhat: (what: string) => `Ce qui change : ${what}.`,
    eventCancelled: (title: string) =>
      `L'événement ${title} est annulé. Nous sommes désolés pour ce contretemps.`,
    reminder: (title: string, when: string) => `Petit rappel : ${title} a lieu le ${when}.`,
    coming: 'Je viens',
    notComing: 'Je ne peux plus venir',
    comingOrNot:
      'Dites-nous en un clic si vous venez : si vous ne pouvez plus, votre place ira à la première personne en attente.',
    reconfirmAsk: (title: string, when: string) =>
      `Vous êtes inscrit(e) à ${title}, le ${when}. Venez-vous toujours ?`,
    reconfirmBy: (deadline: string) =>
      `Sans réponse avant le ${deadline}, votre place sera libérée pour les personnes en liste d'attente.`,
    notReconfirmed: (title: string) =>
      `Vous n'avez pas confirmé votre venue à ${title} avant la date limite : votre place a été libérée pour les personnes en liste d'attente.`,
    replay: 'Voir le replay',
    followUpWhy: (title: string) => `Vous recevez ce message car vous étiez inscrit(e) à ${title}.`,
  },
  en: {
    colon: ':',
    quote: (title: string) => `“${title.replace(/“/g, '‘').replace(/”/g, '’')}”`,
    hello: (name?: string) => (name ? `Hello ${name},` : 'Hello,'),
    event: 'Event',
    when: 'When',
    where: 'Where',
    organiser: 'Organiser',
    online: 'Online',
    andOnline: 'and online',
    join: 'Join online',
    checkInCode: 'Your check-in code, to show at the door',
    manage: 'Manage or cancel my registration',
    view: 'View my registration',
    confirm: 'Confirm my seat',
    eventPage: 'Event page',
    inviteAttached: 'The attached invitation adds the event to your calendar.',
    inviteUpdated: 'The attached invitation updates your calendar.',
    cancelAttached: 'The attached cancellation removes the event from your calendar.',
    replyHint: 'Any question? Just reply to this email: it goes to the organiser.',
    notYou: 'If you did not ask for this, please ignore this message.',
    confirmBy: (deadline: string | undefined) =>
      deadline
        ? `Please confirm it before ${deadline}: open the link below and press “Confirm my seat”.`
        : 'Please confirm it: open the link below and press “Confirm my seat”.',
    change: {
      title: 'the title',
      time: 'the date or time',
      place: 'the place',
      joinUrl: 'the joining link',
    } satisfies Record<EventChange, string>,
    list: (items: string[]) =>
      items.length > 1 ? `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}` : (items[0] ?? ''),
    subjects: {
      confirmed: 'Registration confirmed',
      waitlisted: 'Waiting list',
      promoted: 'A seat is now yours',
      promoted_pending: 'A seat has freed up: please confirm it',
      pending_confirmation: 'Please confirm your registration',
      manage_link: 'Your registration link',
      cancelled_by_attendee: 'Registration cancelled',
      cancelled_by_organiser: 'Registration cancelled by the organiser',
      erased: 'Registration erased',
      hold_expired: 'Seat released: not confirmed in time',
      not_reconfirmed: 'Seat released: no answer in time',
      event_changed: 'Event updated',
      event_cancelled: 'Event cancelled',
      reminder: 'Reminder',
      reconfirm_ask: 'Are you still coming?',
      follow_up_attended: 'Thank you for coming',
      follow_up_absent: 'We missed you',
    } satisfies Record<MessageKind, string>,
    confirmed: (title: string) => `Your registration for ${title} is confirmed.`,
    waitlisted: (title: string, position: number | undefined) =>
      position === undefined
        ? `${title} is full: you are on the waiting list.`
        : `${title} is full: you are on the waiting list, in position ${position}.`,
    waitlistNext:
      'If a seat frees up, it goes to the next person in order of arrival and you will get an email.',
    waitlistManage: 'View or leave the waiting list',
    promoted: (title: string) =>
      `Good news: a seat has freed up and your registration for ${title} is confirmed.`,
    promotedPending: (title: string) => `Good news: a seat has freed up for ${title}.`,
    pending: (title: string) => `Thank you for registering for ${title}. One step left: confirm your seat.`,
    pendingRelease: 'Without confirmation, the seat will be offered to someone else.',
    manageLink: (title: string) =>
      `You are already registered for ${title}. Here is your link to view or manage your registration.`,
    cancelledByAttendee: (title: string) => `Your registration for ${title} has been cancelled.`,
    cancelledByOrganiser: (title: string) => `The organiser has cancelled your registration for ${title}.`,
    erased: (title: string) =>
      `Your registration for ${title} and the data that came with it have been erased, as asked. This is the last message about them.`,
    holdExpired: (title: string) =>
      `Your registration for ${title} was not confirmed in time, so the seat has been released.`,
    holdExpiredAgain: 'You can register again from the event page if seats are left.',
    changed: (title: string) => `${title} has been updated.`,
    changedWhat: (what: string) => `What changed: ${what}.`,
    eventCancelled: (title: string) => `${title} has been cancelled. We are sorry for the inconvenience.`,
    reminder: (title: string, when: string) => `A quick reminder: ${title} takes place on ${when}.`,
    coming: 'I’m coming',
    notComing: 'I can’t come any more',
    comingOrNot:
      'Tell us in one click whether you are coming: if you cannot, your seat goes to the first person waiting.',
    reconfirmAsk: (title: string, when: string) =>
      `You are registered for ${title}, on ${when}. Are you still coming?`,
    reconfirmBy: (deadline: string) =>
      `Without an answer before ${deadline}, your seat will be released to the people on the waiting list.`,
    notReconfirmed: (title: string) =>
      `You did not confirm you were coming to ${title} before the deadline, so your seat has been released to the people on the waiting list.`,
    replay: 'Watch the replay',
    followUpWhy: (title: string) => `You are receiving this message because you registered for ${title}.`,
  },
} as const;
