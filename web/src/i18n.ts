import { dictionary, type KeyOf, type PluralKeyOf, setupLanguageSwitch as setupSwitch } from './i18n-core.js';

/**
 * The attendee pages' strings (list, event, manage), in French and English. Every string
 * these pages show comes from here; pages re-render when the visitor switches.
 */

export { lang, locale, onLangChange } from './i18n-core.js';

const fr = {
  siteName: 'Inscriptions',
  skipToContent: 'Aller au contenu',
  languageSwitch: 'Langue',
  loading: 'Chargement…',
  genericError: 'Une erreur est survenue. Veuillez réessayer.',
  networkError: 'Impossible de joindre le serveur. Vérifiez votre connexion et réessayez.',
  rateLimited: 'Trop de tentatives. Patientez quelques minutes puis réessayez.',
  busyError: 'Beaucoup de personnes s’inscrivent en ce moment même. Réessayez dans quelques secondes.',
  backToList: 'Tous les événements',

  listTitle: 'Événements à venir',
  listIntro: 'Conférences, webinaires et rencontres : choisissez un événement pour vous inscrire.',
  noEvents: 'Aucun événement à venir pour le moment.',
  organiserLoadError: "Les événements de cet organisateur n'ont pas pu être chargés.",
  inPerson: 'Sur place',
  online: 'En ligne',
  hybrid: 'Sur place et en ligne',
  seatsLeft: { one: '{n} place restante', other: '{n} places restantes' },
  unlimited: 'Places disponibles',
  waitlist: "Complet · liste d'attente",
  full: 'Complet',
  cancelled: 'Annulé',
  registrationClosed: 'Inscriptions closes',
  registerLink: "Voir et s'inscrire",
  organiserEvents: 'Tous les événements de {name}',
  allOrganisers: 'Tous les organisateurs',
  organiserNotFound: "Aucun événement à venir pour cet organisateur, ou l'adresse est incomplète.",
  subscribe: "S'abonner à l'agenda",
  subscribeHelp: 'Tous les événements à venir dans votre agenda, mis à jour automatiquement.',
  feedLink: 'Adresse du flux (.ics)',

  notFound: 'Cet événement est introuvable.',
  when: 'Date',
  yourTime: 'Chez vous : {date}',
  where: 'Lieu',
  availability: 'Places',
  organiser: 'Organisé par',
  about: 'Présentation',
  agenda: 'Programme',
  speakers: 'Intervenants',
  addEventToCalendar: 'Ajouter à mon agenda (.ics)',
  eventTime: "Heure de l'événement",
  timelineFrom: 'à partir de {time}',
  embedOpen: "S'inscrire",
  fullPage: "Ouvrir la page de l'événement",

  registerTitle: 'Inscription',
  requiredNote: "Les champs marqués d'un astérisque (*) sont obligatoires.",
  name: 'Nom et prénom',
  email: 'Adresse e-mail',
  company: 'Entreprise',
  jobTitle: 'Fonction',
  choose: '— Choisir —',
  consent: "J'accepte que mes données servent à gérer mon inscription à cet événement.",
  privacyLink: 'Politique de confidentialité',
  honeypot: 'Site web (laissez ce champ vide)',
  submit: "S'inscrire",
  submitWaitlist: "Rejoindre la liste d'attente",
  sending: 'Envoi…',
  fullWaitlistNote: "L'événement est complet : vous serez inscrit·e sur la liste d'attente.",
  errorsSummary: { one: '{n} champ à corriger.', other: '{n} champs à corriger.' },

  required: 'Ce champ est obligatoire.',
  invalidEmail: 'Saisissez une adresse e-mail valide, par exemple nom@exemple.fr.',
  consentRequired: 'Votre accord est nécessaire pour vous inscrire.',
  tooLong: '{n} caractères au maximum.',
  controlChars: 'Ce texte contient des caractères non autorisés.',
  notAnOption: 'Choisissez une des options proposées.',
  invalidValue: 'Valeur non valide.',

  confirmedTitle: 'Inscription confirmée',
  confirmedText: "Un e-mail de confirmation avec l'invitation a été envoyé à {email}.",
  waitlistedTitle: "Vous êtes sur la liste d'attente, position {n}",
  waitlistedTitleNoPos: "Vous êtes sur la liste d'attente",
  waitlistedText: "Nous vous écrirons à {email} dès qu'une place se libère.",
  pendingTitle: 'Vérifiez votre boîte mail',
  pendingText: 'Cliquez sur le lien envoyé à {email} pour confirmer votre place.',
  alreadyTitle: 'Vous êtes déjà inscrit·e',
  alreadyText:
    "Cette adresse est déjà inscrite à cet événement. Nous venons d'envoyer à {email} le lien pour gérer votre inscription.",
  manageLink: 'Gérer mon inscription',
  addToCalendar: 'Ajouter à mon agenda',
  googleCalendar: 'Google Agenda',
  outlookCalendar: 'Outlook',
  icsFile: 'Fichier .ics',

  closedMessage: 'Les inscriptions à cet événement sont closes.',
  opensMessage: 'Les inscriptions ouvriront le {date}.',
  cancelledMessage: 'Cet événement a été annulé.',
  fullMessage: "Cet événement est complet et n'a pas de liste d'attente.",

  manageTitle: 'Mon inscription',
  invalidLink: "Ce lien n'est pas valide",
  invalidLinkHelp: "Utilisez le lien reçu par e-mail, en entier. S'il est ancien, il a pu être remplacé.",
  confirmFromEmail: "Pour confirmer, ouvrez le lien de l'e-mail que nous vous avons envoyé.",
  registrationNotFound: 'Cette inscription est introuvable.',
  status: 'Statut',
  attendee: 'Participant·e',
  status_confirmed: 'Inscription confirmée',
  status_waitlisted: "Sur la liste d'attente, position {n}",
  status_waitlisted_nopos: "Sur la liste d'attente",
  status_pending_confirmation: 'En attente de votre confirmation',
  status_cancelled: 'Inscription annulée',
  confirmBy: 'Confirmez avant le {date}, sinon la place sera libérée.',
  confirmButton: 'Confirmer ma place',
  confirmedNow: 'Votre place est confirmée.',
  joinLink: "Rejoindre l'événement en ligne",
  cancelButton: 'Annuler mon inscription',
  cancelQuestion:
    "Voulez-vous vraiment annuler votre inscription ? Votre place sera proposée à quelqu'un d'autre.",
  cancelYes: 'Oui, annuler mon inscription',
  cancelNo: 'Non, garder ma place',
  cancelledNow: 'Votre inscription est annulée.',
  eventLink: 'Événement',
  downloadInvite: "Télécharger l'invitation (.ics)",
  status_event_cancelled: 'Événement annulé',
  eventCancelledHelp: "L'organisateur a annulé cet événement. Vous pouvez le retirer de votre agenda.",
  removeFromCalendar: 'Retirer de mon agenda (.ics)',
  myCalendar: 'Mon agenda',
  joinHelp: 'Le lien est personnel : ne le partagez pas.',
  waitlistHelp: 'Vous recevrez un e-mail dès qu’une place se libère pour vous.',
  yourData: 'Vos données',
  eraseHelp:
    "Vous pouvez effacer votre nom, votre adresse e-mail et vos réponses pour cet événement. L'organisateur ne garde que des chiffres anonymes.",
  eraseButton: 'Effacer mes données',
  eraseQuestion:
    'Effacer vos données ? Votre inscription sera annulée et ce lien ne fonctionnera plus. Cette action est définitive.',
  eraseYes: 'Oui, effacer mes données',
  eraseNo: 'Non, garder mes données',
  erasedTitle: 'Vos données ont été effacées',
  erasedText: "Votre inscription n'existe plus. Vous pouvez fermer cette page.",
};

