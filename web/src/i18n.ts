import { dictionary, type Entries, type KeyOf, setupLanguageSwitch as setupSwitch } from './i18n-core.js';

/**
 * The strings every attendee page shares (the site's header, errors, and what the shared
 * modules format.ts and messages.ts show), in French and English. Each page adds its own
 * (web/src/texts/): a page ships only the strings it can show, and its `t` takes only those.
 * Pages re-render when the visitor switches.
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
  when: 'Date',
  yourTime: 'Chez vous : {date}',
  where: 'Lieu',
  organiser: 'Organisé par',
  eventTime: "Heure de l'événement",
  name: 'Nom et prénom',
  email: 'Adresse e-mail',
  privacyLink: 'Politique de confidentialité',

  required: 'Ce champ est obligatoire.',
  invalidEmail: 'Saisissez une adresse e-mail valide, par exemple nom@exemple.fr.',
  consentRequired: 'Votre accord est nécessaire pour vous inscrire.',
  tooLong: '{n} caractères au maximum.',
  controlChars: 'Ce texte contient des caractères non autorisés.',
  notAnOption: 'Choisissez une des options proposées.',
  invalidValue: 'Valeur non valide.',
  addToCalendar: 'Ajouter à mon agenda',
  googleCalendar: 'Google Agenda',
  outlookCalendar: 'Outlook',
  status: 'Statut',
};

type Messages = typeof fr;
export type Key = KeyOf<Messages>;

const en: Messages = {
  siteName: 'Registrations',
  skipToContent: 'Skip to content',
  languageSwitch: 'Language',
  loading: 'Loading…',
  genericError: 'Something went wrong. Please try again.',
  networkError: 'The server could not be reached. Check your connection and try again.',
  rateLimited: 'Too many attempts. Please wait a few minutes and try again.',
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
  when: 'Date',
  yourTime: 'Your time: {date}',
  where: 'Place',
  organiser: 'Organised by',
  eventTime: 'Event time',
  name: 'Full name',
  email: 'Email address',
  privacyLink: 'Privacy policy',

  required: 'This field is required.',
  invalidEmail: 'Enter a valid email address, such as name@example.com.',
  consentRequired: 'Your consent is needed to register.',
  tooLong: 'At most {n} characters.',
  controlChars: 'This text contains characters that are not allowed.',
  notAnOption: 'Choose one of the options.',
  invalidValue: 'Invalid value.',
  addToCalendar: 'Add to my calendar',
  googleCalendar: 'Google Calendar',
  outlookCalendar: 'Outlook',
  status: 'Status',
};

const common = dictionary(fr, en);

/** The common strings alone, for the modules several pages share. */
export const t = common.t;
export const plural = common.plural;

/**
 * A page's strings over the common ones: the page's `t` and `plural`, its language switch,
 * and its status line.
 */
export const pageTexts = <P extends Entries>(pageFr: P, pageEn: { [K in keyof P]: P[K] }) => {
  const messages = dictionary({ ...fr, ...pageFr }, { ...en, ...pageEn });
  type PageKey = Parameters<typeof messages.t>[0];
  return {
    t: messages.t,
    plural: messages.plural,
    setupLanguageSwitch: (): void => setupSwitch(messages),
    /**
     * The page's polite live region (`#status`). The message is kept as a key so a language
     * switch translates it; `null` empties it (it stays in the page so later messages are announced).
     */
    setStatus: (key: PageKey | null): void => {
      const status = document.getElementById('status');
      if (!status) return;
      if (key) status.dataset.i18n = key;
      else delete status.dataset.i18n;
      status.textContent = key ? messages.t(key) : '';
    },
  };
};
