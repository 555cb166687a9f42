import { pageTexts } from '../i18n.js';

/**
 * The list pages' own strings (upcoming events, an organiser's events and feed), in French
 * and English, over the common ones (i18n.ts).
 */

const fr = {
  listTitle: 'Événements à venir',
  listIntro: 'Conférences, webinaires et rencontres : choisissez un événement pour vous inscrire.',
  noEvents: 'Aucun événement à venir pour le moment.',
  organiserLoadError: "Les événements de cet organisateur n'ont pas pu être chargés.",
  organiserEvents: 'Tous les événements de {name}',
  allOrganisers: 'Tous les organisateurs',
  organiserNotFound: "Aucun événement à venir pour cet organisateur, ou l'adresse est incomplète.",
  subscribe: "S'abonner à l'agenda",
  subscribeHelp: 'Tous les événements à venir dans votre agenda, mis à jour automatiquement.',
  feedLink: 'Adresse du flux (.ics)',
  subscribeGoogle: 'Google Agenda',
  subscribeOutlook: 'Outlook.com',
  subscribeApple: 'Apple Calendar et autres (webcal)',
  copyAddress: "Copier l'adresse",
  addressCopied: "Adresse copiée : collez-la dans votre agenda (« s'abonner à un calendrier »).",
  addressSelected: 'Adresse sélectionnée : copiez-la, puis collez-la dans votre agenda.',
  subscribeDelay:
    'Les nouveautés arrivent dans votre agenda selon son rythme : quelques heures pour Google et Outlook, au choix pour Apple.',
};

const en: typeof fr = {
  listTitle: 'Upcoming events',
  listIntro: 'Conferences, webinars and meetups: pick an event to register.',
  noEvents: 'No upcoming events for now.',
  organiserLoadError: "This organiser's events could not be loaded.",
  organiserEvents: 'All events by {name}',
  allOrganisers: 'All organisers',
  organiserNotFound: 'No upcoming events for this organiser, or the address is incomplete.',
  subscribe: 'Subscribe to the calendar',
  subscribeHelp: 'Every upcoming event in your calendar, kept up to date.',
  feedLink: 'Feed address (.ics)',
  subscribeGoogle: 'Google Calendar',
  subscribeOutlook: 'Outlook.com',
  subscribeApple: 'Apple Calendar and others (webcal)',
  copyAddress: 'Copy the address',
  addressCopied: 'Address copied: paste it into your calendar ("subscribe to a calendar").',
  addressSelected: 'Address selected: copy it, then paste it into your calendar.',
  subscribeDelay:
    'Changes reach your calendar at its own pace: a few hours for Google and Outlook, your choice for Apple.',
};

export const { t, plural, setStatus, setupLanguageSwitch } = pageTexts(fr, en);

/** A string this page can show: its own or a common one. */
export type Key = Parameters<typeof t>[0];
