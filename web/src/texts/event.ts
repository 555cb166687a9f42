import { pageTexts } from '../i18n.js';

/**
 * The event page's own strings (its details, form, outcome and embedded card), in French
 * and English, over the common ones (i18n.ts).
 */

const fr = {
  busyError: 'Beaucoup de personnes s’inscrivent en ce moment même. Réessayez dans quelques secondes.',
  backToList: 'Tous les événements',

  notFound: 'Cet événement est introuvable.',
  previewBanner:
    "Aperçu : cette page n'est visible que de vous. Personne ne peut s'inscrire tant que l'événement n'est pas publié.",
  previewLogin:
    "Pour prévisualiser un événement, ouvrez-le depuis l'espace organisateurs (connecté·e, dans le même onglet).",
  availability: 'Places',
  about: 'Présentation',
  agenda: 'Programme',
  speakers: 'Intervenants',
  addEventToCalendar: 'Ajouter à mon agenda (.ics)',
  timelineFrom: 'à partir de {time}',
  embedOpen: "S'inscrire",
  fullPage: "Ouvrir la page de l'événement",

  registerTitle: 'Inscription',
  requiredNote: "Les champs marqués d'un astérisque (*) sont obligatoires.",
  company: 'Entreprise',
  jobTitle: 'Fonction',
  choose: '— Choisir —',
  consent: "J'accepte que mes données servent à gérer mon inscription à cet événement.",
  honeypot: 'Site web (laissez ce champ vide)',
  submit: "S'inscrire",
  submitWaitlist: "Rejoindre la liste d'attente",
  sending: 'Envoi…',
  challengeWaiting: 'Un instant : votre navigateur fait une vérification anti-robot…',
  challengeFailed: 'La vérification anti-robot n’a pas abouti. Réessayez d’envoyer le formulaire.',
  fullWaitlistNote: "L'événement est complet : vous serez inscrit·e sur la liste d'attente.",
  errorsSummary: { one: '{n} champ à corriger.', other: '{n} champs à corriger.' },

  confirmedTitle: 'Inscription confirmée',
  confirmedText: "Un e-mail de confirmation avec l'invitation a été envoyé à {email}.",
  waitlistedTitle: "Vous êtes sur la liste d'attente, position {n}",
  waitlistedAbout: "Vous êtes sur la liste d'attente, position {n} environ",
  waitlistedTitleNoPos: "Vous êtes sur la liste d'attente",
  waitlistedText: "Nous vous écrirons à {email} dès qu'une place se libère.",
  waitlistedExact: 'Votre place exacte suivra par e-mail.',
  pendingTitle: 'Vérifiez votre boîte mail',
  pendingText: 'Cliquez sur le lien envoyé à {email} pour confirmer votre place.',
  alreadyTitle: 'Vous êtes déjà inscrit·e',
  alreadyText:
    "Cette adresse est déjà inscrite à cet événement. Nous venons d'envoyer à {email} le lien pour gérer votre inscription.",
  manageLink: 'Gérer mon inscription',
  icsFile: 'Fichier .ics',

  closedMessage: 'Les inscriptions à cet événement sont closes.',
  opensMessage: 'Les inscriptions ouvriront le {date}.',
  cancelledMessage: 'Cet événement a été annulé.',
  cancelledBanner: 'Événement annulé.',
  cancelledBannerHelp: "L'organisateur a annulé cet événement ; les inscriptions sont fermées.",
  pastBanner: 'Événement terminé.',
  pastBannerHelp: 'Cet événement a eu lieu.',
  fullMessage: "Cet événement est complet et n'a pas de liste d'attente.",
};

const en: typeof fr = {
  busyError: 'Many people are registering at this very moment. Please try again in a few seconds.',
  backToList: 'All events',

  notFound: 'This event could not be found.',
  previewBanner: 'Preview: only you can see this page. Nobody can register until the event is published.',
  previewLogin: 'To preview an event, open it from the organiser area (logged in, in the same tab).',
  availability: 'Seats',
  about: 'About',
  agenda: 'Programme',
  speakers: 'Speakers',
  addEventToCalendar: 'Add to my calendar (.ics)',
  timelineFrom: 'from {time}',
  embedOpen: 'Register',
  fullPage: 'Open the event page',

  registerTitle: 'Registration',
  requiredNote: 'Fields marked with an asterisk (*) are required.',
  company: 'Company',
  jobTitle: 'Job title',
  choose: '— Choose —',
  consent: 'I agree that my data is used to manage my registration to this event.',
  honeypot: 'Website (leave this empty)',
  submit: 'Register',
  submitWaitlist: 'Join the waitlist',
  sending: 'Sending…',
  challengeWaiting: 'One moment: your browser is doing an anti-robot check…',
  challengeFailed: 'The anti-robot check did not succeed. Please try sending the form again.',
  fullWaitlistNote: 'This event is full: you will be put on the waitlist.',
  errorsSummary: { one: '{n} field to correct.', other: '{n} fields to correct.' },

  confirmedTitle: 'Registration confirmed',
  confirmedText: 'A confirmation email with the invitation was sent to {email}.',
  waitlistedTitle: 'You are on the waitlist, position {n}',
  waitlistedAbout: 'You are on the waitlist, about position {n}',
  waitlistedTitleNoPos: 'You are on the waitlist',
  waitlistedText: 'We will write to {email} as soon as a seat frees up.',
  waitlistedExact: 'Your exact place will follow by email.',
  pendingTitle: 'Check your inbox',
  pendingText: 'Click the link sent to {email} to confirm your seat.',
  alreadyTitle: 'You are already registered',
  alreadyText:
    'This address is already registered for this event. We have just sent the link to manage your registration to {email}.',
  manageLink: 'Manage my registration',
  icsFile: '.ics file',

  closedMessage: 'Registration for this event is closed.',
  opensMessage: 'Registration opens on {date}.',
  cancelledMessage: 'This event has been cancelled.',
  cancelledBanner: 'Event cancelled.',
  cancelledBannerHelp: 'The organiser has cancelled this event; registration is closed.',
  pastBanner: 'Event over.',
  pastBannerHelp: 'This event has taken place.',
  fullMessage: 'This event is full and has no waitlist.',
};

export const { t, plural, setStatus, setupLanguageSwitch } = pageTexts(fr, en);

/** A string this page can show: its own or a common one. */
export type Key = Parameters<typeof t>[0];
