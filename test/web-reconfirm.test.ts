import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.js';
import {
  focused,
  launchChromium,
  POLL,
  recordProblems,
  serveBuiltPages,
  textOf,
  visible,
} from './support/browser.js';

/**
 * A reminder's "I'm coming" / "I can't come any more" links in Debian's Chromium, 390 px wide, in
 * French and English: opening a link (a GET, as a mail scanner does) changes nothing; the one
 * click on the page's button does.
 */

let app: TestApp;
let browser: Browser;
let base = '';
let closeSite: (() => Promise<void>) | undefined;

beforeAll(async () => {
  app = await startTestApp();
  ({ base, close: closeSite } = await serveBuiltPages('web-reconfirm'));
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await closeSite?.();
});

const WORDS = {
  fr: {
    locale: 'fr-FR',
    question: /Venez-vous toujours/,
    coming: 'Je viens',
    note: 'Vous avez confirmé votre venue.',
    notComing: 'Je ne peux plus venir',
    notComingQuestion: /Vous ne pouvez plus venir/,
    cancelled: /^Votre inscription est annulée\.$/,
  },
  en: {
    locale: 'en-GB',
    question: /Are you still coming/,
    coming: 'I’m coming',
    note: 'You have confirmed you are coming.',
    notComing: 'I can’t come any more',
    notComingQuestion: /Can’t come any more\?/,
    cancelled: /^Your registration is cancelled\.$/,
  },
} as const;

const register = async (eventId: string, who: string) => {
  const response = await app.call('POST', `/api/events/${eventId}/registrations`, {
    body: { name: who, email: `${who}@example.com`, consent: true },
  });
  expect(response.status).toBe(201);
  return response.body.registration.id as string;
};

/** The link a reminder carries: the emailed token, and the question to ask. */
const reminderLink = async (id: string, ask: 'coming' | 'cancel') =>
  `${base}/manage#registration=${id}&token=${encodeURIComponent(await app.emailedToken(id))}&ask=${ask}`;

const stored = async (id: string) => app.services.registrations.getById(id);

describe.each(['fr', 'en'] as const)('reminder links on the manage page (%s, 390 px)', (language) => {
  const words = WORDS[language];

  it('opening "I\'m coming" only asks; the click reconfirms. Opening "I can\'t come" only asks; the click frees the seat for the next in line', async () => {
    const eventId = await app.publishedEvent({ capacity: 1, title: `Atelier ${language}` });
    const seat = await register(eventId, `seat-${language}`);
    const waiting = await register(eventId, `wait-${language}`);
    const context = await browser.newContext({
      locale: words.locale,
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    const page = await context.newPage();
    const problems: string[] = [];
    recordProblems(page, problems);
    try {
      await page.goto(await reminderLink(seat, 'coming'));
      const question = page.getByText(words.question);
      await visible(question);
      await focused(question);
      // The page is open and asks: nothing was done by opening it.
      expect((await stored(seat))?.reconfirmedAt).toBeUndefined();
      // Nothing sticks out sideways at 390 px.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

      await page.getByRole('button', { name: words.coming }).click();
      await textOf(page.locator('#status')).toBe(words.note);
      await visible(page.locator('#content').getByText(words.note));
      await expect.poll(async () => (await stored(seat))?.reconfirmedAt, POLL).toBeTruthy();

      // "I can't come any more": opening the link only asks.
      await page.goto(await reminderLink(seat, 'cancel'));
      const button = page.getByRole('button', { name: words.notComing });
      await visible(button);
      await focused(page.getByText(words.notComingQuestion));
      expect((await stored(seat))?.status).toBe('confirmed');
      expect((await stored(waiting))?.status).toBe('waitlisted');

      await button.click();
      await textOf(page.locator('#status')).toMatch(words.cancelled);
      expect((await stored(seat))?.status).toBe('cancelled');
      expect((await stored(waiting))?.status).toBe('confirmed');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
