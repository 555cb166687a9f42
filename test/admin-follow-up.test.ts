import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EventRecord, newEventRecord, publish } from '../functions/events/model.js';
import { eventCreateInput } from '../functions/events/schemas.js';
import { emailKey } from '../functions/platform/tokens.js';
import { rsvpOrder } from '../functions/registrations/model.js';
import { localAdminPassword } from '../local/auth.js';
import { launchChromium, type PagesSite, shot, startPagesSite, textOf, visible } from './support/browser.js';

/**
 * Show-up figures and follow-ups in the admin page, in Debian's Chromium: the dashboard's
 * attendance figures once the event is over, and the editor's "After the event" section with
 * its previews, in French on a phone and in English on a desktop.
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
const HOUR = 3_600_000;

const createEvent = async (fields: Record<string, unknown>): Promise<EventRecord> => {
  const now = Date.now();
  const event = publish(
    newEventRecord(
      eventCreateInput.parse({
        title: 'Webinaire replay',
        format: 'hybrid',
        venue: { name: 'Salle Pleyel', city: 'Paris' },
        joinUrl: 'https://meet.example/webinaire',
        startsAt: new Date(now + 7 * DAY).toISOString(),
        endsAt: new Date(now + 7 * DAY + HOUR).toISOString(),
        capacity: 10,
        ...fields,
      }),
      {
        id: `follow-${now}-${Math.random().toString(36).slice(2, 6)}`,
        organiserId: 'media-aces',
        organiserName: 'Media Aces',
      },
      new Date(),
    ),
    new Date(),
  );
  await site.services.events.create(event);
  return event;
};

const signIn = async (locale: 'fr-FR' | 'en-GB', viewport: { width: number; height: number }) => {
  const context = await browser.newContext({ locale, viewport });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  const fr = locale === 'fr-FR';
  await page.goto(`${site.baseUrl}/admin`);
  await page.getByLabel(fr ? 'Adresse e-mail' : 'Email address').fill('organiser@media-aces.example');
  await page.getByLabel(fr ? 'Mot de passe' : 'Password').fill(localAdminPassword());
  await page.getByRole('button', { name: fr ? 'Se connecter' : 'Log in' }).click();
  await textOf(page.getByRole('heading', { level: 1 })).toMatch(fr ? 'Mes événements' : 'My events');
  return { context, page, problems };
};

/** Nothing in the section reaches past the screen's edge (at 390 px the page scrolls down only). */
const fitsTheScreen = (page: Page, selector: string) =>
  expect
    .poll(() =>
      page.evaluate(
        (css) =>
          [...document.querySelectorAll(`${css}, ${css} *`)].filter(
            (element) => element.getBoundingClientRect().right > window.innerWidth + 0.5,
          ).length,
        selector,
      ),
    )
    .toBe(0);

const close = async (context: BrowserContext, problems: string[]) => {
  await context.close();
  expect(problems).toEqual([]);
};

