/**
 * Two languages, picked from a saved choice, else the browser's languages. Every
 * string a page shows comes from here; pages re-render when the visitor switches.
 */

export type Lang = 'fr' | 'en';

const fr = {
  siteName: 'Inscriptions',
  skipToContent: 'Aller au contenu',
  languageSwitch: 'Langue',
  loading: 'Chargement…',
  genericError: 'Une erreur est survenue. Veuillez réessayer.',
  networkError: 'Impossible de joindre le serveur. Vérifiez votre connexion et réessayez.',
  rateLimited: 'Trop de tentatives. Patientez une minute puis réessayez.',
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
};

export type Messages = typeof fr;
export type Key = { [K in keyof Messages]: Messages[K] extends string ? K : never }[keyof Messages];
export type PluralKey = Exclude<keyof Messages, Key>;

const en: Messages = {
  siteName: 'Registrations',
  skipToContent: 'Skip to content',
  languageSwitch: 'Language',
  loading: 'Loading…',
  genericError: 'Something went wrong. Please try again.',
  networkError: 'The server could not be reached. Check your connection and try again.',
  rateLimited: 'Too many attempts. Please wait a minute and try again.',
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
};

const messages: Record<Lang, Messages> = { fr, en };
const STORAGE_KEY = 'lang';

const isLang = (value: unknown): value is Lang => value === 'fr' || value === 'en';

const detect = (): Lang => {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (isLang(saved)) return saved;
  } catch {
    // Storage may be blocked; fall back to the browser's languages.
  }
  for (const tag of navigator.languages ?? [navigator.language]) {
    const base = tag.toLowerCase().slice(0, 2);
    if (isLang(base)) return base;
  }
  return 'en';
};

let current: Lang = detect();

export const lang = (): Lang => current;

/** The BCP 47 locale used for dates and numbers. */
export const locale = (): string => (current === 'fr' ? 'fr-FR' : 'en-GB');

/** French typography: a no-break space before `: ; ? !` and inside « », so they never start a line. */
const typeset = (text: string): string =>
  current === 'fr' ? text.replace(/ ([:;?!»])/g, '\u00a0$1').replace(/« /g, '«\u00a0') : text;

const fill = (text: string, params: Record<string, string | number>): string =>
  typeset(text).replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );

export const t = (key: Key, params: Record<string, string | number> = {}): string =>
  fill(messages[current][key], params);

export const plural = (key: PluralKey, n: number): string => {
  const forms = messages[current][key];
  const form = new Intl.PluralRules(locale()).select(n) === 'one' ? forms.one : forms.other;
  return fill(form, { n: n.toLocaleString(locale()) });
};

const listeners: (() => void)[] = [];

export const setLang = (next: Lang): void => {
  current = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // Not saved; the choice still applies to this page.
  }
  applyStatic();
  for (const listener of listeners) listener();
};

export const onLangChange = (listener: () => void): void => {
  listeners.push(listener);
};

/** Translates the page's static text (`data-i18n`), its `lang` and the switch's state. */
export const applyStatic = (): void => {
  document.documentElement.lang = current;
  for (const element of document.querySelectorAll<HTMLElement>('[data-i18n]')) {
    element.textContent = t(element.dataset.i18n as Key);
  }
  for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-lang]')) {
    button.setAttribute('aria-pressed', String(button.dataset.lang === current));
  }
};

/** Wires the FR/EN buttons of the page header. */
export const setupLanguageSwitch = (): void => {
  for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-lang]')) {
    button.addEventListener('click', () => {
      const next = button.dataset.lang;
      if (isLang(next) && next !== current) setLang(next);
    });
  }
  applyStatic();
};