export type Messages = typeof fr;
export type Key = KeyOf<Messages>;
export type PluralKey = PluralKeyOf<Messages>;

const en: Messages = {
  siteName: 'Registrations',
  skipToContent: 'Skip to content',
  languageSwitch: 'Language',
  loading: 'Loading…',
  genericError: 'Something went wrong. Please try again.',
  networkError: 'The server could not be reached. Check your connection and try again.',
  rateLimited: 'Too many attempts. Please wait a few minutes and try again.',
  busyError: 'Many people are registering at this very moment. Please try again in a few seconds.',
  backToList: 'All events',

  listTitle: 'Upcoming events',
  listIntro: 'Conferences, webinars and meetups: pick an event to register.',
  noEvents: 'No upcoming events for now.',
  organiserLoadError: "This organiser's events could not be loaded.",
  inPerson: 'In person',
  online: 'Online',
  hybrid: 'In person and online',
  seatsLeft: { one: '{n} seat left', other: '{n} seats left' },
  unlimited: 'Seats available',
  waitlist: 'Full · waitlist',
  full: 'Full',
  cancelled: 'Cancelled',
  registrationClosed: 'Registration closed',
  registerLink: 'Details and registration',
  organiserEvents: 'All events by {name}',
  allOrganisers: 'All organisers',
  organiserNotFound: 'No upcoming events for this organiser, or the address is incomplete.',
  subscribe: 'Subscribe to the calendar',
  subscribeHelp: 'Every upcoming event in your calendar, kept up to date.',
  feedLink: 'Feed address (.ics)',

  notFound: 'This event could not be found.',
  when: 'Date',
  yourTime: 'Your time: {date}',
  where: 'Place',
  availability: 'Seats',
  organiser: 'Organised by',
  about: 'About',
  agenda: 'Programme',
  speakers: 'Speakers',
  addEventToCalendar: 'Add to my calendar (.ics)',
  eventTime: 'Event time',
  timelineFrom: 'from {time}',
  embedOpen: 'Register',
  fullPage: 'Open the event page',

  registerTitle: 'Registration',
  requiredNote: 'Fields marked with an asterisk (*) are required.',
  name: 'Full name',
  email: 'Email address',
  company: 'Company',
  jobTitle: 'Job title',
  choose: '— Choose —',
  consent: 'I agree that my data is used to manage my registration to this event.',
  privacyLink: 'Privacy policy',
  honeypot: 'Website (leave this empty)',
  submit: 'Register',
  submitWaitlist: 'Join the waitlist',
  sending: 'Sending…',
  fullWaitlistNote: 'This event is full: you will be put on the waitlist.',
  errorsSummary: { one: '{n} field to correct.', other: '{n} fields to correct.' },

  required: 'This field is required.',
  invalidEmail: 'Enter a valid email address, such as name@example.com.',
  consentRequired: 'Your consent is needed to register.',
  tooLong: 'At most {n} characters.',
  controlChars: 'This text contains characters that are not allowed.',
  notAnOption: 'Choose one of the options.',
  invalidValue: 'Invalid value.',

  confirmedTitle: 'Registration confirmed',
  confirmedText: 'A confirmation email with the invitation was sent to {email}.',
  waitlistedTitle: 'You are on the waitlist, position {n}',
  waitlistedTitleNoPos: 'You are on the waitlist',
  waitlistedText: 'We will write to {email} as soon as a seat frees up.',
  pendingTitle: 'Check your inbox',
  pendingText: 'Click the link sent to {email} to confirm your seat.',
  alreadyTitle: 'You are already registered',
  alreadyText:
    'This address is already registered for this event. We have just sent the link to manage your registration to {email}.',
  manageLink: 'Manage my registration',
  addToCalendar: 'Add to my calendar',
  googleCalendar: 'Google Calendar',
  outlookCalendar: 'Outlook',
  icsFile: '.ics file',

  closedMessage: 'Registration for this event is closed.',
  opensMessage: 'Registration opens on {date}.',
  cancelledMessage: 'This event has been cancelled.',
  fullMessage: 'This event is full and has no waitlist.',

  manageTitle: 'My registration',
  invalidLink: 'This link is not valid',
  invalidLinkHelp: 'Use the whole link from your email. An old link may have been replaced.',
  confirmFromEmail: 'To confirm, open the link in the email we sent you.',
  registrationNotFound: 'This registration could not be found.',
  status: 'Status',
  attendee: 'Attendee',
  status_confirmed: 'Registration confirmed',
  status_waitlisted: 'On the waitlist, position {n}',
  status_waitlisted_nopos: 'On the waitlist',
  status_pending_confirmation: 'Waiting for your confirmation',
  status_cancelled: 'Registration cancelled',
  confirmBy: 'Confirm before {date}, or the seat will be released.',
  confirmButton: 'Confirm my seat',
  confirmedNow: 'Your seat is confirmed.',
  joinLink: 'Join the online event',
  cancelButton: 'Cancel my registration',
  cancelQuestion:
    'Do you really want to cancel your registration? Your seat will be offered to someone else.',
  cancelYes: 'Yes, cancel my registration',
  cancelNo: 'No, keep my seat',
  cancelledNow: 'Your registration is cancelled.',
  eventLink: 'Event',
  downloadInvite: 'Download the invitation (.ics)',
  status_event_cancelled: 'Event cancelled',
  eventCancelledHelp: 'The organiser has cancelled this event. You can remove it from your calendar.',
  removeFromCalendar: 'Remove from my calendar (.ics)',
  myCalendar: 'My calendar',
  joinHelp: 'This link is personal: please do not share it.',
  waitlistHelp: 'You will get an email as soon as a seat frees up for you.',
  yourData: 'Your data',
  eraseHelp:
    'You can erase your name, email address and answers for this event. The organiser keeps only anonymous figures.',
  eraseButton: 'Erase my data',
  eraseQuestion:
    'Erase your data? Your registration will be cancelled and this link will stop working. This cannot be undone.',
  eraseYes: 'Yes, erase my data',
  eraseNo: 'No, keep my data',
  erasedTitle: 'Your data has been erased',
  erasedText: 'Your registration no longer exists. You can close this page.',
};

const messages = dictionary(fr, en);

export const t = messages.t;
export const plural = messages.plural;

export const setupLanguageSwitch = (): void => setupSwitch(messages);

/**
 * The page's polite live region (`#status`). The message is kept as a key so a language
 * switch translates it; `null` empties it (it stays in the page so later messages are announced).
 */
export const setStatus = (key: Key | null): void => {
  const status = document.getElementById('status');
  if (!status) return;
  if (key) status.dataset.i18n = key;
  else delete status.dataset.i18n;
  status.textContent = key ? t(key) : '';
};
