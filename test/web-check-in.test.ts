import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { decodeQR } from 'qr/decode.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newEventRecord, publish } from '../functions/events/model.js';
import { eventCreateInput } from '../functions/events/schemas.js';
import { qrPng } from '../functions/mail/qr-png.js';
import { localAdminPassword } from '../local/auth.js';
import {
  launchChromium,
  type PagesSite,
  recordProblems,
  shot,
  startPagesSite,
  textOf,
  visible,
} from './support/browser.js';
import { readGreyPng, y4mOf } from './support/qr-image.js';

/**
 * The check-in code in Chromium, at 390 px, French and English: the manage page shows a seat
 * holder's QR code (and no one else's), and the admin's door scanner reads a real QR code from
 * a fake camera (Chromium's `--use-file-for-fake-video-capture`, a still video of the code's
 * PNG): welcome, undo, already checked in, wrong event, not a seat holder, and the camera
 * refused. Headless Chromium on Linux has no BarcodeDetector: the page's JS decoder reads it.
 */

const EVENT_ID = 'porte-qr';
const OTHER_EVENT_ID = 'autre-qr';

let site: PagesSite;
let baseUrl = '';
let videoDir = '';
const browsers: Browser[] = [];
const problems: string[] = [];

const createEvent = async (id: string, title: string, capacity: number) => {
  const start = new Date(Date.now() + 10 * 86_400_000);
  const event = newEventRecord(
    eventCreateInput.parse({
      title,
      format: 'in_person',
      venue: { name: 'Salle', city: 'Paris' },
      capacity,
      startsAt: start.toISOString(),
      endsAt: new Date(start.getTime() + 3_600_000).toISOString(),
    }),
    { id, organiserId: 'media-aces', organiserName: 'Media Aces' },
    new Date(),
  );
  await site.services.events.create(event);
  await site.services.events.save(event, publish(event, new Date()));
};

