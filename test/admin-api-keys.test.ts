import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localAdminPassword } from '../local/auth.js';
import {
  countOf,
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

/** French typography: a no-break space inside « » and before ? (web/src/i18n-core.ts). */
const fr = (text: string) => text.replace(/« /g, '«\u00a0').replace(/ ([»?])/g, '\u00a0$1');

/**
 * The API keys view of the admin page in Chromium, over the local server and DynamoDB Local:
 * create a key (shown once, copied), see it used, revoke it after a confirmation; in French on
 * a phone and in English on a desktop.
 */

let browser: Browser | undefined;
let site: PagesSite | undefined;
const problems: string[] = [];

const openPage = async (phone: boolean): Promise<{ context: BrowserContext; page: Page }> => {
  if (!browser) throw new Error('No browser');
  const context = await browser.newContext({
    locale: 'fr-FR',
    ...(phone
      ? { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1 }
      : { viewport: { width: 1200, height: 900 } }),
  });
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  recordProblems(page, problems);
  return { context, page };
};

const login = async (page: Page, organiserId: string, lang: 'fr' | 'en') => {
  await page.goto(`${site?.baseUrl}/admin`);
  await page.evaluate((language) => localStorage.setItem('lang', language), lang);
  await page.reload();
  await page.locator('#login-email').fill(`organiser@${organiserId}.example`);
  await page.locator('#login-password').fill(localAdminPassword());
  await page.locator('#login button[type=submit]').click();
  await visible(page.locator('#logout'));
  // The events list is the first view: it is drawn before moving on (a later draw would replace the next view).
  await textOf(page.getByRole('heading', { level: 1 })).toBe(lang === 'fr' ? 'Mes événements' : 'My events');
};

const withKey = (key: string, path: string) =>
  fetch(`${site?.baseUrl}${path}`, { headers: { authorization: `Bearer ${key}` } });

beforeAll(async () => {
  site = await startPagesSite(['media-aces', 'open2leads']);
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

describe('API keys view in Chromium', () => {
  it('in French on a phone: creates a key shown once, copies it, lists it, and revokes it after asking', async () => {
    const { context, page } = await openPage(true);
    await login(page, 'media-aces', 'fr');
    await page.getByRole('link', { name: "Clés d'API" }).click();
    await textOf(page.getByRole('heading', { level: 1 })).toBe("Clés d'API");
    await visible(page.getByText("Aucune clé pour l'instant."));

    // An empty name is refused where it was typed.
    await page.getByRole('button', { name: 'Créer la clé' }).click();
    await textOf(page.locator('#api-key-label-error')).toBe('Ce champ est obligatoire.');
    await focused(page.getByLabel('Nom'));

    await page.getByLabel('Nom').fill('Zapier');
    await page.getByRole('button', { name: 'Créer la clé' }).click();
    await textOf(page.locator('#new-key-title')).toBe(fr('Clé « Zapier » créée'));
    await focused(page.locator('#new-key-title'));
    const key = await page.getByLabel('Clé', { exact: true }).inputValue();
    expect(key).toMatch(/^ik_[A-Za-z0-9_-]{43}$/);
    await page.getByRole('button', { name: 'Copier' }).click();
    await textOf(page.locator('#status')).toBe('Clé copiée.');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);

    const rows = page.locator('#api-key-list tbody tr');
    await countOf(rows).toBe(1);
    await textOf(rows.first()).toMatch(/Zapier.*Jamais/);
    // Nothing wider than the phone.
    await expect
      .poll(() => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), POLL)
      .toBe(true);
    await shot(page, 'admin-api-keys-phone');

    // Used by an integration: the list says when, once reloaded; the key itself is not shown again.
    expect((await withKey(key, '/api/admin/events')).status).toBe(200);
    await page.reload();
    await textOf(rows.first()).not.toMatch('Jamais');
    expect(await page.content()).not.toContain(key);

    // Revoking asks first; "Annuler" keeps the key.
    await page.getByRole('button', { name: fr('Révoquer la clé « Zapier »') }).click();
    const dialog = page.getByRole('dialog');
    await textOf(dialog.getByRole('heading')).toBe(fr('Révoquer la clé « Zapier » ?'));
    await dialog.getByRole('button', { name: 'Annuler' }).click();
    expect((await withKey(key, '/api/admin/events')).status).toBe(200);
    await page.getByRole('button', { name: fr('Révoquer la clé « Zapier »') }).click();
    await dialog.getByRole('button', { name: 'Révoquer' }).click();
    await textOf(page.locator('#status')).toBe(fr('Clé « Zapier » révoquée.'));
    await visible(page.getByText("Aucune clé pour l'instant."));
    expect((await withKey(key, '/api/admin/events')).status).toBe(401);
    await context.close();
  });

  it('in English on a desktop: the same view, and another organiser sees none of these keys', async () => {
    const { context, page } = await openPage(false);
    await login(page, 'open2leads', 'en');
    await page.getByRole('link', { name: 'API keys' }).click();
    await textOf(page.getByRole('heading', { level: 1 })).toBe('API keys');
    await visible(page.getByText('No keys yet.'));
    await page.getByLabel('Name').fill('HubSpot');
    await page.getByRole('button', { name: 'Create the key' }).click();
    await textOf(page.locator('#new-key-title')).toBe('Key “HubSpot” created');
    await textOf(page.locator('#api-key-list tbody tr').first()).toMatch(/HubSpot.*Never/);
    await expect(
      page.getByRole('link', { name: 'API description (OpenAPI)' }).getAttribute('href'),
    ).resolves.toBe('/api/openapi.json');
    await shot(page, 'admin-api-keys-desktop');
    expect(problems).toEqual([]);

    // In AWS a refused (expired) login is API Gateway's bare 403 from the authorizer: back to the login.
    await page.route('**/api/admin/api-keys', (route) =>
      route.fulfill({ status: 403, contentType: 'application/json', body: '{"message":"Forbidden"}' }),
    );
    await page.reload();
    await visible(page.locator('#login-email'));
    await textOf(page.locator('#status')).toBe('Your session has expired: please log in again.');
    await context.close();
  });
});
