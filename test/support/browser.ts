import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type ConsoleMessage, chromium, type Locator, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { emailKey, unsealToken } from '../../functions/platform/tokens.js';
import { manageUrl } from '../../functions/registrations/model.js';
import { createServices, type Services, setServices } from '../../functions/wiring/services.js';
import { createLocalIssuer } from '../../local/auth.js';
import { seedDemo } from '../../local/seed.js';
import { createLocalServer } from '../../local/server.js';
import { buildWeb, type WebBuild } from '../../web/build.js';
import { freshTable } from './dynamo.js';

/** Debian's Chromium: the browser tests never download one. */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Headless Chromium with the flags this closed network needs (no background connections).
 * Missing Chromium fails the test with the fix, never skips it. `extraArgs`: a test's own
 * flags (a fake camera).
 */
export const launchChromium = async (extraArgs: readonly string[] = []): Promise<Browser> => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `The browser test needs Chromium at ${CHROMIUM} and does not skip without it: run ` +
        '`apt-get update && apt-get install -y chromium` (CI installs it).',
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      ...extraArgs,
    ],
  });
};

/** The built pages served by the local server over the real handlers and a fresh table, seeded. */
export interface PagesSite {
  baseUrl: string;
  services: Services;
  built: WebBuild;
  /** The manage link the emails to `email` carry for that event (what the outbox would show). */
  emailedLink: (eventId: string, email: string) => Promise<string>;
  close: () => Promise<void>;
}

export const startPagesSite = async (organiserIds: string[]): Promise<PagesSite> => {
  process.env.LOG_LEVEL ??= 'silent';
  const webDir = await mkdtemp(join(tmpdir(), 'inscriptions-web-'));
  const dataDir = await mkdtemp(join(tmpdir(), 'inscriptions-data-'));
  const built = await buildWeb(webDir);

  const issuer = await createLocalIssuer({ dataDir, issuer: 'http://127.0.0.1/local' });
  const server = createLocalServer({ issuer, organiserIds, webDir });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // Manage links in responses point at this server.
  const { doc, tableName } = await freshTable();
  const tokenKey = randomBytes(32);
  const services = createServices({ db: doc, tableName, baseUrl, tokenKey, holdMinutes: 120 });
  setServices(services);
  await seedDemo(services, new Date());

  const close = async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    setServices(undefined);
    await Promise.all([webDir, dataDir].map((dir) => rm(dir, { recursive: true, force: true })));
  };
  const emailedLink = async (eventId: string, email: string) => {
    const registration = await services.registrations.get({ eventId, emailKey: emailKey(email) });
    if (!registration) throw new Error(`No registration of ${email} for ${eventId}`);
    return manageUrl(baseUrl, registration.id, unsealToken(registration.tokenSealed, tokenKey));
  };
  return { baseUrl, services, built, emailedLink, close };
};

/** Playwright's own `expect` lives in @playwright/test; these wait the same way with vitest's `expect.poll`. */
export const POLL = { timeout: 10_000, interval: 100 };
export const textOf = (locator: Locator) => expect.poll(() => locator.textContent(), POLL);
export const attributeOf = (locator: Locator, name: string) =>
  expect.poll(() => locator.getAttribute(name), POLL);
export const countOf = (locator: Locator) => expect.poll(() => locator.count(), POLL);
export const visible = (locator: Locator) => locator.waitFor({ state: 'visible', timeout: POLL.timeout });
export const focused = (locator: Locator) =>
  expect.poll(() => locator.evaluate((element) => element === document.activeElement), POLL).toBe(true);

/**
 * Records the page's script errors and console errors in `problems`, which each browser test
 * file checks stays empty; `expected` names the console errors a test causes on purpose (a
 * refused request the browser logs).
 */
export const recordProblems = (
  page: Page,
  problems: string[],
  expected: (message: ConsoleMessage) => boolean = () => false,
) => {
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !expected(message)) problems.push(`console error: ${message.text()}`);
  });
};

/** Screenshots of each page, for people to look at (ignored by git; a few are in docs/images). */
const SCREENSHOTS = join(process.cwd(), 'screenshots');
export const shot = async (page: Page, name: string) => {
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
};

/**
 * The built pages on a local server over whatever services the test set (startTestApp's):
 * for the page tests that bring their own table. `close` stops it and removes the build.
 */
export const serveBuiltPages = async (
  name: string,
): Promise<{ base: string; close: () => Promise<void> }> => {
  const tmp = await mkdtemp(join(tmpdir(), `${name}-`));
  await buildWeb(join(tmp, 'web'));
  const issuer = await createLocalIssuer({ dataDir: join(tmp, 'data'), issuer: 'http://127.0.0.1/local' });
  const server = createLocalServer({ issuer, organiserIds: ['media-aces'], webDir: join(tmp, 'web') });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const close = async () => {
    await new Promise((done) => server.close(done));
    setServices(undefined);
    await rm(tmp, { recursive: true, force: true });
  };
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close };
};
