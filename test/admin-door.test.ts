import type { Browser, BrowserContext, Locator, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newEventRecord, publish } from '../functions/events/model.js';
import { eventCreateInput } from '../functions/events/schemas.js';
import { localAdminPassword } from '../local/auth.js';
import {
  attributeOf,
  countOf,
  focused,
  launchChromium,
  type PagesSite,
  recordProblems,
  shot,
  startPagesSite,
  textOf,
  visible,
} from './support/browser.js';

/**
 * Door mode, in Chromium on a 390 px phone, French and English: 50 registrants on one-line rows,
 * the search and the counts in view at the bottom of the list, check-in and undo that move the
 * counts before the server answers, the auto-refresh that runs with the focus in the list and
 * keeps it (and the row under the thumb) in place; nothing wider than a 360 px screen.
 */

const EVENT_ID = 'porte-ouverte';
const PEOPLE = 50;

let browser: Browser | undefined;
let site: PagesSite | undefined;
let baseUrl = '';
const problems: string[] = [];

const register = async (name: string, email: string) => {
  const response = await fetch(`${baseUrl}/api/events/${EVENT_ID}/registrations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, email, consent: true }),
  });
  expect(response.status).toBe(201);
};

const openPhone = async (locale: 'fr-FR' | 'en-GB'): Promise<{ context: BrowserContext; page: Page }> => {
  if (!browser) throw new Error('No browser');
  const context = await browser.newContext({
    locale,
    timezoneId: 'Europe/Paris',
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    deviceScaleFactor: 1,
  });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  recordProblems(page, problems);
  // The 20 s auto-refresh, fast-forwarded by the test instead of waited for.
  await page.clock.install();
  const fr = locale === 'fr-FR';
  await page.goto(`${baseUrl}/admin`);
  await page.getByLabel(fr ? 'Adresse e-mail' : 'Email address').fill('organiser@media-aces.example');
  await page.getByLabel(fr ? 'Mot de passe' : 'Password').fill(localAdminPassword());
  await page.getByRole('button', { name: fr ? 'Se connecter' : 'Log in' }).click();
  await textOf(page.getByRole('heading', { level: 1 })).toMatch(fr ? 'Mes événements' : 'My events');
  await page.goto(`${baseUrl}/admin#/events/${EVENT_ID}`);
  return { context, page };
};

/** Holds the next check-in or undo call until `release`: what the page shows meanwhile is its own doing. */
const holdCheckIn = async (page: Page) => {
  let release = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let passed: Promise<void> = Promise.resolve();
  const handler = (route: Route) => {
    passed = released.then(() => route.continue());
    return passed;
  };
  await page.route('**/check-in', handler);
  return async () => {
    release();
    await passed;
    await page.unroute('**/check-in', handler);
  };
};

const heightsOf = (rows: Locator) =>
  rows.evaluateAll((all) => all.map((row) => row.getBoundingClientRect().height));

/** In the viewport, whole. */
const inView = async (page: Page, locator: Locator) => {
  const box = await locator.boundingBox();
  const height = page.viewportSize()?.height ?? 0;
  return box !== null && box.y >= 0 && box.y + box.height <= height;
};

const noOverflowAt360 = async (page: Page) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await expect
    .poll(() => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth))
    .toBe(true);
};

beforeAll(async () => {
  site = await startPagesSite(['media-aces']);
  baseUrl = site.baseUrl;
  browser = await launchChromium();
  const start = new Date(Date.now() + 10 * 86_400_000);
  const event = newEventRecord(
    eventCreateInput.parse({
      title: 'Porte ouverte',
      format: 'in_person',
      venue: { name: 'Salle', city: 'Paris' },
      capacity: 100,
      startsAt: start.toISOString(),
      endsAt: new Date(start.getTime() + 3_600_000).toISOString(),
    }),
    { id: EVENT_ID, organiserId: 'media-aces', organiserName: 'Media Aces' },
    new Date(),
  );
  await site.services.events.create(event);
  await site.services.events.save(event, publish(event, new Date()));
  for (let batch = 0; batch < PEOPLE; batch += 10) {
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => {
        const n = String(batch + i).padStart(2, '0');
        return register(`Personne ${n}`, `personne${n}@example.com`);
      }),
    );
  }
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

