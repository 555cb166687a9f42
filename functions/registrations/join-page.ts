import type { EventRecord } from '../events/model.js';
import { dateTime } from '../mail/catalogue.js';
import { escapeHtml } from '../mail/layout.js';
import type { Language } from '../platform/fields.js';
import type { JoinRefusal } from './join-link.js';

/**
 * The page the personal join link shows when it does not redirect (join-link.ts decides):
 * plain HTML in the registrant's language, the site's stylesheet, no script. It never holds the
 * join URL, nor the code, nor anything about the registrant.
 */

const TEXT = {
  fr: {
    title: 'Rejoindre en ligne',
    siteName: 'Inscriptions',
    notYet: (title: string, opensAt: string) =>
      `Le lien pour rejoindre « ${title} » ouvrira le ${opensAt}, 30 minutes avant le début. Revenez alors par ce même lien : il vous mènera directement à la session.`,
    refused: {
      unknown: 'Ce lien ne mène à aucune session. Vérifiez qu’il est complet, tel que reçu par email.',
      event_cancelled: (title: string) => `« ${title} » a été annulé : il n’y a plus de session à rejoindre.`,
      ended: (title: string) => `« ${title} » est terminé : ce lien ne mène plus à la session.`,
      cancelled: (title: string) =>
        `Votre inscription à « ${title} » est annulée : ce lien ne donne plus accès à la session.`,
      waitlisted: (title: string) =>
        `Vous êtes sur liste d’attente pour « ${title} » : ce lien donnera accès à la session si une place se libère pour vous.`,
      pending_confirmation: (title: string) =>
        `Votre inscription à « ${title} » n’est pas encore confirmée : confirmez-la depuis l’email reçu, et ce lien donnera accès à la session.`,
    },
  },
  en: {
    title: 'Join online',
    siteName: 'Inscriptions',
    notYet: (title: string, opensAt: string) =>
      `The link to join “${title}” opens on ${opensAt}, 30 minutes before the start. Come back through this same link then: it will take you straight to the session.`,
    refused: {
      unknown: 'This link leads to no session. Check that it is complete, as received by email.',
      event_cancelled: (title: string) => `“${title}” was cancelled: there is no session to join any more.`,
      ended: (title: string) => `“${title}” is over: this link no longer leads to the session.`,
      cancelled: (title: string) =>
        `Your registration for “${title}” is cancelled: this link no longer gives access to the session.`,
      waitlisted: (title: string) =>
        `You are on the waiting list for “${title}”: this link will give access to the session if a seat frees up for you.`,
      pending_confirmation: (title: string) =>
        `Your registration for “${title}” is not confirmed yet: confirm it from the email you received, and this link will give access to the session.`,
    },
  },
} as const;

const page = (language: Language, paragraphs: [Language, string][]): string => {
  const text = TEXT[language];
  return `<!doctype html>
<html lang="${language}">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="referrer" content="no-referrer" />
    <meta name="robots" content="noindex" />
    <title>${escapeHtml(text.title)}</title>
    <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
    <link rel="stylesheet" href="/styles.css" />
  </head>
  <body>
    <header class="site"><a class="brand" href="/">${escapeHtml(text.siteName)}</a></header>
    <main id="main">
      <h1>${escapeHtml(text.title)}</h1>
${paragraphs
  .map(
    ([lang, paragraph]) =>
      `      <p class="notice"${lang === language ? '' : ` lang="${lang}"`}>${escapeHtml(paragraph)}</p>`,
  )
  .join('\n')}
    </main>
  </body>
</html>
`;
};

/** Before the link opens: when it will, in the event's zone. */
export const notYetPage = (event: EventRecord, language: Language, opensAt: string): string =>
  page(language, [
    [
      language,
      TEXT[language].notYet(event.title, `${dateTime(opensAt, event, language)} (${event.timeZone})`),
    ],
  ]);

/** Why not; with no registration or event to go by (`unknown`), in both languages. */
export const refusedPage = (reason: JoinRefusal, event?: EventRecord, language?: Language): string => {
  if (reason === 'unknown' || !event || !language) {
    return page(language ?? 'fr', [
      ['fr', TEXT.fr.refused.unknown],
      ['en', TEXT.en.refused.unknown],
    ]);
  }
  return page(language, [[language, TEXT[language].refused[reason](event.title)]]);
};
