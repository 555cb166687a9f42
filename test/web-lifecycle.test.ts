import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emailKey } from '../functions/platform/tokens.js';
import { startTestApp, type TestApp } from './support/app.js';
import {
  attributeOf,
  countOf,
  launchChromium,
  recordProblems,
  serveBuiltPages,
  textOf,
  visible,
} from './support/browser.js';

/**
 * The manage page in Debian's Chromium, 390 px wide, over the cells of docs/lifecycle.md's table
 * that an upcoming online event's registrants meet: confirmed, waitlisted, pending confirmation,
 * cancelled by the person, and re-registered. Each cell in one language (French and English in
 * turn), its heading also read in the other; what the page shows and offers is what the table's
 * row says, and nothing more.
 */

const JOIN_URL = 'https://meet.example/secret-room';

let app: TestApp;
let browser: Browser;
let base = '';
let closeSite: (() => Promise<void>) | undefined;
const problems: string[] = [];

beforeAll(async () => {
  app = await startTestApp();
  ({ base, close: closeSite } = await serveBuiltPages('web-lifecycle'));
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await closeSite?.();
});

const WORDS = {
  fr: {
    locale: 'fr-FR',
    other: 'EN',
    confirmed: 'Inscription confirmée',
    waitlisted: "Sur la liste d'attente, position 1",
    pending: 'En attente de votre confirmation',
    cancelled: 'Inscription annulée',
    confirmBy: /^Confirmez avant le .+, sinon la place sera libérée\.$/,
    confirmButton: 'Confirmer ma place',
    waitlistHelp: 'Vous recevrez un e-mail dès qu’une place se libère pour vous.',
    join: "Rejoindre l'événement en ligne",
    addToCalendar: 'Ajouter à mon agenda',
    invite: "Télécharger l'invitation (.ics)",
    google: 'Google Agenda',
    outlook: 'Outlook',
    cancel: 'Annuler mon inscription',
    cancelYes: 'Oui, annuler mon inscription',
    registerAgain: "S'inscrire à nouveau",
    erase: 'Effacer mes données',
    name: 'Nom et prénom',
    email: 'Adresse e-mail',
    consent: /J'accepte que mes données/,
    submit: "S'inscrire",
    checkMailbox: 'Vérifiez votre boîte mail',
    checkMailboxText: /^Cliquez sur le lien envoyé à .+ pour confirmer votre place\.$/,
    manageLink: 'Gérer mon inscription',
  },
  en: {
    locale: 'en-GB',
    other: 'FR',
    confirmed: 'Registration confirmed',
    waitlisted: 'On the waitlist, position 1',
    pending: 'Waiting for your confirmation',
    cancelled: 'Registration cancelled',
    confirmBy: /^Confirm before .+, or the seat will be released\.$/,
    confirmButton: 'Confirm my seat',
    waitlistHelp: 'You will get an email as soon as a seat frees up for you.',
    join: 'Join the online event',
    addToCalendar: 'Add to my calendar',
    invite: 'Download the invitation (.ics)',
    google: 'Google Calendar',
    outlook: 'Outlook',
    cancel: 'Cancel my registration',
    cancelYes: 'Yes, cancel my registration',
    registerAgain: 'Register again',
    erase: 'Erase my data',
    name: 'Full name',
    email: 'Email address',
    consent: /I agree that my data/,
    submit: 'Register',
    checkMailbox: 'Check your inbox',
    checkMailboxText: /^Click the link sent to .+ to confirm your seat\.$/,
    manageLink: 'Manage my registration',
  },
} as const;
type Language = keyof typeof WORDS;
const otherLanguage = (language: Language): Language => (language === 'fr' ? 'en' : 'fr');

/** A 390 px phone in `language`; page errors and console errors are collected. */
const phone = async (language: Language): Promise<{ context: BrowserContext; page: Page }> => {
  const context = await browser.newContext({
    locale: WORDS[language].locale,
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  });
  const page = await context.newPage();
  // A missing button fails the test within the poll's time, not the 30 s default.
  page.setDefaultTimeout(10_000);
  recordProblems(page, problems);
  return { context, page };
};

/** An upcoming online event (so a seat holder has a join link to be offered). */
const onlineEvent = (fields: Record<string, unknown> = {}) =>
  app.publishedEvent({ joinUrl: JOIN_URL, ...fields });

const register = async (eventId: string, name: string, email: string) => {
  const response = await app.call('POST', `/api/events/${eventId}/registrations`, {
    body: { name, email, consent: true },
  });
  expect(response.status).toBe(201);
  return response.body.registration.id as string;
};

/** The manage link the emails carry (the token that proves the mailbox). */
const emailedLink = async (id: string) =>
  `${base}/manage#registration=${id}&token=${encodeURIComponent(await app.emailedToken(id))}`;

const status = (page: Page) => page.locator('#registration-status');

