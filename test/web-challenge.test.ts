import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.js';
import { launchChromium, recordProblems, serveBuiltPages } from './support/browser.js';

/**
 * The registration challenge in Debian's Chromium (as test/web.test.ts): on an event that asks
 * for one, the page solves it in the background with Web Crypto in Workers, the submit waits
 * for it with a word in the status line, and a failure is said and tried again.
 */

let app: TestApp;
let browser: Browser;
let base = '';
let closeSite: (() => Promise<void>) | undefined;

beforeAll(async () => {
  app = await startTestApp();
  ({ base, close: closeSite } = await serveBuiltPages('web-challenge'));
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await closeSite?.();
});

const POLL = { timeout: 15_000, interval: 50 };

/** A phone 360 px wide; console errors and page errors collected, save the loads expected to fail. */
const phone = async (locale: string, expectedFailure?: string) => {
  const context = await browser.newContext({
    locale,
    viewport: { width: 360, height: 740 },
    isMobile: true,
    hasTouch: true,
  });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const problems: string[] = [];
  recordProblems(
    page,
    problems,
    (message) => expectedFailure !== undefined && message.location().url.includes(expectedFailure),
  );
  return { context, page, problems };
};

const fillForm = async (
  page: Page,
  labels: { name: string; email: string; consent: RegExp },
  who: string,
) => {
  await page.getByLabel(labels.name).fill(who);
  await page.getByLabel(labels.email).fill(`${who.toLowerCase().replace(/\W+/g, '.')}@example.com`);
  await page.getByLabel(labels.consent).check();
};

const FR = { name: 'Nom et prénom', email: 'Adresse e-mail', consent: /J'accepte que mes données/ };
const EN = { name: 'Full name', email: 'Email address', consent: /I agree that my data/ };

describe('registration challenge in Chromium', () => {
  it('solves it in the background and registers, in French, 360 px wide; the submit waits with a word', async () => {
    const eventId = await app.publishedEvent({
      title: 'Atelier protégé',
      language: 'fr',
      requireChallenge: true,
    });
    const { context, page, problems } = await phone('fr-FR');

    // The challenge is held back until the visitor has pressed the button, so the wait shows,
    // and the time from its arrival to the registration being sent is the solving alone.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let challengeAt = 0;
    let challenges = 0;
    await page.route(`${base}/api/events/${eventId}/challenge`, async (route) => {
      challenges++;
      const response = await route.fetch();
      await held;
      challengeAt = performance.now();
      await route.fulfill({ response });
    });
    let sentAt = 0;
    let sentBody = '';
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().endsWith(`/api/events/${eventId}/registrations`)) {
        sentAt = performance.now();
        sentBody = request.postData() ?? '';
      }
    });

    await page.goto(`${base}/events/${eventId}`);
    await fillForm(page, FR, 'Camille Martin');
    // Nothing is said while it is solved in the background.
    expect(await page.locator('#form-status').textContent()).toBe('');
    await page.getByRole('button', { name: "S'inscrire" }).click();
    await expect
      .poll(() => page.locator('#form-status').textContent(), POLL)
      // French puts a narrow no-break space before the colon.
      .toMatch(/^Un instant\s:\svotre navigateur fait une vérification anti-robot…$/u);
    expect(sentAt).toBe(0);
    release();

    await expect.poll(() => page.locator('#result-title').textContent(), POLL).toBe('Inscription confirmée');
    const solveMs = Math.round(sentAt - challengeAt);
    const { number } = JSON.parse(Buffer.from(JSON.parse(sentBody).challenge, 'base64').toString());
    console.info(
      `challenge solved in Chromium in ${solveMs} ms: number ${number} of 200,000, 360 px phone context`,
    );
    expect(solveMs).toBeGreaterThan(0);
    expect(solveMs).toBeLessThan(10_000);
    expect(challenges).toBe(1);
    expect(JSON.parse(sentBody).challenge).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(await app.services.registrations.all(eventId)).toHaveLength(1);
    // The page fits the phone: nothing wider than 360 px.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('says so when solving fails, in English, and tries again when the form is sent', async () => {
    const eventId = await app.publishedEvent({
      title: 'Protected workshop',
      language: 'en',
      requireChallenge: true,
    });
    const { context, page, problems } = await phone('en-GB', `/api/events/${eventId}/challenge`);
    let failing = true;
    await page.route(`${base}/api/events/${eventId}/challenge`, async (route) =>
      failing
        ? route.fulfill({
            status: 503,
            contentType: 'application/json',
            body: JSON.stringify({ error: { code: 'busy', message: 'Busy' } }),
          })
        : route.continue(),
    );
    await page.goto(`${base}/events/${eventId}`);
    await expect
      .poll(() => page.locator('#form-status').textContent(), POLL)
      .toBe('The anti-robot check did not succeed. Please try sending the form again.');
    await fillForm(page, EN, 'Robin Smith');
    failing = false;
    await page.getByRole('button', { name: 'Register' }).click();
    await expect.poll(() => page.locator('#result-title').textContent(), POLL).toBe('Registration confirmed');
    expect(await app.services.registrations.all(eventId)).toHaveLength(1);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('asks for a new challenge when the server refuses the one solved, and sends again once', async () => {
    const eventId = await app.publishedEvent({ language: 'fr', requireChallenge: true });
    const { context, page, problems } = await phone('fr-FR', `/api/events/${eventId}/registrations`);
    let refusals = 0;
    // The first solution is refused, as one expired while the form stayed open would be.
    await page.route(`${base}/api/events/${eventId}/registrations`, async (route) => {
      if (refusals++ > 0) return route.continue();
      return route.fulfill({
        status: 400,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'challenge_required', message: 'expired' } }),
      });
    });
    await page.goto(`${base}/events/${eventId}`);
    await fillForm(page, FR, 'Dominique Petit');
    await page.getByRole('button', { name: "S'inscrire" }).click();
    await expect.poll(() => page.locator('#result-title').textContent(), POLL).toBe('Inscription confirmée');
    expect(refusals).toBe(2);
    expect(problems).toEqual([]);
    await context.close();
  });
});
