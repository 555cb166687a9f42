import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manageLink, startTestApp, type TestApp } from './support/app.js';
import { launchChromium, recordProblems, serveBuiltPages } from './support/browser.js';
import { expectConsistent } from './support/invariants.js';

/**
 * The registrant's erasure from the manage page, in Debian's Chromium (as test/web.test.ts):
 * the button asks first, then the registration is gone and the link opens nothing.
 */

let app: TestApp;
let browser: Browser;
let base = '';
let closeSite: (() => Promise<void>) | undefined;

beforeAll(async () => {
  app = await startTestApp();
  ({ base, close: closeSite } = await serveBuiltPages('web-privacy'));
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await closeSite?.();
});

describe('manage page', () => {
  it('erases the registrant’s data after asking, and the seat goes to the next in line', async () => {
    const eventId = await app.publishedEvent({ capacity: 1 });
    const register = (name: string, email: string) =>
      app.call('POST', `/api/events/${eventId}/registrations`, { body: { name, email, consent: true } });
    const seated = await register('Camille Martin', 'camille@example.com');
    const next = manageLink((await register('Dominique Petit', 'dominique@example.com')).body.manageUrl);
    const { id } = manageLink(seated.body.manageUrl);

    const context = await browser.newContext({ locale: 'fr-FR' });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const problems: string[] = [];
    recordProblems(page, problems);

    await page.goto(seated.body.manageUrl.replace('http://127.0.0.1:3000', base));
    await page.getByRole('heading', { name: 'Inscription confirmée' }).waitFor();
    await page.getByRole('button', { name: 'Effacer mes données' }).click();
    // Nothing is erased before the second, explicit step.
    await page.getByText('Cette action est définitive').waitFor();
    expect(await app.services.registrations.getById(id)).toBeDefined();
    await page.getByRole('button', { name: 'Oui, effacer mes données' }).click();

    await page.getByRole('heading', { name: 'Vos données ont été effacées' }).waitFor();
    expect(await page.locator('#content').textContent()).not.toContain('camille@example.com');
    expect(await app.services.registrations.getById(id)).toBeUndefined();
    const promoted = await app.call('GET', `/api/registrations/${next.id}?token=${next.token}`);
    expect(promoted.body.status).toBe('confirmed');
    await expectConsistent(app, eventId);

    // The link now opens nothing.
    await page.reload();
    await page.getByText('Cette inscription est introuvable.').waitFor();
    expect(problems.filter((problem) => !problem.includes('404'))).toEqual([]);
    await context.close();
  });
});
