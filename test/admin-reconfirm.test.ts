import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newEventRecord, publish } from '../functions/events/model.js';
import { eventCreateInput } from '../functions/events/schemas.js';
import { emailKey } from '../functions/platform/tokens.js';
import { localAdminPassword } from '../local/auth.js';
import { launchChromium, type PagesSite, startPagesSite, textOf, visible } from './support/browser.js';

/**
 * The organiser's side of "still coming?" in Debian's Chromium: the dashboard counts who
 * reconfirmed and the seats the deadline released, the registrants list marks who reconfirmed,
 * and the editor's reminders and deadline are saved (and a wrong offset said beside its field).
 */

let browser: Browser;
let site: PagesSite;

beforeAll(async () => {
  site = await startPagesSite(['media-aces']);
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

const DAY = 86_400_000;

describe('reconfirmation in the admin page', () => {
  it('shows reconfirmed and released seats, marks who reconfirmed, and saves reminders and the deadline', async () => {
    const now = Date.now();
    const event = publish(
      newEventRecord(
        eventCreateInput.parse({
          title: 'Matinale à confirmer',
          format: 'online',
          joinUrl: 'https://meet.example/matinale',
          startsAt: new Date(now + 7 * DAY).toISOString(),
          endsAt: new Date(now + 7 * DAY + 3_600_000).toISOString(),
          capacity: 10,
          reconfirmBy: new Date(now + 5 * DAY).toISOString(),
        }),
        { id: `matinale-${now}`, organiserId: 'media-aces', organiserName: 'Media Aces' },
        new Date(),
      ),
      new Date(),
    );
    await site.services.events.create(event);
    const { registrations } = site.services;
    for (const who of ['Alice Vient', 'Bruno Absent']) {
      const response = await fetch(`${site.baseUrl}/api/events/${event.id}/registrations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          name: who,
          email: `${who.split(' ')[0]?.toLowerCase()}@example.com`,
          consent: true,
        }),
      });
      expect(response.status).toBe(201);
    }
    const alice = await registrations.get({ eventId: event.id, emailKey: emailKey('alice@example.com') });
    const bruno = await registrations.get({ eventId: event.id, emailKey: emailKey('bruno@example.com') });
    if (!alice || !bruno) throw new Error('registrations missing');
    await registrations.reconfirm(alice, event, new Date());
    await registrations.releaseNotReconfirmed(bruno, event, new Date(now + 5 * DAY + 60_000));

    const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1200, height: 900 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    try {
      await page.goto(`${site.baseUrl}/admin`);
      await page.getByLabel('Adresse e-mail').fill('organiser@media-aces.example');
      await page.getByLabel('Mot de passe').fill(localAdminPassword());
      await page.getByRole('button', { name: 'Se connecter' }).click();
      await textOf(page.getByRole('heading', { level: 1 })).toMatch('Mes événements');
      await page.goto(`${site.baseUrl}/admin#/events/${event.id}`);

      await textOf(page.locator('#attendance [data-count="reconfirmed"] dt')).toBe('Venues confirmées');
      await textOf(page.locator('#attendance [data-count="reconfirmed"] dd')).toBe('1');
      await textOf(page.locator('#attendance [data-count="released"] dd')).toBe('1');
      const aliceRow = page.getByRole('row').filter({ hasText: 'Alice Vient' });
      await visible(aliceRow.getByText('Venue confirmée'));
      await textOf(page.getByRole('row').filter({ hasText: 'Bruno Absent' })).not.toContain(
        'Venue confirmée',
      );

      await page.getByRole('link', { name: 'Modifier' }).click();
      await textOf(page.getByRole('heading', { level: 1 })).toMatch("Modifier l'événement");
      const reminders = page.getByRole('textbox', { name: 'Rappels' });
      expect(await reminders.inputValue()).toBe('P1D, PT1H'); // the online defaults
      await reminders.fill('demain');
      await page.getByRole('button', { name: 'Enregistrer' }).click();
      await textOf(page.locator('#ed-reminders-error')).toMatch(/\S/);
      await reminders.fill('P2D, PT30M');
      await page.getByRole('button', { name: 'Enregistrer' }).click();
      await textOf(page.locator('#status')).toMatch('Modifications enregistrées.');
      const saved = (await site.services.events.get(event.id))?.event;
      expect(saved?.reminders).toEqual(['P2D', 'PT30M']);
      expect(saved?.reconfirmBy).toBe(event.reconfirmBy);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