const register = async (eventId: string, name: string, email: string) => {
  const response = await fetch(`${baseUrl}/api/events/${eventId}/registrations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, email, consent: true }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { registration: { id: string; status: string } }).registration;
};

const codeOf = (id: string) => site.services.attendanceCodes.for(id) ?? '';

/** A Chromium whose camera films the QR code of `code`. */
const browserFilming = async (code: string): Promise<Browser> => {
  const file = join(videoDir, `${code}.y4m`);
  await writeFile(file, y4mOf(readGreyPng(qrPng(code))));
  const browser = await launchChromium([
    '--use-fake-device-for-media-stream',
    '--use-fake-ui-for-media-stream',
    `--use-file-for-fake-video-capture=${file}`,
  ]);
  browsers.push(browser);
  return browser;
};

const phone = async (browser: Browser, locale: 'fr-FR' | 'en-GB') => {
  const context = await browser.newContext({
    locale,
    timezoneId: 'Europe/Paris',
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  });
  const page = await context.newPage();
  // The scanner's 404 and 409 answers are expected; Chromium logs each failed request.
  recordProblems(page, problems, (message) => /status of 40[49]/.test(message.text()));
  return { context, page };
};

const logIn = async (page: Page, locale: 'fr-FR' | 'en-GB') => {
  const fr = locale === 'fr-FR';
  await page.goto(`${baseUrl}/admin`);
  await page.getByLabel(fr ? 'Adresse e-mail' : 'Email address').fill('organiser@media-aces.example');
  await page.getByLabel(fr ? 'Mot de passe' : 'Password').fill(localAdminPassword());
  await page.getByRole('button', { name: fr ? 'Se connecter' : 'Log in' }).click();
  await textOf(page.getByRole('heading', { level: 1 })).toMatch(fr ? 'Mes événements' : 'My events');
};

const checkedIn = async (id: string) => (await site.services.registrations.getById(id))?.checkedInAt;

const fitsIn360 = async (page: Page) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await expect
    .poll(() => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth))
    .toBe(true);
};

let ada: { id: string };
let bob: { id: string };

beforeAll(async () => {
  site = await startPagesSite(['media-aces']);
  baseUrl = site.baseUrl;
  videoDir = await mkdtemp(join(tmpdir(), 'fake-camera-'));
  await createEvent(EVENT_ID, 'Porte QR', 1);
  await createEvent(OTHER_EVENT_ID, 'Autre soirée', 10);
  ada = await register(EVENT_ID, 'Ada Lovelace', 'ada@example.com');
  bob = await register(EVENT_ID, 'Bob Waiting', 'bob@example.com');
  expect((await site.services.registrations.getById(bob.id))?.status).toBe('waitlisted');
}, 120_000);

afterAll(async () => {
  await Promise.all(browsers.map((browser) => browser.close()));
  await site?.close();
  if (videoDir) await rm(videoDir, { recursive: true, force: true });
});

describe('the door scanner, with a fake camera filming a real QR code', () => {
  let context: BrowserContext | undefined;
  afterAll(() => context?.close());

  it('French: reads the code, "Bienvenue !", one check-in for a code held up; undo; from the dashboard', async () => {
    const browser = await browserFilming(codeOf(ada.id));
    const opened = await phone(browser, 'fr-FR');
    context = opened.context;
    const { page } = opened;
    await logIn(page, 'fr-FR');
    await page.goto(`${baseUrl}/admin#/events/${EVENT_ID}`);
    await page.getByRole('link', { name: 'Scanner les QR codes' }).first().click();
    await textOf(page.getByRole('heading', { level: 1 })).toMatch(/^Scanner\s:\sPorte QR$/);

    const result = page.getByRole('status').and(page.locator('#scan-result'));
    await textOf(result).toMatch(/^Ada LovelaceBienvenue\s!$/);
    await expect.poll(() => page.locator('.scanner').getAttribute('data-decoder')).toBe('js');
    expect(await page.evaluate(() => 'BarcodeDetector' in window)).toBe(false);
    await shot(page, 'admin-scanner-phone-fr');
    const first = await checkedIn(ada.id);
    expect(first).toBeTruthy();
    // The code stays in front of the camera: still one check-in, the same answer.
    await page.waitForTimeout(1000);
    expect(await checkedIn(ada.id)).toBe(first);
    await textOf(result).toMatch(/^Ada LovelaceBienvenue\s!$/);

    await page.getByRole('button', { name: "Annuler l'arrivée de Ada Lovelace" }).click();
    // Undone, the code still in view is read again at once: checked in anew, at a later time.
    await expect.poll(async () => (await checkedIn(ada.id)) ?? '').toMatch(/^\d{4}-/);
    await expect.poll(async () => ((await checkedIn(ada.id)) ?? '') > (first ?? '')).toBe(true);
    await textOf(result).toMatch(/^Ada LovelaceBienvenue\s!$/);

    await fitsIn360(page);
    // The fallback: the list in door mode.
    await page.getByRole('link', { name: 'Chercher par nom (mode accueil)' }).click();
    await textOf(page.getByRole('heading', { level: 1 })).toBe('Porte QR');
    await expect.poll(() => page.locator('#door-toggle').getAttribute('aria-pressed')).toBe('true');
  });

  it('English: already checked in at (the time), wrong event', async () => {
    const [browser] = browsers;
    if (!browser) throw new Error('no browser');
    const { context: english, page } = await phone(browser, 'en-GB');
    try {
      await logIn(page, 'en-GB');
      await page.goto(`${baseUrl}/admin#/events/${EVENT_ID}/scan`);
      await textOf(page.getByRole('heading', { level: 1 })).toBe('Scanner: Porte QR');
      const at = await checkedIn(ada.id);
      const time = new Intl.DateTimeFormat('en-GB', {
        hour: '2-digit',
        minute: '2-digit',
        timeZone: 'Europe/Paris',
      }).format(new Date(at ?? ''));
      const result = page.locator('#scan-result');
      await textOf(result).toBe(`Ada LovelaceAlready checked in at ${time}`);
      expect(await page.locator('#scan-result').getAttribute('class')).toContain('scan-warn');

      await page.goto(`${baseUrl}/admin#/events/${OTHER_EVENT_ID}/scan`);
      await textOf(page.getByRole('heading', { level: 1 })).toBe('Scanner: Autre soirée');
      await textOf(result).toBe('Unknown code, or one for another event');
      await fitsIn360(page);
    } finally {
      await english.close();
    }
  });

  it('not a seat holder, in French and English', async () => {
    const browser = await browserFilming(codeOf(bob.id));
    for (const [locale, words] of [
      ['fr-FR', "Pas de place (Liste d'attente)"],
      ['en-GB', 'Not a seat holder (Waitlist)'],
    ] as const) {
      const { context: seat, page } = await phone(browser, locale);
      try {
        await logIn(page, locale);
        await page.goto(`${baseUrl}/admin#/events/${EVENT_ID}/scan`);
        await textOf(page.locator('#scan-result')).toBe(words);
        expect(await checkedIn(bob.id)).toBeFalsy();
      } finally {
        await seat.close();
      }
    }
  });

  it('camera refused: says so and offers the list', async () => {
    const [browser] = browsers;
    if (!browser) throw new Error('no browser');
    const { context: refused, page } = await phone(browser, 'en-GB');
    await refused.addInitScript(() => {
      navigator.mediaDevices.getUserMedia = () =>
        Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
    });
    try {
      await logIn(page, 'en-GB');
      await page.goto(`${baseUrl}/admin#/events/${EVENT_ID}/scan`);
      await textOf(page.locator('#scan-result')).toMatch(/^The camera is not available/);
      await visible(page.getByRole('link', { name: 'Search by name (door mode)' }));
      expect(await page.locator('.scan-camera').isHidden()).toBe(true);
    } finally {
      await refused.close();
    }
  });
});

