import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emailKey } from '../functions/platform/tokens.js';
import { embedSnippet } from '../web/src/embed-contract.js';
import {
  countOf,
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
 * The registration button on another site, in Chromium: a blog served from its own port
 * (another origin, as a WordPress site is) pastes the snippet the admin page shows. The frame
 * loads under the blog's own CSP, registers someone, follows its content's height both ways,
 * and where framing is refused the reader gets a plain link instead.
 */

const EVENT = 'un-patron-doit-il-tweeter';

let browser: Browser | undefined;
let site: PagesSite | undefined;
let blog: Server | undefined;
let baseUrl = '';
let blogUrl = '';

/** The blog's articles by path; each test adds its own. */
const articles = new Map<string, string>();

/**
 * A WordPress-like article whose theme styles every button, iframe and link, under a CSP that
 * lets in only what docs/embed.md asks a strict blog to allow (our script and our frame).
 */
const article = (lang: 'fr' | 'en', snippet: string): string =>
  `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>Blog</title>
  <style>iframe, button { display: none !important; } * { font-family: serif; color: hotpink; }</style>
  </head><body><article><h1>Notre prochaine conférence</h1><p>Venez nombreux.</p>
  ${snippet}
  <p>La suite de l'article.</p></article></body></html>`;

/** Console errors (CSP violations are reported there, the frame's too) and page errors. */
const openPage = async (options: {
  width: number;
  locale: string;
  javaScript?: boolean;
}): Promise<{ context: BrowserContext; page: Page; problems: string[] }> => {
  if (!browser) throw new Error('No browser');
  const context = await browser.newContext({
    locale: options.locale,
    viewport: { width: options.width, height: 740 },
    javaScriptEnabled: options.javaScript ?? true,
  });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) =>
      console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`),
    );
  });
  const problems: string[] = [];
  recordProblems(page, problems);
  return { context, page, problems };
};

/** The frame as the blog lays it out, and what its content measures inside. */
const embedOn = (page: Page) => {
  const frameElement = page.locator('.inscriptions-embed iframe');
  const frame = page.frameLocator('.inscriptions-embed iframe');
  const frameHeight = async () => Math.round((await frameElement.boundingBox())?.height ?? 0);
  /** Waits until the frame is exactly as tall as its content (nothing scrolls inside); its height. */
  const fitted = async (): Promise<number> => {
    await expect
      .poll(async () => {
        const content = await frame
          .locator('body')
          .evaluate((body) => Math.ceil(body.getBoundingClientRect().height));
        return Math.abs((await frameHeight()) - content);
      }, POLL)
      .toBeLessThanOrEqual(1);
    expect(await frame.locator('html').evaluate((html) => html.scrollHeight <= html.clientHeight)).toBe(true);
    return frameHeight();
  };
  return { frameElement, frame, fitted };
};

/** Serves the frame the event page's ordinary answer, as if the embed were not allowed: frame-ancestors 'self'. */
const refuseEmbed = (page: Page) =>
  page.route(
    (url) => url.pathname.startsWith('/events/') && url.searchParams.get('embed') === '1',
    async (route) => {
      const url = new URL(route.request().url());
      url.searchParams.delete('embed');
      const response = await route.fetch({ url: url.href });
      expect(response.headers()['content-security-policy']).toContain("frame-ancestors 'self'");
      await route.fulfill({ response });
    },
  );

beforeAll(async () => {
  site = await startPagesSite(['media-aces', 'touch-and-sell', 'open2leads']);
  baseUrl = site.baseUrl;
  blog = createServer((req, res) => {
    const html = articles.get(req.url ?? '');
    if (!html) {
      res.writeHead(req.url === '/favicon.ico' ? 204 : 404);
      res.end();
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': `default-src 'self'; script-src ${baseUrl}; frame-src ${baseUrl}; style-src 'unsafe-inline'`,
    });
    res.end(html);
  });
  await new Promise<void>((resolve) => blog?.listen(0, '127.0.0.1', resolve));
  blogUrl = `http://127.0.0.1:${(blog.address() as AddressInfo).port}`;
  expect(new URL(blogUrl).origin).not.toBe(new URL(baseUrl).origin);
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => blog?.close(resolve));
  await site?.close();
});

