import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { localAdminPassword, localUserEmail } from '../local/auth.js';

/**
 * The screenshots in docs/images, taken from the running local system (`npm start` in another
 * terminal) with Debian's Chromium: `npm run screenshots`. Run it after a change that shows.
 * The door needs people: a dozen demo registrants are added to the Open2leads evening (three
 * checked in) when it has fewer, as an organiser trying the system would.
 */

const BASE = process.env.BASE_URL ?? 'http://127.0.0.1:3000';
const OUT = join(process.cwd(), 'docs/images');
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const DESKTOP = { viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 };

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
});

const open = async (size: typeof PHONE | typeof DESKTOP, locale = 'fr-FR'): Promise<Page> =>
  (await browser.newContext({ ...size, locale, timezoneId: 'Europe/Paris' })).newPage();

const save = async (page: Page, name: string, fullPage = false) => {
  await page.screenshot({ path: join(OUT, `${name}.png`), fullPage });
  console.info(`docs/images/${name}.png`);
};

const login = async (page: Page, organiserId: string) => {
  await page.goto(`${BASE}/admin`);
  await page.locator('input[type=email]').fill(localUserEmail(organiserId));
  await page.locator('input[type=password]').fill(localAdminPassword());
  await page.locator('form button[type=submit]').click();
  await page.locator('main h1').waitFor();
};

const DOOR_EVENT = 'b2b-best-practices';
const DEMO_PEOPLE = [
  'Camille Martin',
  'Léa Bernard',
  'Hugo Dubois',
  'Chloé Thomas',
  'Louis Robert',
  'Emma Richard',
  'Nathan Petit',
  'Inès Durand',
  'Jules Leroy',
  'Manon Moreau',
  'Gabriel Simon',
  'Zoé Laurent',
];

const call = async (method: string, path: string, body?: unknown, token?: string) => {
  const response = await fetch(`${BASE}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.json();
};

const fillTheDoor = async () => {
  const { accessToken } = await call('POST', '/local/login', {
    email: localUserEmail('open2leads'),
    password: localAdminPassword(),
  });
  const list = await call('GET', `/api/admin/events/${DOOR_EVENT}/registrations`, undefined, accessToken);
  if (list.total >= DEMO_PEOPLE.length) return;
  for (const [i, name] of DEMO_PEOPLE.entries()) {
    const email = `${name
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z ]/g, '')
      .replace(' ', '.')}@example.com`;
    const { registration } = await call('POST', `/api/events/${DOOR_EVENT}/registrations`, {
      name,
      email,
      company: 'Exemple SA',
      consent: true,
    });
    if (i % 4 === 1) {
      await call(
        'POST',
        `/api/admin/events/${DOOR_EVENT}/registrations/${registration.id}/check-in`,
        undefined,
        accessToken,
      );
    }
  }
};

try {
  await mkdir(OUT, { recursive: true });
  await fillTheDoor();
  const eventPage = await open(DESKTOP);
  await eventPage.goto(`${BASE}/events/b2b-best-practices`);
  await eventPage.locator('#content h1').waitFor();
  await save(eventPage, 'event-page');

  const eventPhone = await open(PHONE, 'en-GB');
  await eventPhone.goto(`${BASE}/events/social-selling-or-not`);
  await eventPhone.getByRole('button', { name: 'EN', exact: true }).click();
  await eventPhone.locator('#content h1').waitFor();
  await save(eventPhone, 'event-page-phone');

  const dashboard = await open(DESKTOP);
  await login(dashboard, 'open2leads');
  await dashboard.goto(`${BASE}/admin#/events/b2b-best-practices`);
  await dashboard.locator('#reg-title').waitFor();
  await save(dashboard, 'admin-dashboard');

  const door = await open(PHONE);
  await login(door, 'open2leads');
  await door.goto(`${BASE}/admin#/events/b2b-best-practices`);
  await door.locator('tr[data-id]').first().waitFor();
  await door.evaluate(() => document.getElementById('reg-title')?.scrollIntoView({ behavior: 'instant' }));
  await save(door, 'admin-checkin-phone');
} finally {
  await browser.close();
}
