import { viewTexts } from '../i18n.js';

/**
 * The door scanner's own strings, in French and English, over the common ones
 * (admin/i18n.ts): they load with the view, not with the page.
 */

const fr = {
  scanTitle: 'Scanner : {title}',
  scanCamera: 'Image de la caméra',
  scanAim: 'Visez le QR code du participant.',
  scanStarting: 'Ouverture de la caméra…',
  scanWelcome: 'Bienvenue !',
  scanAlready: 'Déjà arrivé·e à {time}',
  scanWrongEvent: 'Code inconnu ou d’un autre événement',
  scanNoSeat: 'Pas de place ({status})',
  scanChecking: 'Vérification…',
  scanUndo: "Annuler l'arrivée de {name}",
  scanUndone: 'Arrivée de {name} annulée.',
  scanNoCamera:
    "La caméra n'est pas disponible (accès refusé ou absente). Autorisez-la dans le navigateur, ou cherchez les personnes par leur nom.",
  scanSearch: 'Chercher par nom (mode accueil)',
};

const en: typeof fr = {
  scanTitle: 'Scanner: {title}',
  scanCamera: 'Camera picture',
  scanAim: 'Point the camera at the attendee’s QR code.',
  scanStarting: 'Starting the camera…',
  scanWelcome: 'Welcome!',
  scanAlready: 'Already checked in at {time}',
  scanWrongEvent: 'Unknown code, or one for another event',
  scanNoSeat: 'Not a seat holder ({status})',
  scanChecking: 'Checking…',
  scanUndo: 'Undo the check-in of {name}',
  scanUndone: 'Check-in of {name} undone.',
  scanNoCamera:
    'The camera is not available (access refused, or none). Allow it in the browser, or search people by name.',
  scanSearch: 'Search by name (door mode)',
};

export const { t, plural } = viewTexts(fr, en);

/** A string this view can show: its own or a common one. */
export type AdminKey = Parameters<typeof t>[0];