describe('the registration button on another site', () => {
  it('frames the event from another origin and registers someone at 360 px, in French, the frame following its content up and down', async () => {
    articles.set('/fr', article('fr', embedSnippet(baseUrl, EVENT, 'fr')));
    const { context, page, problems } = await openPage({ width: 360, locale: 'fr-FR' });
    await page.goto(`${blogUrl}/fr`);
    const { frameElement, frame, fitted } = embedOn(page);
    await visible(frameElement);
    // The snippet's link gave way to the card; the card sits in a shadow root the theme cannot reach.
    await countOf(page.locator('a.inscriptions-link')).toBe(0);
    expect(await page.locator('.inscriptions-embed').evaluate((host) => host.shadowRoot?.mode)).toBe('open');
    await textOf(frame.getByRole('heading', { level: 1 })).toMatch('Un patron doit-il tweeter ?');
    await textOf(frame.locator('#seats')).toMatch(/\d+ places restantes/);
    await countOf(frame.locator('form')).toBe(0);
    const closed = await fitted();
    await shot(page, 'embed-closed-phone');

    await frame.getByRole('button', { name: "S'inscrire" }).click();
    await visible(frame.getByLabel('Nom et prénom'));
    const open = await fitted();
    expect(open).toBeGreaterThan(closed + 200);

    // Sent empty: the errors appear and the frame grows with them.
    await frame.getByRole('button', { name: "S'inscrire" }).click();
    await textOf(frame.locator('#form-status')).toMatch('3 champs à corriger.');
    const withErrors = await fitted();
    expect(withErrors).toBeGreaterThan(open);

    // Corrected: each message goes as its field is right, and the frame shrinks back.
    await frame.getByLabel('Nom et prénom').fill('Lectrice du Blog');
    await frame.getByLabel('Adresse e-mail').fill('blog@example.com');
    await frame.getByLabel(/J'accepte que mes données/).check();
    await countOf(frame.locator('.field-error:visible')).toBe(0);
    const corrected = await fitted();
    expect(corrected).toBeLessThan(withErrors);

    await frame.getByRole('button', { name: "S'inscrire" }).click();
    await textOf(frame.locator('#result-title')).toMatch('Inscription confirmée');
    expect(await frame.getByRole('link', { name: 'Gérer mon inscription' }).getAttribute('target')).toBe(
      '_blank',
    );
    // The result is shorter than the form it replaces: the frame shrinks to it.
    expect(await fitted()).toBeLessThan(corrected);
    await shot(page, 'embed-registered-phone');
    const registration = await site?.services.registrations.get({
      eventId: EVENT,
      emailKey: emailKey('blog@example.com'),
    });
    expect(registration?.status).toBe('confirmed');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('in English, from the page’s language: the card and the form in English', async () => {
    articles.set('/en', article('en', embedSnippet(baseUrl, 'social-crm', 'en')));
    const { context, page, problems } = await openPage({ width: 1000, locale: 'fr-FR' });
    await page.goto(`${blogUrl}/en`);
    const { frameElement, frame, fitted } = embedOn(page);
    await visible(frameElement);
    await frame.getByRole('button', { name: 'Register' }).click();
    await frame.getByLabel('Full name').fill('Blog Reader');
    await frame.getByLabel('Email address').fill('reader@example.com');
    await frame.getByLabel(/I agree that my data/).check();
    await frame.getByRole('button', { name: 'Register' }).click();
    await textOf(frame.locator('#result-title')).toMatch('Registration confirmed');
    await fitted();
    expect(problems).toEqual([]);
    await context.close();
  });

  it('shows a plain link to the event page where the frame is refused, or scripts are off', async () => {
    // The snippet as pasted: its own link stays, in the event's language.
    articles.set('/refused', article('fr', embedSnippet(baseUrl, EVENT, 'fr')));
    const refused = await openPage({ width: 360, locale: 'fr-FR' });
    await refuseEmbed(refused.page);
    await refused.page.goto(`${blogUrl}/refused`);
    const link = refused.page.getByRole('link', { name: "S'inscrire" });
    await expect.poll(() => refused.problems.join('\n'), POLL).toMatch(/frame-ancestors 'self'/);
    // A few seconds on, still the link, and no empty box in its place.
    await refused.page.waitForTimeout(3_000);
    await visible(link);
    expect(await link.getAttribute('href')).toBe(`${baseUrl}/events/${EVENT}`);
    expect(await embedOn(refused.page).frameElement.isVisible()).toBe(false);
    await shot(refused.page, 'embed-refused-phone');
    expect(refused.problems.every((problem) => problem.includes("frame-ancestors 'self'"))).toBe(true);
    await refused.context.close();

    // An older snippet, the script alone: embed.js makes the link, in the page's language.
    articles.set(
      '/refused-en',
      article('en', `<script src="${baseUrl}/embed.js" data-event="${EVENT}" async></script>`),
    );
    const english = await openPage({ width: 360, locale: 'fr-FR' });
    await refuseEmbed(english.page);
    await english.page.goto(`${blogUrl}/refused-en`);
    const register = english.page.getByRole('link', { name: 'Register' });
    await visible(register);
    await english.page.waitForTimeout(3_000);
    await visible(register);
    expect(await register.getAttribute('href')).toBe(`${baseUrl}/events/${EVENT}`);
    await english.context.close();

    // No script at all (switched off, or stripped by the blog): the snippet is a link.
    const noScript = await openPage({ width: 360, locale: 'fr-FR', javaScript: false });
    await noScript.page.goto(`${blogUrl}/refused`);
    await visible(noScript.page.getByRole('link', { name: "S'inscrire" }));
    await countOf(noScript.page.locator('iframe')).toBe(0);
    await noScript.context.close();
  });
});
