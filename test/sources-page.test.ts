import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emailKey } from '../functions/platform/tokens.js';
import { localAdminPassword } from '../local/auth.js';
import { embedSnippet } from '../web/src/embed-contract.js';
import {
  focused,
  launchChromium,
  type PagesSite,
  POLL,
  recordProblems,
  shot,
  startPagesSite,
  textOf,
  visible,
} from './support/browser.js';

/**
 * Where registrants come from, in Chromium over the local server: a tracking link made on the
 * admin page (French, on a phone) leads to the event page with its parameters, the registration
 * keeps them and the admin shows them (English, desktop); a blog's embed passes its address.
 */

const EVENT = 'un-patron-doit-il-tweeter';
const TITLE = 'Un patron doit-il tweeter ?';

let browser: Browser | undefined;
let site: PagesSite | undefined;
let blog: Server | undefined;
let baseUrl = '';
let blogUrl = '';
const problems: string[] = [];

const openPage = async (options: { phone?: boolean; locale?: string; userAgent?: string } = {}) => {
  if (!browser) throw new Error('No browser');
  const context: BrowserContext = await browser.newContext({
    locale: options.locale ?? 'fr-FR',
    ...(options.userAgent ? { userAgent: options.userAgent } : {}),
    ...(options.phone
      ? { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }
      : { viewport: { width: 1200, height: 900 } }),
  });
  const page: Page = await context.newPage();
  page.setDefaultTimeout(10_000);
  recordProblems(page, problems);
  return { context, page };
};

const login = async (page: Page) => {
  await page.goto(`${baseUrl}/admin`);
  await page.getByLabel(/Adresse e-mail|Email address/).fill('organiser@media-aces.example');
  await page.getByLabel(/Mot de passe|Password/).fill(localAdminPassword());
  await page.getByRole('button', { name: /Se connecter|Log in/ }).click();
  await visible(page.getByRole('link', { name: TITLE }));
};

beforeAll(async () => {
  site = await startPagesSite(['media-aces', 'touch-and-sell', 'open2leads']);
  baseUrl = site.baseUrl;
  blog = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(
      `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Blog</title></head><body>
      <h1>Notre prochaine conférence</h1>${embedSnippet(baseUrl, EVENT, 'fr')}</body></html>`,
    );
  });
  await new Promise<void>((resolve) => blog?.listen(0, '127.0.0.1', resolve));
  blogUrl = `http://127.0.0.1:${(blog.address() as AddressInfo).port}`;
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => blog?.close(resolve));
  await site?.close();
});

