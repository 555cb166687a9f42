import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_AGENCY_EMAIL, localAdminPassword } from '../local/auth.js';
import {
  countOf,
  launchChromium,
  type PagesSite,
  POLL,
  recordProblems,
  shot,
  startPagesSite,
  visible,
} from './support/browser.js';

/**
 * A login acting for several organisers (the local agency user, as a Cognito user in several
 * groups) picks one in the admin header, on a 360 px phone in French and in English: the
 * events listed are that organiser's, the choice outlives a reload, an event's page gives way
 * to the list of the newly picked one. A login of one organiser has no picker.
 */

const TWEETER = 'Un patron doit-il tweeter ?'; // media-aces
const B2B = 'B2B Best practices : le Digital au service de la Performance'; // open2leads
const SELLING = 'Social selling or not social selling'; // touch-and-sell

let browser: Browser | undefined;
let site: PagesSite | undefined;
const problems: string[] = [];

beforeAll(async () => {
  site = await startPagesSite(['media-aces', 'touch-and-sell', 'open2leads']);
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

const openPhone = async (locale: string) => {
  if (!browser) throw new Error('No browser');
  const context = await browser.newContext({
    locale,
    viewport: { width: 360, height: 740 },
    isMobile: true,
    hasTouch: true,
  });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  recordProblems(page, problems);
  return { context, page };
};

const login = async (page: Page, email: string) => {
  await page.goto(`${site?.baseUrl}/admin`);
  await page.getByLabel(/Adresse e-mail|Email address/).fill(email);
  await page.getByLabel(/Mot de passe|Password/).fill(localAdminPassword());
  await page.getByRole('button', { name: /Se connecter|Log in/ }).tap();
};

/** The titles of the events listed, as their links read. */
const listed = (page: Page) =>
  expect.poll(async () => {
    const links = page.locator('#content').getByRole('link');
    const titles = await links.allTextContents();
    return [TWEETER, B2B, SELLING].filter((title) => titles.includes(title));
  }, POLL);

describe('the organiser picker in Chromium', () => {
  for (const [locale, label] of [
    ['fr-FR', 'Organisateur'],
    ['en-GB', 'Organiser'],
  ] as const) {
    it(`switches the events listed for a login acting for several organisers (${locale}, 360 px)`, async () => {
      const { context, page } = await openPhone(locale);
      await login(page, LOCAL_AGENCY_EMAIL);
      const picker = page.getByLabel(label, { exact: true });
      await visible(picker);
      // Nothing picked yet on this device: the first organiser.
      expect(await picker.inputValue()).toBe('media-aces');
      await listed(page).toEqual([TWEETER]);

      await picker.selectOption('open2leads');
      await listed(page).toEqual([B2B]);
      await expect
        .poll(() => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), POLL)
        .toBe(true);
      await shot(page, `admin-organiser-picker-${locale}`);

      // Remembered on this device.
      await page.reload();
      await listed(page).toEqual([B2B]);
      expect(await picker.inputValue()).toBe('open2leads');

      // From an event's page, another organiser: back to its list.
      await page.getByRole('link', { name: B2B }).tap();
      await visible(page.getByRole('heading', { level: 1, name: B2B }));
      await picker.selectOption('touch-and-sell');
      await listed(page).toEqual([SELLING]);
      await context.close();
      expect(problems).toEqual([]);
    });
  }

  it("creates a new event as the picked organiser's (en-GB, 360 px)", async () => {
    const { context, page } = await openPhone('en-GB');
    await login(page, LOCAL_AGENCY_EMAIL);
    const picker = page.getByLabel('Organiser', { exact: true });
    await visible(picker);
    await picker.selectOption('open2leads');
    await listed(page).toEqual([B2B]);
    await page.getByRole('link', { name: 'New event' }).first().tap();
    await page.getByRole('textbox', { name: 'Title', exact: true }).fill('Agency breakfast');
    await page.locator('#ed-startsAt').fill('2031-03-12T08:30');
    await page.locator('#ed-endsAt').fill('2031-03-12T10:00');
    await page.getByLabel('Venue name').fill('Le Comptoir');
    await page.getByLabel('City').fill('Lyon');
    await page.getByRole('button', { name: 'Create the draft' }).tap();
    await visible(page.getByRole('heading', { level: 1, name: 'Agency breakfast' }));
    const eventId = decodeURIComponent(/#\/events\/([^/]+)$/.exec(page.url())?.[1] ?? '');
    expect((await site?.services.events.get(eventId))?.event.organiserId).toBe('open2leads');
    await context.close();
    expect(problems).toEqual([]);
  });

  it('shows no picker to a login of one organiser', async () => {
    const { context, page } = await openPhone('fr-FR');
    await login(page, 'organiser@open2leads.example');
    await listed(page).toEqual([B2B]);
    await countOf(page.locator('#organiser-picker')).toBe(0);
    await context.close();
    expect(problems).toEqual([]);
  });
});
