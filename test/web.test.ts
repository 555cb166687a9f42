import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancel, newEventRecord, publish } from '../functions/events/model.js';
import type { EventRepository } from '../functions/events/ports.js';
import { eventCreateInput } from '../functions/events/schemas.js';
import type { WebBuild } from '../web/build.js';
import {
  attributeOf,
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

/**
 * Browser end-to-end: the built pages, served by the local server over the real handlers
 * and a DynamoDB Local table, driven in Debian's Chromium. It never skips: without
 * Chromium it fails and says how to install it.
 */

const ORGANISERS = ['media-aces', 'touch-and-sell', 'open2leads'];
const XSS = '<img src=x onerror=alert(1)>';

let browser: Browser | undefined;
let site: PagesSite | undefined;
let baseUrl = '';
let built: WebBuild | undefined;

/** The accessible description as aria-describedby builds it. */
const descriptionOf = (locator: Locator) =>
  expect.poll(
    () =>
      locator.evaluate((element) =>
        (element.getAttribute('aria-describedby') ?? '')
          .split(/\s+/)
          .filter(Boolean)
          .map((id) => document.getElementById(id)?.textContent ?? '')
          .join(' '),
      ),
    POLL,
  );

/** Console errors (CSP violations are reported there) and uncaught page errors, per page. */
const problems: string[] = [];

const openPage = async (
  options: { phone?: boolean; locale?: string; expectFailedLoad?: string } = {},
): Promise<{ context: BrowserContext; page: Page }> => {
  if (!browser) throw new Error('No browser');
  const context = await browser.newContext({
    locale: options.locale ?? 'fr-FR',
    // Not the events' zone, so the event page also shows the visitor's own time.
    timezoneId: 'America/Toronto',
    ...(options.phone
      ? { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1 }
      : { viewport: { width: 1100, height: 900 } }),
  });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  // Report what the Content-Security-Policy blocked (an inline style, an eval) as a console error.
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) =>
      console.error(
        `CSP violation: ${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`,
      ),
    );
  });
  // The wrong-token check below expects its 403 (and the busy check its 503); the browser
  // logs every failed load.
  const expected = ['token=not-the-token', ...(options.expectFailedLoad ? [options.expectFailedLoad] : [])];
  recordProblems(page, problems, (message) => expected.some((part) => message.location().url.includes(part)));
  page.on('dialog', (dialog) => {
    problems.push(`unexpected dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  return { context, page };
};

/** A published event made the way the seed makes its events; `fields` override the defaults. */
const addEvent = async (
  events: EventRepository,
  now: Date,
  id: string,
  fields: Record<string, unknown>,
): Promise<void> => {
  const start = new Date(now.getTime() + 10 * 86_400_000);
  start.setUTCHours(16, 0, 0, 0);
  const input = eventCreateInput.parse({
    title: id,
    summary: '',
    description: '',
    format: 'in_person',
    venue: { name: 'Salle 1', address: '', city: 'Paris' },
    startsAt: start.toISOString(),
    endsAt: new Date(start.getTime() + 3_600_000).toISOString(),
    timeZone: 'Europe/Paris',
    language: 'fr',
    capacity: 50,
    waitlistEnabled: true,
    requireConfirmation: false,
    registrationOpensAt: null,
    registrationClosesAt: null,
    agenda: [],
    speakers: [],
    questions: [],
    ...fields,
  });
  const draft = newEventRecord(input, { id, organiserId: 'open2leads', organiserName: 'Open2leads' }, now);
  await events.create(draft);
  await events.save(draft, publish(draft, now));
};

const addTestEvents = async (events: EventRepository, now: Date): Promise<void> => {
  await addEvent(events, now, 'atelier-questions', {
    title: 'Atelier questions',
    summary: 'Un atelier pour tester le formulaire.',
    description: 'Première ligne.\nDeuxième ligne.',
    format: 'online',
    venue: null,
    joinUrl: 'https://meet.example/atelier',
    questions: [
      { id: 'source', label: 'Comment avez-vous connu cet atelier ?', type: 'text', required: true },
      {
        id: 'sector',
        label: 'Votre secteur',
        type: 'select',
        required: true,
        options: ['Industrie', 'Services'],
      },
      { id: 'slides', label: 'Je souhaite recevoir les supports', type: 'checkbox', required: false },
    ],
  });
  await addEvent(events, now, 'petit-comite', { title: 'Petit comité', capacity: 1 });
  await addEvent(events, now, 'bientot-annule', { title: 'Bientôt annulé' });
};

beforeAll(async () => {
  site = await startPagesSite(ORGANISERS);
  ({ baseUrl, built } = site);
  await addTestEvents(site.services.events, new Date());
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

describe('web pages in Chromium', () => {
  it('lists the seeded events per organiser, with date, format and seats', async () => {
    const { context, page } = await openPage({ phone: true });
    await page.goto(`${baseUrl}/`);
    await textOf(page.getByRole('heading', { level: 1 })).toMatch('Événements à venir');
    for (const title of [
      'Un patron doit-il tweeter ?',
      'Social selling or not social selling',
      'B2B Best practices : le Digital au service de la Performance',
      'Social CRM : le Web social oblige les entreprises à se professionnaliser',
      'Groupe de réflexion « Expérience client et expérience collaborateur »',
    ]) {
      await visible(page.getByRole('link', { name: title, exact: true }));
    }
    await visible(page.getByRole('heading', { level: 2, name: 'Media Aces' }));
    const card = page.locator('.card', {
      has: page.getByRole('link', { name: 'Un patron doit-il tweeter ?' }),
    });
    await textOf(card).toContain('80 places restantes');
    await textOf(card).toContain('Sur place');
    // Read in the event's zone (Paris), not the browser's (Toronto).
    await textOf(card.locator('.when')).toContain('08:30');
    const webinar = page.locator('.card', {
      has: page.getByRole('link', { name: 'Social selling or not social selling' }),
    });
    await textOf(webinar).toContain('En ligne');
    await attributeOf(page.getByRole('link', { name: 'Un patron doit-il tweeter ?' }), 'href').toMatch(
      '/events/un-patron-doit-il-tweeter',
    );
    await shot(page, 'list-phone');
    // Subscribing lives on each organiser's own page, not three times over here.
    await countOf(page.getByText("S'abonner à l'agenda")).toBe(0);

    // The FR/EN switch translates the page and is remembered.
    await page.getByRole('button', { name: 'EN' }).click();
    await textOf(page.getByRole('heading', { level: 1 })).toMatch('Upcoming events');
    await textOf(card).toContain('80 seats left');
    await page.reload();
    await textOf(page.getByRole('heading', { level: 1 })).toMatch('Upcoming events');
    await attributeOf(page.locator('html'), 'lang').toMatch('en');
    await context.close();
  });

  it('registers, then confirms the seat on the manage page and cancels it', async () => {
    const { context, page } = await openPage({ phone: true });
    await page.goto(`${baseUrl}/`);
    await page.getByRole('link', { name: 'Un patron doit-il tweeter ?' }).click();
    await page.waitForURL(`${baseUrl}/events/un-patron-doit-il-tweeter`);
    await textOf(page.getByRole('heading', { level: 1 })).toMatch('Un patron doit-il tweeter ?');
    await textOf(page.locator('.facts')).toContain('08:30');
    await visible(page.getByText(/^Chez vous\s:\s.*\d\d:\d\d/));
    await visible(page.getByText('Espace Bourse, 28 place de la Bourse, 75002, Paris'));
    await visible(page.getByRole('heading', { name: 'Intervenants' }));
    await attributeOf(
      page.locator('#register').getByRole('link', { name: 'Politique de confidentialité' }),
      'href',
    ).toMatch(/^\/privacy\.html$/);
    await shot(page, 'event-phone');

    // The honeypot is out of reach for people.
    const honeypot = page.locator('input[name=website]');
    await attributeOf(honeypot, 'tabindex').toMatch('-1');
    await attributeOf(honeypot, 'autocomplete').toMatch('off');
    await attributeOf(page.locator('.hp'), 'aria-hidden').toMatch('true');
    const box = await honeypot.boundingBox();
    expect(box && box.x + box.width <= 0).toBe(true);

    await page.getByLabel('Nom et prénom').fill('Camille Martin');
    await page.getByLabel('Adresse e-mail').fill('camille.martin@example.com');
    await page.getByLabel('Entreprise').fill('Exemple SA');
    await page.getByLabel('Fonction').fill('Directrice de la communication');
    await page.getByLabel(/J'accepte que mes données/).check();
    await page.getByRole('button', { name: "S'inscrire" }).click();

    const result = page.locator('#result-title');
    await textOf(result).toMatch('Inscription confirmée');
    await focused(result);
    // The seats line follows, the focus stays on the result.
    await textOf(page.locator('#seats')).toMatch('79 places restantes');
    await focused(result);
    await visible(page.getByText('camille.martin@example.com', { exact: false }));
    await attributeOf(page.getByRole('link', { name: 'Google Agenda' }), 'href').toMatch(
      /calendar\.google\.com/,
    );
    await attributeOf(page.getByRole('link', { name: 'Outlook' }), 'href').toMatch(/outlook\.live\.com/);
    await attributeOf(page.getByRole('link', { name: 'Fichier .ics' }), 'href').toMatch(
      /invite\.ics\?token=/,
    );
    await shot(page, 'event-registered-phone');
    const manage = page.getByRole('link', { name: 'Gérer mon inscription' });
    await attributeOf(manage, 'href').toMatch(new RegExp(`^${baseUrl}/manage#registration=.+&token=.+`));

    await manage.click();
    await page.waitForURL(/\/manage#registration=/);
    const status = page.locator('#registration-status');
    await textOf(status).toMatch(/confirmée/);
    await visible(page.getByText('Camille Martin'));
    await visible(page.getByRole('link', { name: 'Un patron doit-il tweeter ?' }));

    // The invitation to download is the attendee's own calendar file.
    const invite = page.getByRole('link', { name: "Télécharger l'invitation (.ics)" });
    const inviteHref = await invite.getAttribute('href');
    expect(inviteHref).toMatch(/\/invite\.ics\?token=/);
    const ics = await fetch(inviteHref ?? '');
    expect([ics.status, ics.headers.get('content-type')]).toEqual([
      200,
      'text/calendar; charset=utf-8; method=REQUEST',
    ]);
    expect(await ics.text()).toContain('Un patron doit-il tweeter ?');
    await shot(page, 'manage-phone');

    await page.getByRole('button', { name: 'Annuler mon inscription' }).click();
    const question = page.locator('#cancel-question');
    await textOf(question).toContain('Voulez-vous vraiment annuler');
    await focused(question);
    // Stepping back keeps the seat.
    await page.getByRole('button', { name: 'Non, garder ma place' }).click();
    await textOf(status).toMatch(/confirmée/);
    await page.getByRole('button', { name: 'Annuler mon inscription' }).click();
    await page.getByRole('button', { name: 'Oui, annuler mon inscription' }).click();

    await textOf(status).toMatch('Inscription annulée');
    await textOf(page.locator('#status')).toContain('Votre inscription est annulée');
    await countOf(page.getByRole('button', { name: 'Annuler mon inscription' })).toBe(0);
    await page.reload();
    await textOf(page.locator('#registration-status')).toMatch('Inscription annulée');

    // A wrong token opens nothing.
    const url = new URL(page.url());
    const params = new URLSearchParams(url.hash.slice(1));
    await page.goto(`${baseUrl}/manage#registration=${params.get('registration')}&token=not-the-token`);
    await visible(page.getByRole('heading', { name: "Ce lien n'est pas valide" }));
    await context.close();
  });

  it('shows field errors on an empty form, focuses the first invalid field, and keeps markup as text', async () => {
    const { context, page } = await openPage();
    await page.goto(`${baseUrl}/events/atelier-questions`);
    await textOf(page.getByRole('heading', { level: 1 })).toMatch('Atelier questions');
    await textOf(page.locator('.description')).toMatch('Première ligne.\nDeuxième ligne.');
    await visible(page.getByText('En ligne', { exact: true }));

    await page.getByRole('button', { name: "S'inscrire" }).click();
    const name = page.getByLabel('Nom et prénom');
    await focused(name);
    await attributeOf(name, 'aria-invalid').toMatch('true');
    await descriptionOf(name).toMatch('Ce champ est obligatoire.');
    await descriptionOf(page.getByLabel('Adresse e-mail')).toMatch('Ce champ est obligatoire.');
    await attributeOf(page.getByLabel('Comment avez-vous connu cet atelier ?'), 'aria-invalid').toMatch(
      'true',
    );
    await attributeOf(page.getByLabel('Votre secteur'), 'aria-invalid').toMatch('true');
    await descriptionOf(page.getByLabel(/J'accepte que mes données/)).toMatch(
      'Votre accord est nécessaire pour vous inscrire.',
    );
    await attributeOf(page.getByLabel('Entreprise'), 'aria-invalid').not.toBe('true');
    await textOf(page.locator('#form-status')).toMatch('5 champs à corriger.');

    // A bad email alone: focus goes to it, the first invalid field now.
    await name.fill(XSS);
    await page.getByLabel('Adresse e-mail').fill('pas-une-adresse');
    await page.getByRole('button', { name: "S'inscrire" }).click();
    await focused(page.getByLabel('Adresse e-mail'));
    await descriptionOf(page.getByLabel('Adresse e-mail')).toMatch(/adresse e-mail valide/);
    await attributeOf(name, 'aria-invalid').not.toBe('true');

    // Keyboard only from here: type, tab, pick, tick, submit with Enter.
    await page.getByLabel('Adresse e-mail').fill('xss@example.com');
    await page.getByLabel('Comment avez-vous connu cet atelier ?').fill('Par un collègue');
    await page.getByLabel('Votre secteur').selectOption('Services');
    await page.getByLabel('Je souhaite recevoir les supports').check();
    await page.getByLabel(/J'accepte que mes données/).focus();
    await page.keyboard.press('Space');
    await name.focus();
    await page.keyboard.press('Enter');

    await textOf(page.locator('#result-title')).toMatch('Inscription confirmée');
    const manageHref = await page.getByRole('link', { name: 'Gérer mon inscription' }).getAttribute('href');

    // The same address again: no second seat, a link by email instead.
    await page.reload();
    await page.getByLabel('Nom et prénom').fill('Quelqu’un');
    await page.getByLabel('Adresse e-mail').fill('xss@example.com');
    await page.getByLabel('Comment avez-vous connu cet atelier ?').fill('Encore');
    await page.getByLabel('Votre secteur').selectOption('Industrie');
    await page.getByLabel(/J'accepte que mes données/).check();
    await page.getByRole('button', { name: "S'inscrire" }).click();
    await textOf(page.locator('#result-title')).toMatch('Vous êtes déjà inscrit·e');
    await visible(page.getByText(/xss@example\.com/));

    // On the manage page the name is shown as typed, as text; no element came of it.
    await page.goto(manageHref ?? '');
    await textOf(page.locator('#registration-status')).toMatch('Inscription confirmée');
    await visible(page.getByText(XSS, { exact: true }));
    await countOf(page.locator('main img')).toBe(0);
    // Confirmed online event: the personal join link is there, never the join URL itself.
    await attributeOf(page.getByRole('link', { name: "Rejoindre l'événement en ligne" }), 'href').toMatch(
      /\/j\/[0-9A-F]{40}$/,
    );
    await context.close();
  });

  it('tells a registrant the event is over: nothing left to confirm, cancel or add, at 390 px in both languages', async () => {
    const registered = await fetch(`${baseUrl}/api/events/social-crm/registrations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Paul Passé', email: 'paul.passe@example.com', consent: true }),
    });
    const { manageUrl } = await registered.json();
    // The event then takes place (moved into the past, as the clock would).
    const events = site?.services.events;
    const found = await events?.get('social-crm');
    if (!found) throw new Error('no event');
    const day = 86_400_000;
    const past = {
      ...found.event,
      startsAt: new Date(Date.now() - 2 * day).toISOString(),
      endsAt: new Date(Date.now() - day).toISOString(),
    };
    await events?.save(found.event, past);
    try {
      const { context, page } = await openPage({ phone: true });
      await page.goto(`${baseUrl}${new URL(manageUrl).pathname}${new URL(manageUrl).hash}`);
      await textOf(page.locator('#registration-status')).toMatch('Événement terminé');
      await countOf(page.getByRole('button', { name: 'Annuler mon inscription' })).toBe(0);
      await countOf(page.getByRole('link', { name: /Google Agenda|invitation/ })).toBe(0);
      await page.getByRole('button', { name: 'EN', exact: true }).click();
      await textOf(page.locator('#registration-status')).toMatch('Event over');
      // Its page says so first, and has no form and nothing to add to a calendar.
      await page.goto(`${baseUrl}/events/social-crm`);
      await textOf(page.locator('#event-banner')).toMatch('Event over.');
      await countOf(page.locator('.register-jump')).toBe(0);
      await context.close();
    } finally {
      const moved = await events?.get('social-crm');
      if (moved) await events?.save(moved.event, found.event);
    }
  });

  it('wraps a long email address inside its card on a 390 px phone, in both languages', async () => {
    const email = 'a.rather.long.address.for.a.phone@example-organisation.com';
    const registered = await fetch(`${baseUrl}/api/events/un-patron-doit-il-tweeter/registrations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Long Address', email, consent: true }),
    });
    const { manageUrl } = await registered.json();
    const { context, page } = await openPage({ phone: true });
    await page.goto(`${baseUrl}${new URL(manageUrl).pathname}${new URL(manageUrl).hash}`);
    const card = page.locator('.facts', { hasText: email });
    await visible(card);
    // An address has no break in it: unwrapped, it widens the card's column past the card's edge.
    const overflowing = () => card.evaluate((element) => element.scrollWidth > element.clientWidth);
    await expect.poll(overflowing, POLL).toBe(false);
    await page.getByRole('button', { name: 'EN', exact: true }).click();
    await visible(card);
    await expect.poll(overflowing, POLL).toBe(false);
    await context.close();
  });

  it('tells a registrant plainly that the organiser cancelled the event, and offers only to remove it', async () => {
    const registered = await fetch(`${baseUrl}/api/events/bientot-annule/registrations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Claire Confirmée', email: 'claire@example.com', consent: true }),
    });
    const { manageUrl } = await registered.json();
    const events = site?.services.events;
    const found = await events?.get('bientot-annule');
    if (!found) throw new Error('no event');
    await events?.save(found.event, cancel(found.event, new Date()));

    const { context, page } = await openPage({ locale: 'fr-FR' });
    await page.goto(`${baseUrl}${new URL(manageUrl).pathname}${new URL(manageUrl).hash}`);
    await textOf(page.locator('#registration-status')).toMatch('Événement annulé');
    await visible(page.getByText("L'organisateur a annulé cet événement."));
    await visible(page.getByRole('link', { name: 'Retirer de mon agenda (.ics)' }));
    expect(await page.getByRole('link', { name: 'Google Agenda' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Annuler mon inscription' }).count()).toBe(0);
    await page.getByRole('button', { name: 'EN', exact: true }).click();
    await textOf(page.locator('#registration-status')).toMatch('Event cancelled');

    // The event's own page says it first, in a banner, and offers nothing to put in a calendar.
    await page.goto(`${baseUrl}/events/bientot-annule`);
    await textOf(page.locator('#event-banner')).toMatch('Event cancelled.');
    const bannerFirst = await page.evaluate(() => {
      const banner = document.getElementById('event-banner');
      const title = document.querySelector('h1');
      return Boolean(
        banner && title && banner.compareDocumentPosition(title) & Node.DOCUMENT_POSITION_FOLLOWING,
      );
    });
    expect(bannerFirst).toBe(true);
    await countOf(page.getByRole('link', { name: /calendar|agenda/i })).toBe(0);
    await context.close();
  });

  it("has « S'inscrire » by the title on a phone, at hand while reading, out of the way at the form, gone once registered", async () => {
    const { context, page } = await openPage({ phone: true });
    await page.goto(`${baseUrl}/events/b2b-best-practices`);
    const jump = page.locator('.register-jump a');
    await textOf(jump).toMatch("S'inscrire");
    await page.evaluate(() => window.scrollTo(0, 600));
    // Sticky: still on screen after scrolling down the programme.
    expect(await jump.evaluate((element) => element.getBoundingClientRect().top)).toBeLessThan(60);
    await jump.click();
    await visible(page.getByLabel('Nom et prénom'));
    await expect
      .poll(() => page.locator('.register-jump').evaluate((element) => getComputedStyle(element).visibility))
      .toBe('hidden');
    await page.getByRole('button', { name: 'EN', exact: true }).click();
    await textOf(page.locator('.register-jump a')).toMatch('Register');
    // Registered: no « Register » left above the answer, even scrolled back to the title.
    await page.getByLabel('Full name').fill('Jules Jump');
    await page.getByLabel('Email address').fill('jules.jump@example.com');
    await page.getByLabel(/I agree/).check();
    await page.locator('form button[type=submit]').click();
    await visible(page.locator('#result-title'));
    await page.evaluate(() => window.scrollTo(0, 0));
    await countOf(page.locator('.register-jump')).toBe(0);
    // Nothing to jump to on a cancelled event.
    await page.goto(`${baseUrl}/events/bientot-annule`);
    await visible(page.locator('#event-banner'));
    await countOf(page.locator('.register-jump')).toBe(0);
    await context.close();
  });

  it('leads from a calendar entry (no secret in it) to an emailed manage link, at 390 px', async () => {
    const registered = await fetch(`${baseUrl}/api/events/social-crm/registrations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Agathe Agenda', email: 'agathe@example.com', consent: true }),
    });
    const { registration } = await registered.json();
    const { context, page } = await openPage({ phone: true });
    // What the invitation's description links to.
    await page.goto(`${baseUrl}/manage#registration=${registration.id}`);
    await textOf(page.getByRole('heading', { level: 2 })).toMatch('Votre inscription');
    await page.getByRole('button', { name: "M'envoyer le lien par e-mail" }).click();
    await textOf(page.locator('#status')).toMatch("C'est parti");
    const stored = await site?.services.registrations.getById(registration.id);
    expect(stored?.linkRequestedAt).toBeDefined();
    await page.getByRole('button', { name: 'EN', exact: true }).click();
    await textOf(page.getByRole('heading', { level: 2 })).toMatch('Your registration');
    await context.close();
  });

  it('puts a registrant on the waitlist when full, in the language the visitor picks', async () => {
    // Someone takes the only seat first.
    const first = await fetch(`${baseUrl}/api/events/petit-comite/registrations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Première Personne', email: 'first@example.com', consent: true }),
    });
    expect(first.status).toBe(201);

    const { context, page } = await openPage({ locale: 'en-GB' });
    await page.goto(`${baseUrl}/events/petit-comite`);
    await textOf(page.locator('#seats')).toMatch('Full · waitlist');
    await visible(page.getByText('This event is full: you will be put on the waitlist.'));
    await page.getByLabel('Full name').fill('Second Person');
    await page.getByLabel('Email address').fill('second@example.com');
    await page.getByLabel(/I agree that my data/).check();
    await page.getByRole('button', { name: 'Join the waitlist' }).click();
    // The answer's position is an estimate, said as one; the manage page gives the exact one.
    await textOf(page.locator('#result-title')).toMatch('You are on the waitlist, about position 1');
    await visible(page.getByText('Your exact place will follow by email.'));

    await page.getByRole('button', { name: 'FR', exact: true }).click();
    await textOf(page.locator('#result-title')).toMatch(
      "Vous êtes sur la liste d'attente, position 1 environ",
    );
    await visible(page.getByText('Votre place exacte suivra par e-mail.'));
    await page.getByRole('link', { name: 'Gérer mon inscription' }).click();
    await textOf(page.locator('#registration-status')).toMatch("Sur la liste d'attente, position 1");
    await context.close();
  });

  it('tells the visitor to try again in a few seconds when the rush makes the registration busy (503)', async () => {
    const { context, page } = await openPage({
      locale: 'en-GB',
      expectFailedLoad: '/api/events/social-crm/registrations',
    });
    let answered = 0;
    // The API's answer when every race for a seat was lost (a rush no page test can make).
    await page.route(`${baseUrl}/api/events/social-crm/registrations`, async (route) => {
      answered += 1;
      await route.fulfill({
        status: 503,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'busy', message: 'Too many people are registering' } }),
      });
    });
    await page.goto(`${baseUrl}/events/social-crm`);
    await page.getByLabel('Full name').fill('Busy Person');
    await page.getByLabel('Email address').fill('busy@example.com');
    await page.getByLabel(/I agree that my data/).check();
    await page.getByRole('button', { name: 'Register' }).click();
    await textOf(page.locator('#form-status')).toMatch(
      'Many people are registering at this very moment. Please try again in a few seconds.',
    );
    expect(answered).toBe(1);
    // The form stays filled in, ready to send again.
    expect(await page.getByLabel('Email address').inputValue()).toBe('busy@example.com');
    await context.close();
  });

  it('names an icon on every page and serves it, so no browser asks for a missing /favicon.ico', async () => {
    for (const path of ['/', '/events/social-crm', '/manage', '/admin', '/privacy.html']) {
      const page = await fetch(`${baseUrl}${path}`);
      expect(await page.text(), path).toContain('<link rel="icon" href="/favicon.svg"');
    }
    const icon = await fetch(`${baseUrl}/favicon.svg`);
    expect([icon.status, icon.headers.get('content-type')]).toEqual([200, 'image/svg+xml']);
    expect(await icon.text()).toMatch(/^<svg /);
  });

  it('asks for the email confirmation, then confirms the seat from the manage page', async () => {
    const { context, page } = await openPage();
    await page.goto(`${baseUrl}/events/experience-client-collaborateur`);
    await page.getByLabel('Nom et prénom').fill('Dominique Petit');
    await page.getByLabel('Adresse e-mail').fill('dominique@example.com');
    await page.getByLabel(/J'accepte que mes données/).check();
    await page.getByRole('button', { name: "S'inscrire" }).click();
    await textOf(page.locator('#result-title')).toMatch('Vérifiez votre boîte mail');
    // No link to manage (or confirm) on the page: only the email's link proves the mailbox.
    await countOf(page.getByRole('link', { name: 'Gérer mon inscription' })).toBe(0);
    await countOf(page.locator('.result a')).toBe(0);

    await page.goto(
      await (site as PagesSite).emailedLink('experience-client-collaborateur', 'dominique@example.com'),
    );
    const status = page.locator('#registration-status');
    await textOf(status).toMatch('En attente de votre confirmation');
    await page.getByRole('button', { name: 'Confirmer ma place' }).click();
    await textOf(status).toMatch('Inscription confirmée');
    await focused(status);
    await textOf(page.locator('#status')).toMatch('Votre place est confirmée.');
    await countOf(page.getByRole('button', { name: 'Confirmer ma place' })).toBe(0);
    await context.close();
  });

  it("shows an organiser's page with the webcal subscription, the programme as a timeline and the speakers", async () => {
    const { context, page } = await openPage();
    await page.goto(`${baseUrl}/?organiser=open2leads`);
    await textOf(page.getByRole('heading', { level: 1 })).toMatch('Tous les événements de Open2leads');
    // One subscription menu: Google, Outlook.com, Apple (webcal) and the address to copy.
    await countOf(page.locator('details.subscribe')).toBe(1);
    await page.getByText("S'abonner à l'agenda").click();
    const feed = /^https?:\/\/127\.0\.0\.1:\d+\/calendar\/organisers\/open2leads\.ics$/;
    const google = new URL(
      (await page.getByRole('link', { name: 'Google Agenda' }).getAttribute('href')) ?? '',
    );
    expect(google.searchParams.get('cid')).toMatch(/^webcal:\/\/.+\/calendar\/organisers\/open2leads\.ics$/);
    const outlook = new URL(
      (await page.getByRole('link', { name: 'Outlook.com' }).getAttribute('href')) ?? '',
    );
    expect([outlook.host, outlook.searchParams.get('url')]).toEqual([
      'outlook.live.com',
      expect.stringMatching(feed),
    ]);
    await attributeOf(page.getByRole('link', { name: /Apple Calendar/ }), 'href').toMatch(
      /^webcal:\/\/.+\/calendar\/organisers\/open2leads\.ics$/,
    );
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.getByRole('button', { name: "Copier l'adresse" }).click();
    await textOf(page.locator('#status')).toMatch('Adresse copiée');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toMatch(feed);
    await countOf(page.getByRole('link', { name: 'Un patron doit-il tweeter ?' })).toBe(0);
    await shot(page, 'organiser-desktop');

    await page
      .getByRole('link', { name: 'B2B Best practices : le Digital au service de la Performance' })
      .click();
    await page.waitForURL(/\/events\/b2b-best-practices$/);
    // The time in the event's zone (Paris), then the visitor's own (Toronto, 6 hours earlier).
    await textOf(page.locator('.facts .event-zone')).toMatch(/19:00.+23:00/);
    await textOf(page.locator('.facts .other-zone')).toMatch(/^Chez vous\s:\s.*13:00.+17:00/);
    const items = page.locator('ol.timeline > li');
    await countOf(items).toBe(4);
    await textOf(items.nth(0)).toMatch(/19:00.+21:00.*Table ronde.*Hervé Kabla, Yann Gourvennec/);
    await textOf(items.nth(3)).toMatch(/22:00.+23:00.*Buffet et networking/);
    await visible(page.getByRole('heading', { name: 'Intervenants' }));
    await textOf(page.locator('ul.speakers')).toContain('Mohamed Khodja');
    await textOf(page.locator('ul.speakers')).toContain('Organisateur, Open2leads');
    await shot(page, 'event-timeline-desktop');
    await context.close();
  });

  it('registers with the keyboard alone, in tab order', async () => {
    const { context, page } = await openPage();
    await page.goto(`${baseUrl}/events/social-crm`);
    await textOf(page.getByRole('heading', { level: 1 })).toMatch(/^Social CRM/);
    // From the top of the page, Tab reaches the form; nothing else is used from here on.
    const activeId = () => page.evaluate(() => document.activeElement?.id ?? '');
    for (let presses = 0; presses < 40 && (await activeId()) !== 'f-name'; presses += 1) {
      await page.keyboard.press('Tab');
    }
    expect(await activeId()).toBe('f-name');
    await page.keyboard.type('Clavier Seulement');
    await page.keyboard.press('Tab');
    expect(await activeId()).toBe('f-email');
    await page.keyboard.type('clavier@example.com');
    await page.keyboard.press('Tab');
    expect(await activeId()).toBe('f-company');
    await page.keyboard.press('Tab');
    expect(await activeId()).toBe('f-jobTitle');
    await page.keyboard.press('Tab');
    expect(await activeId()).toBe('f-consent');
    // Enter before consenting: the error is announced and the focus goes to the box.
    await page.keyboard.press('Enter');
    await textOf(page.locator('#form-status')).toMatch('1 champ à corriger.');
    await focused(page.locator('#f-consent'));
    await page.keyboard.press('Space');
    await descriptionOf(page.locator('#f-consent')).toBe('');
    // Next stops: the privacy link, then the submit button (the honeypot is skipped).
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('href'))).toBe('/privacy.html');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("S'inscrire");
    await page.keyboard.press('Enter');
    const result = page.locator('#result-title');
    await textOf(result).toMatch('Inscription confirmée');
    await focused(result);
    await context.close();
  });

  it('shows the privacy text in French and English', async () => {
    const { context, page } = await openPage();
    await page.goto(`${baseUrl}/events/social-crm`);
    const [privacy] = await Promise.all([
      context.waitForEvent('page'),
      page.locator('#register').getByRole('link', { name: 'Politique de confidentialité' }).click(),
    ]);
    await privacy.waitForLoadState();
    await textOf(privacy.getByRole('heading', { level: 1 })).toMatch('Politique de confidentialité');
    await countOf(privacy.getByRole('heading', { level: 1 })).toBe(1);
    await shot(privacy, 'privacy-desktop');
    await privacy.getByRole('button', { name: 'EN' }).click();
    await textOf(privacy.getByRole('heading', { level: 1 })).toMatch('Privacy policy');
    await attributeOf(privacy.locator('html'), 'lang').toMatch('en');
    await context.close();
  });

  it('keeps each page light: a few kilobytes of JavaScript before anything is shown', () => {
    const kb = (bytes: number) => Math.round(bytes / 1024);
    const sizes = Object.fromEntries(
      Object.entries(built?.initialJs ?? {}).map(([page, bytes]) => [page, kb(bytes)]),
    );
    // Budgets with some room; the form validator (the shared zod schema) loads on demand.
    // Each page ships the common French and English texts and its own (web/src/texts/), not
    // every page's: at 2026-11-30 list 14.2 KB, event 32.2 KB (the programme's days, the
    // subscribe menu, the challenge), manage 21.9 KB (every state a registration can be in).
    expect(sizes.list).toBeLessThan(17);
    expect(sizes.event).toBeLessThan(35);
    expect(sizes.manage).toBeLessThan(25);
    expect(sizes.privacy).toBeLessThan(5);
    expect(sizes.embed).toBeLessThan(5);
    // The organisers' page: each view (editor, links, webhooks, API keys, scanner) loads on
    // demand with its own texts (web/src/admin/texts/); 52 KB at 2026-11-30.
    expect(sizes.admin).toBeLessThan(55);
    expect(kb(built?.lazyJs['web/src/validate.ts'] ?? 0)).toBeLessThan(50);
  });

  it('raised no console error, CSP violation, page error or dialog', () => {
    expect(problems).toEqual([]);
  });
});