describe('the manage page', () => {
  it.each([
    ['fr-FR', "Votre code d'entrée"],
    ['en-GB', 'Your check-in code'],
  ] as const)(
    '%s: a seat holder sees the QR code of their code; a waitlisted registrant none',
    async (locale, title) => {
      const browser = browsers[0] ?? (await browserFilming(codeOf(ada.id)));
      const { context, page } = await phone(browser, locale);
      try {
        await page.goto(await site.emailedLink(EVENT_ID, 'ada@example.com'));
        await visible(page.getByRole('heading', { name: title }));
        await textOf(page.locator('.check-in-code')).toBe(codeOf(ada.id));
        const svg = page.locator('.check-in-qr svg');
        await visible(svg);
        // The drawn QR code, rasterised by the browser and read back by the decoder.
        const pixels = await svg.evaluate(async (element) => {
          const image = new Image();
          image.src = `data:image/svg+xml,${encodeURIComponent(new XMLSerializer().serializeToString(element))}`;
          await image.decode();
          const canvas = document.createElement('canvas');
          canvas.width = 370;
          canvas.height = 370;
          const context = canvas.getContext('2d');
          context?.drawImage(image, 0, 0, 370, 370);
          return Array.from(context?.getImageData(0, 0, 370, 370).data ?? []);
        });
        expect(decodeQR({ width: 370, height: 370, data: new Uint8Array(pixels) })).toBe(codeOf(ada.id));
        await fitsIn360(page);

        await page.goto(await site.emailedLink(EVENT_ID, 'bob@example.com'));
        await visible(page.locator('#content').getByText('bob@example.com'));
        expect(await page.locator('.check-in').count()).toBe(0);
      } finally {
        await context.close();
      }
    },
  );

  it('raised no page or console error', () => {
    expect(problems).toEqual([]);
  });
});