describe('sources and tracking links in Chromium', () => {
  it('a tracking link made on a phone (FR, 390 px) brings a registration the admin attributes to it (EN, desktop)', async () => {
    const phone = await openPage({ phone: true });
    await login(phone.page);
    await phone.page.getByRole('link', { name: TITLE }).click();
    const section = phone.page.locator('section#links');
    await textOf(section.getByRole('heading', { level: 2 })).toBe('Liens de suivi');
    await textOf(section.locator('.links-body')).toMatch('Aucun lien de suivi');
    // Sent empty: said beside each field.
    await section.getByRole('button', { name: 'Créer le lien' }).tap();
    await textOf(phone.page.locator('#link-label-error')).toMatch('obligatoire');
    await phone.page.getByLabel('Nom du lien').fill('Post LinkedIn');
    await phone.page.getByLabel('Canal').fill('linkedin');
    await section.getByRole('button', { name: 'Créer le lien' }).tap();
    const row = section.locator('#links-table tbody tr');
    await textOf(row).toMatch('Post LinkedIn');
    const url = (await row.locator('code').textContent()) ?? '';
    expect(url).toMatch(new RegExp(`^${baseUrl}/r/[A-Za-z0-9_-]{8}$`));
    await visible(section.locator('.chart canvas').first());
    await expect
      .poll(() => phone.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), POLL)
      .toBe(true);
    await section.scrollIntoViewIfNeeded();
    await shot(phone.page, 'admin-links-phone');
    await phone.context.close();

    // A reader follows the link: the event page, with the link's parameters in its address.
    // A person's browser: headless Chromium names itself so, and bots' visits are not counted.
    const reader = await openPage({
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0 Safari/537.36',
    });
    await reader.page.goto(url);
    await expect.poll(() => new URL(reader.page.url()).pathname, POLL).toBe(`/events/${EVENT}`);
    const code = url.split('/').pop() ?? '';
    expect(Object.fromEntries(new URL(reader.page.url()).searchParams)).toEqual({
      utm_source: 'linkedin',
      ref: code,
    });
    await reader.page.getByLabel('Nom et prénom').fill('Lien Suivi');
    await reader.page.getByLabel('Adresse e-mail').fill('suivi@example.com');
    await reader.page.getByLabel(/J'accepte que mes données/).check();
    await reader.page.getByRole('button', { name: "S'inscrire" }).click();
    await textOf(reader.page.locator('#result-title')).toMatch('Inscription confirmée');
    // Nothing kept in the browser: no cookie.
    expect(await reader.context.cookies()).toEqual([]);
    await reader.context.close();

    const desk = await openPage({ locale: 'en-GB' });
    await login(desk.page);
    await desk.page.getByRole('link', { name: TITLE }).click();
    const links = desk.page.locator('section#links');
    await textOf(links.getByRole('heading', { level: 2 })).toBe('Tracking links');
    const cells = links.locator('#links-table tbody tr').first().locator('td');
    // Visits, registered, confirmed, came.
    await expect.poll(() => cells.allTextContents(), POLL).toEqual(['1', '1', '1', '0']);
    const person = desk.page.locator('table.registrations tbody tr', { hasText: 'Lien Suivi' });
    await textOf(person.locator('.source')).toBe('Source: linkedin');
    await links.scrollIntoViewIfNeeded();
    await shot(desk.page, 'admin-links-desktop');
    await desk.context.close();
    expect(problems).toEqual([]);
  });

  it('a link with a medium and a campaign (EN, 390 px): a refusal beside its field, then a redirect that carries both', async () => {
    const phone = await openPage({ phone: true, locale: 'en-GB' });
    await login(phone.page);
    await phone.page.getByRole('link', { name: TITLE }).click();
    const section = phone.page.locator('section#links');
    await visible(section.getByRole('heading', { name: 'Tracking links' }));
    await phone.page.getByLabel('Link name').fill('December newsletter');
    await phone.page.getByLabel('Channel').fill('newsletter');
    // The two optional parameters wait behind a disclosure.
    const campaign = phone.page.getByLabel('Campaign', { exact: true });
    expect(await campaign.isVisible()).toBe(false);
    await section.getByText('Medium and campaign (optional)').tap();
    await phone.page.getByLabel('Medium', { exact: true }).fill('email');
    // A direction override only the server refuses (the page has no checks of its own here).
    await campaign.fill('\u202edecember');
    await section.getByRole('button', { name: 'Create link' }).tap();
    await textOf(phone.page.locator('#link-campaign-error')).toBe(
      'This text contains characters that are not allowed.',
    );
    await focused(campaign);
    // The browser logs the expected 400; nothing else may be logged.
    const refused = problems.findIndex((problem) => /status of 400/.test(problem));
    expect(refused).toBeGreaterThanOrEqual(0);
    problems.splice(refused, 1);
    await campaign.fill('december-2026');
    await section.getByRole('button', { name: 'Create link' }).tap();
    const row = section.locator('#links-table tbody tr', { hasText: 'December newsletter' });
    await textOf(row.locator('.who')).toBe('newsletter · email · december-2026');
    expect(await phone.page.locator('#link-campaign-error').isVisible()).toBe(false);
    await expect
      .poll(() => phone.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), POLL)
      .toBe(true);
    await section.scrollIntoViewIfNeeded();
    await shot(phone.page, 'admin-link-campaign-phone');
    const url = (await row.locator('code').textContent()) ?? '';
    await phone.context.close();

    const reader = await openPage({
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0 Safari/537.36',
    });
    await reader.page.goto(url);
    await expect.poll(() => new URL(reader.page.url()).pathname, POLL).toBe(`/events/${EVENT}`);
    expect(Object.fromEntries(new URL(reader.page.url()).searchParams)).toEqual({
      utm_source: 'newsletter',
      utm_medium: 'email',
      utm_campaign: 'december-2026',
      ref: url.split('/').pop(),
    });
    await reader.context.close();
    expect(problems).toEqual([]);
  });

  it("the embed passes the blog's address and its utm parameters, without the rest of its query", async () => {
    const { context, page } = await openPage({ phone: true });
    await page.goto(`${blogUrl}/2026/conference?utm_source=newsletter&utm_campaign=decembre&secret=x#top`);
    const frame = page.frameLocator('.inscriptions-embed iframe');
    await frame.getByRole('button', { name: "S'inscrire" }).tap();
    await frame.getByLabel('Nom et prénom').fill('Lectrice du Blog');
    await frame.getByLabel('Adresse e-mail').fill('lectrice@example.com');
    await frame.getByLabel(/J'accepte que mes données/).check();
    await frame.getByRole('button', { name: "S'inscrire" }).tap();
    await textOf(frame.locator('#result-title')).toMatch('Inscription confirmée');
    const registration = await site?.services.registrations.get({
      eventId: EVENT,
      emailKey: emailKey('lectrice@example.com'),
    });
    expect(registration?.source).toEqual({
      utm_source: 'newsletter',
      utm_campaign: 'decembre',
      referrer: `${blogUrl}/2026/conference`,
    });
    await context.close();
    expect(problems).toEqual([]);
  });
});