describe('door mode on a phone', () => {
  it('FR: one-line rows, search and counts in view, counts at once, a refresh that keeps focus and place', async () => {
    const { context, page } = await openPhone('fr-FR');
    const rows = page.locator('table.registrations tbody tr');
    await countOf(rows).toBe(PEOPLE);
    // A phone opens in door mode.
    await attributeOf(page.getByRole('button', { name: 'Mode accueil' }), 'aria-pressed').toBe('true');
    expect(Math.max(...(await heightsOf(rows)))).toBeLessThanOrEqual(64);
    const counts = page.locator('#door-counts');
    await textOf(counts).toBe('Arrivés\u00a0: 0 sur 50 confirmés');

    const search = page.getByLabel('Rechercher (nom, e-mail, entreprise)');
    await search.fill('example');
    await textOf(page.locator('#reg-summary')).toBe('50 résultats.');
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    expect(await inView(page, search)).toBe(true);
    expect(await inView(page, counts)).toBe(true);

    // Near the bottom: check in, then undo, the counts moving before the server has answered.
    const row = rows.nth(44);
    const id = await row.getAttribute('data-id');
    const name = (await row.locator('.attendee-name').textContent()) ?? '';
    const person = page.locator(`tr[data-id="${id}"]`);
    let release = await holdCheckIn(page);
    await person.getByRole('button', { name: `Pointer l'arrivée de ${name}` }).tap();
    await textOf(counts).toBe('Arrivés\u00a0: 1 sur 50 confirmés');
    await textOf(person.locator('.present')).toMatch(/^Arrivé·e à \d\d:\d\d$/);
    await release();
    await textOf(page.locator('#status')).toBe(`${name} est enregistré·e comme présent·e.`);
    await shot(page, 'admin-door-phone');

    release = await holdCheckIn(page);
    await person.getByRole('button', { name: `Annuler l'arrivée de ${name}` }).tap();
    await textOf(counts).toBe('Arrivés\u00a0: 0 sur 50 confirmés');
    await release();
    await textOf(page.locator('#status')).toBe(`Arrivée de ${name} annulée.`);
    const checkIn = person.getByRole('button', { name: `Pointer l'arrivée de ${name}` });
    await focused(checkIn);

    // Someone registers meanwhile: the refresh comes all the same, focus in the list, and leaves
    // the focus, the search text and the person's place on screen as they were.
    const top = (await person.boundingBox())?.y;
    await register('Zoé Retardataire', 'zoe@example.com');
    await page.clock.fastForward(21_000);
    await textOf(page.locator('#reg-summary')).toBe('51 résultats.');
    await visible(rows.filter({ hasText: 'Zoé Retardataire' }));
    await textOf(counts).toBe('Arrivés\u00a0: 0 sur 51 confirmés');
    await focused(checkIn);
    expect(await search.inputValue()).toBe('example');
    expect(Math.abs(((await person.boundingBox())?.y ?? 0) - (top ?? -100))).toBeLessThanOrEqual(1);

    await noOverflowAt360(page);
    await context.close();
  });

  it('EN: "Check in" then "Undo" move the counts at once; door mode off is remembered; nothing overflows', async () => {
    const { context, page } = await openPhone('en-GB');
    const rows = page.locator('table.registrations tbody tr');
    await countOf(rows).toBe(PEOPLE);
    expect(Math.max(...(await heightsOf(rows)))).toBeLessThanOrEqual(64);
    const counts = page.locator('#door-counts');
    await textOf(counts).toBe('0 of 51 checked in');

    const first = rows.first();
    const name = (await first.locator('.attendee-name').textContent()) ?? '';
    let release = await holdCheckIn(page);
    await first.getByRole('button', { name: `Check in ${name}` }).tap();
    await textOf(counts).toBe('1 of 51 checked in');
    await textOf(first.locator('.present')).toMatch(/^Checked in at \d\d:\d\d$/);
    await release();
    await textOf(page.locator('#status')).toBe(`${name} is checked in.`);
    release = await holdCheckIn(page);
    await first.getByRole('button', { name: `Undo the check-in of ${name}` }).tap();
    await textOf(counts).toBe('0 of 51 checked in');
    await release();
    await textOf(page.locator('#status')).toBe(`Check-in of ${name} undone.`);
    await noOverflowAt360(page);

    // The cards are one tap away, and stay chosen on this phone.
    await page.getByRole('button', { name: 'Door mode' }).tap();
    await attributeOf(page.getByRole('button', { name: 'Door mode' }), 'aria-pressed').toBe('false');
    await page.reload();
    await countOf(rows).toBe(PEOPLE);
    await attributeOf(page.getByRole('button', { name: 'Door mode' }), 'aria-pressed').toBe('false');
    expect(await page.locator('#door-counts').isVisible()).toBe(false);
    await noOverflowAt360(page);
    await context.close();
  });

  it('raised no console error or page error', () => {
    expect(problems).toEqual([]);
  });
});