/**
 * "No" in the table's join link and add-to-calendar columns: none of it in `area` (the manage
 * page's content, or the event page's answer: that page keeps the public event's own .ics).
 */
const noSeatOffers = async (area: Locator, language: Language) => {
  const words = WORDS[language];
  await countOf(area.locator('.calendar-links')).toBe(0);
  await countOf(area.getByText(words.addToCalendar)).toBe(0);
  for (const name of [words.invite, words.google, words.outlook, words.join]) {
    await countOf(area.getByRole('link', { name })).toBe(0);
  }
  await countOf(area.locator('a[href*="invite.ics"], a[href*="/j/"], a[href*="google.com"]')).toBe(0);
  expect(await area.innerHTML()).not.toContain('secret-room');
};

const content = (page: Page) => page.locator('#content');

/** The heading in the other language too (the page's switch), then back. */
const headingInBothLanguages = async (page: Page, language: Language, key: keyof (typeof WORDS)['fr']) => {
  await textOf(status(page)).toBe(WORDS[language][key]);
  await page.getByRole('button', { name: WORDS[language].other, exact: true }).click();
  await textOf(status(page)).toBe(WORDS[otherLanguage(language)][key]);
  await page.getByRole('button', { name: WORDS[otherLanguage(language)].other, exact: true }).click();
  await textOf(status(page)).toBe(WORDS[language][key]);
};

const fitsThePhone = async (page: Page) =>
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

/** One cell's walk on a fresh phone in `language`; at its end the page still fits the phone. */
const onPhone = async (language: Language, walk: (page: Page) => Promise<void>) => {
  const { context, page } = await phone(language);
  try {
    await walk(page);
    await fitsThePhone(page);
  } finally {
    await context.close();
  }
};

/** "Yes" in the table's cancel and erase columns of a live registration, and no "Register again". */
const liveActions = async (page: Page, language: Language) => {
  const words = WORDS[language];
  await visible(page.getByRole('button', { name: words.cancel }));
  await visible(page.getByRole('button', { name: words.erase }));
  await countOf(page.getByRole('link', { name: words.registerAgain })).toBe(0);
};