describe('show-up figures on the dashboard', () => {
  it('once the event is over: seat holders, checked in, joined, no-shows, show-up rate, declined in calendar', async () => {
    const event = await createEvent({ title: 'Matinale terminée' });
    const { registrations } = site.services;
    for (const who of ['anna', 'bert', 'cleo', 'dora']) {
      const response = await fetch(`${site.baseUrl}/api/events/${event.id}/registrations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: `Personne ${who}`, email: `${who}@example.com`, consent: true }),
      });
      expect(response.status).toBe(201);
    }
    const seat = async (who: string) => {
      const found = await registrations.get({ eventId: event.id, emailKey: emailKey(`${who}@example.com`) });
      if (!found) throw new Error(`no registration for ${who}`);
      return found;
    };
    await registrations.checkIn(await seat('anna'), new Date());
    const at = new Date().toISOString();
    await registrations.answerInvitation(
      await seat('dora'),
      { rsvp: 'declined', at, order: rsvpOrder(0, at) },
      new Date(),
    );
    // The event took place yesterday.
    const yesterday = Date.now() - DAY;
    await site.services.events.save(event, {
      ...event,
      startsAt: new Date(yesterday).toISOString(),
      endsAt: new Date(yesterday + HOUR).toISOString(),
      registrationClosesAt: new Date(yesterday).toISOString(),
    });

    const { context, page, problems } = await signIn('fr-FR', { width: 1200, height: 900 });
    try {
      await page.goto(`${site.baseUrl}/admin#/events/${event.id}`);
      await textOf(page.getByRole('heading', { name: 'Présence' })).toBe('Présence');
      const figure = (key: string) => page.locator(`#attendance [data-count="${key}"] dd`);
      // Seat holders and checked in are the counts' tiles; attendance adds the rest.
      await textOf(page.locator('#counts [data-count="confirmed"] dd')).toBe('3');
      await textOf(page.locator('#counts [data-count="checkedIn"] dd')).toBe('1');
      await textOf(figure('joined')).toBe('0');
      await textOf(figure('noShow')).toBe('2');
      await textOf(figure('showUpRate')).toMatch(/^33\s?%$/u);
      await textOf(page.locator('#attendance [data-count="declined"] dt')).toBe('Refusées dans l’agenda');
      await textOf(figure('declined')).toBe('1');
      await shot(page, 'admin-attendance-fr');
    } finally {
      await close(context, problems);
    }
  });
});

describe('the editor: after the event', () => {
  it('in French on a phone: both messages and the replay link, previewed as sent, saved; a bad link refused', async () => {
    const event = await createEvent({ title: 'Webinaire « ventes »', language: 'fr' });
    const { context, page, problems } = await signIn('fr-FR', { width: 390, height: 844 });
    try {
      await page.goto(`${site.baseUrl}/admin#/events/${event.id}/edit`);
      await textOf(page.getByRole('heading', { level: 1 })).toMatch("Modifier l'événement");
      const section = page.getByRole('region', { name: 'Après l’événement' });
      await visible(section);
      const attended = section.getByRole('group', { name: 'Message aux personnes venues' });
      const absent = section.getByRole('group', { name: 'Message aux absents' });
      await attended.getByRole('textbox', { name: 'Objet' }).fill('Merci pour votre venue');
      await attended
        .getByRole('textbox', { name: 'Texte' })
        .fill('Merci <b>à tous</b> !\n\nLes slides suivent.');
      await absent.getByRole('textbox', { name: 'Objet' }).fill('Vous nous avez manqué');
      await absent.getByRole('textbox', { name: 'Texte' }).fill('Le replay est en ligne.');
      const replay = section.getByRole('textbox', { name: 'Lien du replay' });
      await replay.fill('http://replay.example/42');

      await attended.getByText('Aperçu du message aux personnes venues').click();
      const preview = page.locator('#ed-followUp-attended-preview');
      await textOf(preview.locator('.mail-subject')).toBe('Objet\u00a0: Merci pour votre venue');
      // The organiser's text is plain text: the tags show as typed, each paragraph its own.
      await textOf(preview.locator('p').nth(2)).toBe('Merci <b>à tous</b> !');
      await textOf(preview.locator('p').nth(3)).toBe('Les slides suivent.');
      await expect.poll(() => preview.locator('b').count()).toBe(0);
      await textOf(preview).toContain(
        'Vous recevez ce message car vous étiez inscrit(e) à «\u00a0Webinaire “ventes”\u00a0».',
      );
      await textOf(preview).toContain('Salle Pleyel');
      await textOf(preview).toContain('— Media Aces');
      await fitsTheScreen(page, 'section[aria-labelledby="ed-followUp-title"]');

      await page.getByRole('button', { name: 'Enregistrer' }).click();
      await textOf(page.locator('#ed-followUp-replayUrl-error')).toMatch(/\S/);
      await replay.fill('https://replay.example/42');
      await textOf(preview.getByRole('link', { name: 'Voir le replay' })).toBe('Voir le replay');
      await shot(page, 'admin-follow-up-fr-390');
      await page.getByRole('button', { name: 'Enregistrer' }).click();
      await textOf(page.locator('#status')).toMatch('Modifications enregistrées.');
      const saved = (await site.services.events.get(event.id))?.event;
      expect(saved?.followUp).toEqual({
        attended: { subject: 'Merci pour votre venue', body: 'Merci <b>à tous</b> !\n\nLes slides suivent.' },
        absent: { subject: 'Vous nous avez manqué', body: 'Le replay est en ligne.' },
        replayUrl: 'https://replay.example/42',
      });
    } finally {
      await close(context, problems);
    }
  });

  it('in English on a desktop: an English event previews in English; an empty message says none is sent', async () => {
    const event = await createEvent({
      title: 'Sales webinar',
      language: 'en',
      followUp: {
        absent: { subject: 'Sorry we missed you', body: 'Here is the replay.' },
        replayUrl: 'https://replay.example/7',
      },
    });
    const { context, page, problems } = await signIn('en-GB', { width: 1280, height: 900 });
    try {
      await page.goto(`${site.baseUrl}/admin#/events/${event.id}/edit`);
      const section = page.getByRole('region', { name: 'After the event' });
      await visible(section);
      const absent = section.getByRole('group', { name: 'Message to those who did not come' });
      expect(await absent.getByRole('textbox', { name: 'Subject' }).inputValue()).toBe('Sorry we missed you');
      await absent.getByText('Preview of the message to those who did not come').click();
      const preview = page.locator('#ed-followUp-absent-preview');
      await textOf(preview.locator('.mail-subject')).toBe('Subject: Sorry we missed you');
      await textOf(preview).toContain('Hello,');
      await textOf(preview).toContain('Here is the replay.');
      await textOf(preview.getByRole('link', { name: 'Watch the replay' })).toBe('Watch the replay');
      await textOf(preview).toContain(
        'You are receiving this message because you registered for “Sales webinar”.',
      );

      await section.getByText('Preview of the message to those who came').click();
      await textOf(page.locator('#ed-followUp-attended-preview')).toBe(
        'No message: nothing will be sent to this group.',
      );
      await shot(page, 'admin-follow-up-en-desktop');
    } finally {
      await close(context, problems);
    }
  });
});
