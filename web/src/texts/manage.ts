import { pageTexts } from '../i18n.js';

/**
 * The manage page's own strings (a registration's states, its actions, the erase flow),
 * in French and English, over the common ones (i18n.ts).
 */

const fr = {
  manageTitle: 'Mon inscription',
  invalidLink: "Ce lien n'est pas valide",
  invalidLinkHelp: "Utilisez le lien reçu par e-mail, en entier. S'il est ancien, il a pu être remplacé.",
  confirmFromEmail: "Pour confirmer, ouvrez le lien de l'e-mail que nous vous avons envoyé.",
  registrationNotFound: 'Cette inscription est introuvable.',
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
  reconfirmQuestion: 'Venez-vous toujours ?',
  reconfirmButton: 'Je viens',
  reconfirmed: 'Vous avez confirmé votre venue.',
  notComingQuestion: "Vous ne pouvez plus venir ? Votre place ira à la suite de la liste d'attente.",
  notComingButton: 'Je ne peux plus venir',
  eventLink: 'Événement',
  downloadInvite: "Télécharger l'invitation (.ics)",
  status_event_cancelled: 'Événement annulé',
  status_event_past: 'Événement terminé',
  eventPastHelp: "Cet événement a eu lieu. Il n'y a plus rien à confirmer ni à annuler.",
  registerAgain: "S'inscrire à nouveau",
  registeredAgain:
    'Vous vous êtes réinscrit·e depuis : le lien de votre inscription en cours est dans le dernier e-mail reçu.',
  linkOnlyTitle: 'Votre inscription',
  linkOnlyHelp:
    "Votre agenda ne contient pas le lien qui permet de gérer l'inscription (un agenda se partage). Nous l'envoyons à l'adresse e-mail de l'inscription.",
  linkOnlyButton: "M'envoyer le lien par e-mail",
  linkSent:
    "C'est parti : ouvrez le lien de l'e-mail que nous venons d'envoyer (un au plus toutes les 10 minutes).",
  linkCancelled: 'Cette inscription est annulée : elle ne reçoit plus d’e-mails.',
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

const en: typeof fr = {
  manageTitle: 'My registration',
  invalidLink: 'This link is not valid',
  invalidLinkHelp: 'Use the whole link from your email. An old link may have been replaced.',
  confirmFromEmail: 'To confirm, open the link in the email we sent you.',
  registrationNotFound: 'This registration could not be found.',
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
  reconfirmQuestion: 'Are you still coming?',
  reconfirmButton: 'I’m coming',
  reconfirmed: 'You have confirmed you are coming.',
  notComingQuestion: 'Can’t come any more? Your seat goes to the next on the waiting list.',
  notComingButton: 'I can’t come any more',
  eventLink: 'Event',
  downloadInvite: 'Download the invitation (.ics)',
  status_event_cancelled: 'Event cancelled',
  status_event_past: 'Event over',
  eventPastHelp: 'This event has taken place. There is nothing left to confirm or cancel.',
  registerAgain: 'Register again',
  registeredAgain: "You registered again since: your current registration's link is in the latest email.",
  linkOnlyTitle: 'Your registration',
  linkOnlyHelp:
    'Your calendar does not hold the link that manages the registration (calendars get shared). We send it to the registration’s email address.',
  linkOnlyButton: 'Email me the link',
  linkSent: 'Sent: open the link in the email we have just sent (at most one every 10 minutes).',
  linkCancelled: 'This registration is cancelled: it gets no more emails.',
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

export const { t, plural, setStatus, setupLanguageSwitch } = pageTexts(fr, en);

/** A string this page can show: its own or a common one. */
export type Key = Parameters<typeof t>[0];