describe('the manage page over the lifecycle table, in Chromium at 390 px', () => {
  it('confirmed, event upcoming (French): "Registration confirmed", the join link, Google, Outlook and the .ics; cancel and erase', async () => {
    const language = 'fr';
    const words = WORDS[language];
    const eventId = await onlineEvent();
    const id = await register(eventId, 'Camille Confirmée', 'camille@example.com');
    await onPhone(language, async (page) => {
      await page.goto(await emailedLink(id));
      await headingInBothLanguages(page, language, 'confirmed');
      // The personal join link, never the join URL itself.
      await attributeOf(page.getByRole('link', { name: words.join }), 'href').toMatch(/\/j\/[0-9A-F]{40}$/);
      await visible(page.getByRole('heading', { name: words.addToCalendar }));
      await attributeOf(page.getByRole('link', { name: words.invite }), 'href').toContain(
        `/api/registrations/${id}/invite.ics`,
      );
      await attributeOf(page.getByRole('link', { name: words.google }), 'href').toMatch(
        /^https:\/\/calendar\.google\.com\//,
      );
      await attributeOf(page.getByRole('link', { name: words.outlook }), 'href').toMatch(
        /^https:\/\/outlook\.(live|office)\.com\//,
      );
      await liveActions(page, language);
      await countOf(page.getByRole('button', { name: words.confirmButton })).toBe(0);
    });
  });

  it('waitlisted, event upcoming (English): "On the waitlist, position 1"; no join link, no calendar offer; cancel and erase', async () => {
    const language = 'en';
    const words = WORDS[language];
    const eventId = await onlineEvent({ capacity: 1 });
    await register(eventId, 'Sam Seated', 'sam@example.com');
    const id = await register(eventId, 'Wendy Waiting', 'wendy@example.com');
    await onPhone(language, async (page) => {
      await page.goto(await emailedLink(id));
      await headingInBothLanguages(page, language, 'waitlisted');
      await visible(page.getByText(words.waitlistHelp));
      await noSeatOffers(content(page), language);
      await liveActions(page, language);
      await countOf(page.getByRole('button', { name: words.confirmButton })).toBe(0);
    });
  });

  it('pending confirmation, event upcoming (French): the form says to check the mailbox; the emailed link says "Waiting for your confirmation", confirm by; no calendar offer', async () => {
    const language = 'fr';
    const words = WORDS[language];
    const eventId = await onlineEvent({ requireConfirmation: true });
    await onPhone(language, async (page) => {
      await page.goto(`${base}/events/${eventId}`);
      await page.getByLabel(words.name).fill('Paule Patiente');
      await page.getByLabel(words.email).fill('paule@example.com');
      await page.getByLabel(words.consent).check();
      await page.getByRole('button', { name: words.submit, exact: true }).click();
      await textOf(page.locator('#result-title')).toBe(words.checkMailbox);
      await visible(page.locator('.result').getByText(words.checkMailboxText));
      // Neither a manage link nor anything for a calendar: the link comes by email.
      await countOf(page.locator('.result a')).toBe(0);
      await noSeatOffers(page.locator('.result'), language);

      const registration = await app.services.registrations.get({
        eventId,
        emailKey: emailKey('paule@example.com'),
      });
      if (!registration) throw new Error('no registration');
      await page.goto(await emailedLink(registration.id));
      await headingInBothLanguages(page, language, 'pending');
      await visible(page.getByText(words.confirmBy));
      await visible(page.getByRole('button', { name: words.confirmButton }));
      await noSeatOffers(content(page), language);
      await liveActions(page, language);
    });
  });

  it('cancelled by the person, event upcoming (English): "Registration cancelled" and "Register again" to the event page; no calendar offer; erase only', async () => {
    const language = 'en';
    const words = WORDS[language];
    const eventId = await onlineEvent();
    const id = await register(eventId, 'Carl Cancelling', 'carl@example.com');
    await onPhone(language, async (page) => {
      await page.goto(await emailedLink(id));
      await textOf(status(page)).toBe(words.confirmed);
      await page.getByRole('button', { name: words.cancel }).click();
      await page.getByRole('button', { name: words.cancelYes }).click();
      await headingInBothLanguages(page, language, 'cancelled');
      await attributeOf(page.getByRole('link', { name: words.registerAgain }), 'href').toBe(
        `/events/${eventId}`,
      );
      await noSeatOffers(content(page), language);
      await countOf(page.getByRole('button', { name: words.cancel })).toBe(0);
      await visible(page.getByRole('button', { name: words.erase }));
      // Opened again from its link: the same.
      await page.reload();
      await textOf(status(page)).toBe(words.cancelled);
      await visible(page.getByRole('link', { name: words.registerAgain }));
      await countOf(page.locator('#registered-again')).toBe(0);
      await noSeatOffers(content(page), language);
    });
  });

  it('re-registered (French): "Register again" leads to a new registration whose link shows the seat; the old link still shows the old one, cancelled, without "Register again" and saying a newer one exists', async () => {
    const language = 'fr';
    const words = WORDS[language];
    const eventId = await onlineEvent();
    const oldId = await register(eventId, 'R. Retour', 'remi@example.com');
    const oldLink = await emailedLink(oldId);
    const cancelled = await app.call(
      'POST',
      `/api/registrations/${oldId}/cancel?token=${encodeURIComponent(await app.emailedToken(oldId))}`,
    );
    expect(cancelled.status).toBe(200);
    await onPhone(language, async (page) => {
      await page.goto(oldLink);
      await textOf(status(page)).toBe(words.cancelled);
      await page.getByRole('link', { name: words.registerAgain }).click();
      await page.getByLabel(words.name).fill('Rémi Retour');
      await page.getByLabel(words.email).fill('remi@example.com');
      await page.getByLabel(words.consent).check();
      await page.getByRole('button', { name: words.submit, exact: true }).click();
      await textOf(page.locator('#result-title')).toBe(words.confirmed);

      // The new registration's own link: the seat, as for any confirmed registrant.
      // The answer's link names the API's base URL (the test app's): opened here on this server.
      const manageHref = await page.getByRole('link', { name: words.manageLink }).getAttribute('href');
      const manageUrl = new URL(manageHref ?? '');
      await page.goto(`${base}${manageUrl.pathname}${manageUrl.hash}`);
      await headingInBothLanguages(page, language, 'confirmed');
      const newId = new URLSearchParams(new URL(page.url()).hash.slice(1)).get('registration');
      expect(newId).toBeTruthy();
      expect(newId).not.toBe(oldId);
      await visible(page.locator('.facts').getByText('Rémi Retour'));
      await visible(page.getByRole('link', { name: words.join }));
      await visible(page.getByRole('link', { name: words.invite }));
      await visible(page.getByRole('link', { name: words.google }));
      await visible(page.getByRole('button', { name: words.cancel }));

      // The old link: the old registration, still cancelled; this address already registered again.
      await page.goto(oldLink);
      await headingInBothLanguages(page, language, 'cancelled');
      await visible(page.locator('.facts').getByText('R. Retour'));
      await countOf(page.locator('.facts').getByText('Rémi Retour')).toBe(0);
      await countOf(page.getByRole('link', { name: words.registerAgain })).toBe(0);
      // Said, not only left out: the registration in progress has its own link.
      await textOf(page.locator('#registered-again')).toMatch(/réinscrit·e depuis.*dernier e-mail reçu/);
      await noSeatOffers(content(page), language);
      await countOf(page.getByRole('button', { name: words.cancel })).toBe(0);
      await visible(page.getByRole('button', { name: words.erase }));
    });
  });

  it('raised no page or console error', () => {
    expect(problems).toEqual([]);
  });
});
