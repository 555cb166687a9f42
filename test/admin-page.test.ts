import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancel, newEventRecord, publish } from '../functions/events/model.js';
import { eventCreateInput } from '../functions/events/schemas.js';
import { foldForSearch } from '../functions/registrations/listing.js';
import { localAdminPassword } from '../local/auth.js';
import {
  authorizationUrl,
  type CognitoConfig,
  exchangeCode,
  type PkceStorage,
} from '../web/src/admin/cognito.js';
import { embedSnippet } from '../web/src/embed-contract.js';
import {
  countOf,
  focused,
  launchChromium,
  type PagesSite,
  POLL,
  shot,
  startPagesSite,
  textOf,
  visible,
} from './support/browser.js';

/**
 * The organisers' page in Debian's Chromium, over the local server, the real handlers and a
 * DynamoDB Local table: log in, create and publish an event, watch registrations arrive,
 * check people in, export the CSV, erase someone; and the Cognito PKCE exchange in Node.
 */

const ORGANISERS = ['media-aces', 'touch-and-sell', 'open2leads'];
const XSS = '<img src=x onerror=alert(1)>';

let browser: Browser | undefined;
let site: PagesSite | undefined;
let baseUrl = '';

const problems: string[] = [];

const openPage = async (
  options: { phone?: boolean } = {},
): Promise<{ context: BrowserContext; page: Page }> => {
  if (!browser) throw new Error('No browser');
  const context = await browser.newContext({
    locale: 'fr-FR',
    timezoneId: 'America/Toronto',
    acceptDownloads: true,
    ...(options.phone
      ? { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1 }
      : { viewport: { width: 1200, height: 900 } }),
  });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) =>
      console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`),
    );
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    const url = message.location().url;
    // Expected failures: the wrong password (401), another organiser's event (404), no outbox yet
    // (404), publishing refused (409), capacity below the seats taken (409), a save after a
    // cancellation elsewhere (409), a programme item outside its event (400).
    const expected =
      /\/local\/login|\/api\/admin\/events\/b2b-best-practices|\/api\/admin\/events\/(petite-salle|annulee-ailleurs|deux-jours)$|\/local\/outbox|\/(webinaire-sans-lien|deja-termine)\/publish$/.test(
        url,
      );
    if (message.type() === 'error' && !expected) problems.push(`console error: ${message.text()} ${url}`);
  });
  // An attendee's name must never run: any dialog (alert from an onerror) is a failure.
  page.on('dialog', (dialog) => {
    problems.push(`unexpected dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  return { context, page };
};

const login = async (page: Page, organiserId = 'media-aces') => {
  await page.goto(`${baseUrl}/admin`);
  await page.getByLabel('Adresse e-mail').fill(`organiser@${organiserId}.example`);
  await page.getByLabel('Mot de passe').fill(localAdminPassword());
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await textOf(page.getByRole('heading', { level: 1 })).toMatch('Mes événements');
};

const register = async (eventId: string, name: string, email: string) => {
  const response = await fetch(`${baseUrl}/api/events/${eventId}/registrations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, email, consent: true, company: 'Exemple SA' }),
  });
  expect(response.status).toBe(201);
};

beforeAll(async () => {
  site = await startPagesSite(ORGANISERS);
  baseUrl = site.baseUrl;
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

describe('admin page in Chromium', () => {
  it("refuses a wrong password, then shows the organiser's own events only", async () => {
    const { context, page } = await openPage();
    await page.goto(`${baseUrl}/admin`);
    await textOf(page.getByRole('heading', { level: 1 })).toMatch('Espace organisateurs');
    await shot(page, 'admin-login-desktop');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await focused(page.getByLabel('Adresse e-mail'));
    await page.getByLabel('Adresse e-mail').fill('organiser@media-aces.example');
    await page.getByLabel('Mot de passe').fill('not-the-password');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await textOf(page.locator('#login-status')).toMatch('Adresse e-mail ou mot de passe incorrect.');

    await page.getByLabel('Mot de passe').fill(localAdminPassword());
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await textOf(page.getByRole('heading', { level: 1 })).toMatch('Mes événements');
    // The token is in session storage, never in the address.
    expect(page.url()).not.toMatch(/token|code=/);
    const list = page.locator('#admin-events');
    await visible(list.getByRole('link', { name: 'Un patron doit-il tweeter ?' }));
    await visible(list.getByRole('link', { name: /^Social CRM/ }));
    await countOf(list.locator('li')).toBe(2);
    // Another organiser's events are nowhere, not even by their address.
    await countOf(page.getByText('B2B Best practices', { exact: false })).toBe(0);
    await textOf(list.locator('li').first()).toMatch(/0 \/ 80 places prises/);
    await shot(page, 'admin-events-desktop');
    await page.goto(`${baseUrl}/admin#/events/b2b-best-practices`);
    await textOf(page.locator('main .notice')).toMatch(/Introuvable/);
    await context.close();
  });

  it('creates an event (an error, then fixed), publishes it, sees registrations arrive, checks in, exports, erases', async () => {
    const { context, page } = await openPage();
    await login(page);
    await page.getByRole('link', { name: 'Nouvel événement' }).first().click();
    await textOf(page.getByRole('heading', { level: 1 })).toMatch('Nouvel événement');

    // No title: the shared schema stops the form and says where.
    await page.getByRole('button', { name: 'Créer le brouillon' }).click();
    // The label's accessible name leaves the "*" out (aria-hidden): "Titre".
    const title = page.getByRole('textbox', { name: 'Titre', exact: true });
    await focused(title);
    await textOf(page.locator('#ed-title-error')).toMatch('Ce champ est obligatoire.');
    await expect.poll(() => title.getAttribute('aria-invalid'), POLL).toBe('true');

    await title.fill('Atelier RGPD pour associations');
    await page.getByLabel('Résumé (une phrase)').fill('Deux heures pour mettre ses fichiers en règle.');
    await page.locator('#ed-startsAt').fill('2031-03-12T18:30');
    await page.locator('#ed-endsAt').fill('2031-03-12T20:30');
    await page.getByLabel('Nom du lieu').fill('La Cantine');
    await page.getByLabel('Ville').fill('Paris');
    await page.getByLabel('Nombre de places').fill('3');
    // The anti-robot check is the organiser's choice, off unless ticked.
    expect(await page.getByLabel('Vérification anti-robot (preuve de travail)').isChecked()).toBe(false);
    await page.getByRole('button', { name: 'Ajouter un point au programme' }).click();
    await focused(page.locator('#ed-agenda-0-start'));
    await page.locator('#ed-agenda-0-start').fill('18:30');
    await page.locator('#ed-agenda-0-end').fill('19:30');
    await page.locator('#ed-agenda-0-title').fill('Les bases du RGPD');
    await page.locator('#ed-agenda-0-speakers').fill('Hervé Kabla');
    await page.getByRole('button', { name: 'Ajouter un·e intervenant·e' }).click();
    await page.locator('#ed-speakers-0-name').fill('Hervé Kabla');
    await page.getByRole('button', { name: 'Ajouter une question' }).click();
    await page.locator('#ed-questions-0-label').fill('Votre association');
    await shot(page, 'admin-editor-desktop');
    await page.getByRole('button', { name: 'Créer le brouillon' }).click();

    await textOf(page.getByRole('heading', { level: 1 })).toMatch('Atelier RGPD pour associations');
    await textOf(page.locator('.title-row .badge')).toMatch('Brouillon');
    // 18:30 on the event's Paris clock, whatever the organiser's computer (Toronto) says.
    await textOf(page.locator('.meta')).toMatch(/12 mars 2031.*18:30/);
    await page.getByRole('button', { name: 'Publier' }).click();
    await textOf(page.locator('.title-row .badge')).toMatch('Publié');
    await textOf(page.locator('#status')).toMatch('publié');
    const eventId = decodeURIComponent(/#\/events\/([^/]+)$/.exec(page.url())?.[1] ?? '');
    expect(eventId).not.toBe('');
    // The snippet the embed test pastes into a blog on another origin (test/embed.test.ts).
    await textOf(page.locator('#embed-code')).toBe(embedSnippet(baseUrl, eventId, 'fr'));

    // The public page now shows it, with its programme.
    const publicEvent = await (await fetch(`${baseUrl}/api/events/${eventId}`)).json();
    expect(publicEvent.agenda).toHaveLength(1);
    expect(publicEvent.questions[0].label).toBe('Votre association');
    expect(publicEvent.requireChallenge).toBe(false);

    // Registrations arrive while the page is open.
    await register(eventId, 'Camille Martin', 'camille@example.com');
    await register(eventId, XSS, 'xss@example.com');
    await register(eventId, '=1+1 Formule', 'formule@example.com');
    await register(eventId, 'Dana Liste', 'dana@example.com');
    await page.getByRole('button', { name: 'Actualiser' }).click();
    const rows = page.locator('table.registrations tbody tr');
    await countOf(rows).toBe(4);
    await textOf(page.locator('[data-count="confirmed"] dd')).toMatch('3');
    await textOf(page.locator('[data-count="waitlisted"] dd')).toMatch('1');
    await textOf(rows.filter({ hasText: 'Dana Liste' })).toMatch("Liste d'attente, n° 1");

    // The attendee's markup is text: shown as typed, no element made of it, nothing ran.
    await visible(page.locator('table.registrations').getByText(XSS, { exact: true }));
    await countOf(page.locator('main img')).toBe(0);
    await visible(page.locator('.chart canvas').first());

    // Check-in at the door: one tap, then undo, then again.
    const camille = rows.filter({ hasText: 'Camille Martin' });
    await camille.getByRole('button', { name: "Pointer l'arrivée de Camille Martin" }).click();
    await textOf(camille.locator('.present')).toMatch(/^Arrivé·e à \d\d:\d\d$/);
    await textOf(page.locator('#status')).toMatch('Camille Martin est enregistré·e comme présent·e.');
    await textOf(page.locator('[data-count="checkedIn"] dd')).toMatch('1');
    await camille.getByRole('button', { name: "Annuler l'arrivée de Camille Martin" }).click();
    await visible(camille.getByRole('button', { name: "Pointer l'arrivée de Camille Martin" }));
    await textOf(page.locator('[data-count="checkedIn"] dd')).toMatch('0');
    await camille.getByRole('button', { name: "Pointer l'arrivée de Camille Martin" }).click();
    await visible(camille.locator('.present'));
    await textOf(page.locator('[data-count="checkedIn"] dd')).toMatch('1');

    // Search finds people by name without accents or case.
    await page.getByLabel('Rechercher (nom, e-mail, entreprise)').fill('camille');
    await countOf(rows).toBe(1);
    await page.getByLabel('Rechercher (nom, e-mail, entreprise)').fill('');
    await countOf(rows).toBe(4);
    await page.getByLabel('Statut').selectOption('waitlisted');
    await countOf(rows).toBe(1);
    await page.getByLabel('Statut').selectOption('');
    await countOf(rows).toBe(4);
    await shot(page, 'admin-dashboard-desktop');

    // CSV export: fetched with the bearer token, saved as a file.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Exporter en CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`registrations-${eventId}.csv`);
    const csv = await readFile((await download.path()) ?? '', 'utf8');
    // The organiser reads French: `;`, French titles, so French Excel splits the columns.
    expect(csv.startsWith("\uFEFFIdentifiant;Statut;Rang en liste d'attente;Nom;E-mail")).toBe(true);
    expect(csv).toContain('Camille Martin');
    expect(csv).toMatch(/;Votre association\r\n/);
    // A name starting with "=" comes out as text, not a formula.
    expect(csv).toContain("'=1+1 Formule");
    expect(csv.trim().split('\r\n')).toHaveLength(5);

    // Promote the waitlisted person by hand.
    const dana = rows.filter({ hasText: 'Dana Liste' });
    await dana.locator('summary').click();
    await dana.getByRole('button', { name: 'Donner une place' }).click();
    await textOf(dana.locator('.badge')).toMatch('Confirmé·e');
    // Out of turn means one more seat, never an oversold event.
    await textOf(page.locator('.gauge-text')).toMatch('4 / 4 places prises');

    // Erase (GDPR), after a confirmation that defaults to "no".
    const xssRow = rows.filter({ hasText: 'xss@example.com' });
    await xssRow.locator('summary').click();
    await xssRow.getByRole('button', { name: 'Effacer (RGPD)' }).click();
    const dialog = page.locator('dialog#confirm-dialog');
    await visible(dialog);
    await focused(dialog.getByRole('button', { name: 'Annuler' }));
    await textOf(dialog.locator('h2')).toContain(XSS);
    await dialog.getByRole('button', { name: 'Oui, effacer définitivement' }).click();
    await countOf(rows).toBe(3);
    await textOf(page.locator('#status')).toMatch(/effacées/);

    await context.close();
  });

  it('warns before a change that emails every registrant, and before cancelling the event', async () => {
    const { context, page } = await openPage();
    await login(page);
    await register('social-crm', 'Inscrit Prévenu', 'prevenu@example.com');
    await page.getByRole('link', { name: /^Social CRM/ }).click();
    await textOf(page.locator('[data-count="confirmed"] dd')).toMatch('1');
    await page.getByRole('link', { name: 'Modifier' }).click();
    await textOf(page.getByRole('heading', { level: 1 })).toMatch("Modifier l'événement");
    const dialog = page.locator('dialog#confirm-dialog');
    const sequence = async () => (await site?.services.events.get('social-crm'))?.event.sequence;
    const before = await sequence();

    // Saving without a change warns nobody and emails nobody: the server agrees (no new SEQUENCE).
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await textOf(page.locator('#status')).toMatch('Modifications enregistrées.');
    expect(await dialog.evaluate((element) => (element as HTMLDialogElement).open)).toBe(false);
    expect(await sequence()).toBe(before);

    // A new title is in every invitation: it is emailed, so it is warned about.
    await page.getByRole('link', { name: 'Modifier' }).click();
    await textOf(page.getByRole('heading', { level: 1 })).toMatch("Modifier l'événement");
    const title = page.getByRole('textbox', { name: 'Titre', exact: true });
    const oldTitle = await title.inputValue();
    await title.fill(`${oldTitle} (nouveau titre)`);
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await textOf(dialog).toMatch(/1 personne inscrite recevra un e-mail/);
    await page.keyboard.press('Escape');
    await expect
      .poll(() => dialog.evaluate((element) => (element as HTMLDialogElement).open), POLL)
      .toBe(false);
    await title.fill(oldTitle);

    const start = page.getByLabel('Début');
    const value = await start.inputValue();
    await start.fill(value.replace(/T19:00$/, 'T19:30'));
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await textOf(dialog).toMatch(/1 personne inscrite recevra un e-mail/);
    await shot(page, 'admin-warning-desktop');
    // Escape says no: nothing is saved.
    await page.keyboard.press('Escape');
    await expect
      .poll(() => dialog.evaluate((element) => (element as HTMLDialogElement).open), POLL)
      .toBe(false);
    await textOf(page.getByRole('heading', { level: 1 })).toMatch("Modifier l'événement");
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await dialog.getByRole('button', { name: 'Enregistrer et prévenir' }).click();
    await textOf(page.locator('#status')).toMatch('Modifications enregistrées.');
    await textOf(page.locator('.meta')).toMatch(/19:30/);
    const saved = await (await fetch(`${baseUrl}/api/events/social-crm`)).json();
    expect(new Date(saved.startsAt).getUTCMinutes()).toBe(30);

    await page.getByRole('button', { name: "Annuler l'événement" }).click();
    await textOf(dialog).toMatch(/1 personne inscrite recevra un e-mail d'annulation/);
    await dialog.getByRole('button', { name: "Oui, annuler l'événement" }).click();
    await textOf(page.locator('.title-row .badge')).toMatch('Annulé');
    await countOf(page.getByRole('link', { name: 'Modifier' })).toBe(0);
    await context.close();
  });

  it('saves an event made through the API (times to the second) without moving it or emailing anyone', async () => {
    const start = new Date(Date.now() + 5 * 86_400_000);
    start.setUTCSeconds(42, 123);
    const input = eventCreateInput.parse({
      title: 'Créé par API',
      format: 'in_person',
      venue: { name: 'La Cantine', address: '151 rue Montmartre', city: 'Paris' },
      startsAt: start.toISOString(),
      endsAt: new Date(start.getTime() + 3_600_000).toISOString(),
      registrationClosesAt: new Date(start.getTime() - 60_500).toISOString(),
    });
    const draft = newEventRecord(
      input,
      { id: 'cree-par-api', organiserId: 'media-aces', organiserName: 'Media Aces' },
      new Date(),
    );
    await site?.services.events.create(draft);
    await site?.services.events.save(draft, publish(draft, new Date()));
    await register('cree-par-api', 'Inscrite Tranquille', 'tranquille@example.com');
    const stored = async () => (await site?.services.events.get('cree-par-api'))?.event;
    const before = await stored();

    const { context, page } = await openPage();
    await login(page);
    await page.goto(`${baseUrl}/admin#/events/cree-par-api/edit`);
    await textOf(page.getByRole('heading', { level: 1 })).toMatch("Modifier l'événement");
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await textOf(page.locator('#status')).toMatch('Modifications enregistrées.');
    const after = await stored();
    expect(after?.updatedAt).not.toBe(before?.updatedAt);
    expect([after?.startsAt, after?.endsAt, after?.registrationClosesAt, after?.sequence]).toEqual([
      before?.startsAt,
      before?.endsAt,
      before?.registrationClosesAt,
      before?.sequence,
    ]);
    await context.close();
  });

  it('says beside the publish button why publishing was refused, and what to do', async () => {
    const draft = async (id: string, fields: Record<string, unknown>) => {
      const input = eventCreateInput.parse({
        title: 'Webinaire sans lien',
        format: 'online',
        startsAt: new Date(Date.now() + 86_400_000).toISOString(),
        endsAt: new Date(Date.now() + 90_000_000).toISOString(),
        ...fields,
      });
      const ids = { id, organiserId: 'media-aces', organiserName: 'Media Aces' };
      await site?.services.events.create(newEventRecord(input, ids, new Date()));
    };
    await draft('webinaire-sans-lien', {});
    await draft('deja-termine', {
      joinUrl: 'https://meet.example/room',
      startsAt: new Date(Date.now() - 7_200_000).toISOString(),
      endsAt: new Date(Date.now() - 3_600_000).toISOString(),
    });
    const { context, page } = await openPage();
    await login(page);

    await page.goto(`${baseUrl}/admin#/events/webinaire-sans-lien`);
    await page.getByRole('button', { name: 'Publier' }).click();
    const lacking = /lien de connexion\. Ajoutez-le avec «\sModifier\s», puis publiez/;
    await textOf(page.locator('#publish-error')).toMatch(lacking);
    await textOf(page.locator('#status')).toMatch(lacking);
    // Focus stays on the button, which now names the reason.
    await focused(page.getByRole('button', { name: 'Publier' }));
    expect(await page.locator('#publish').getAttribute('aria-describedby')).toBe('publish-error');
    await textOf(page.locator('.title-row .badge')).toMatch('Brouillon');

    await page.goto(`${baseUrl}/admin#/events/deja-termine`);
    await page.getByRole('button', { name: 'Publier' }).click();
    await textOf(page.locator('#publish-error')).toMatch(
      /déjà terminé\. Changez ses dates avec «\sModifier\s»/,
    );
    await context.close();
  });

  it('works on a phone: door mode off, registrations as cards, check-in with one tap', async () => {
    const { context, page } = await openPage({ phone: true });
    await register('un-patron-doit-il-tweeter', 'Téléphone Test', 'phone@example.com');
    await login(page);
    await page.getByRole('link', { name: 'Un patron doit-il tweeter ?' }).click();
    const row = page.locator('table.registrations tbody tr', { hasText: 'Téléphone Test' });
    await visible(row);
    // A phone opens in door mode (test/admin-door.test.ts); the cards are one tap away.
    await page.getByRole('button', { name: 'Mode accueil', pressed: true }).tap();
    await visible(row.locator('.who').first());
    const button = row.getByRole('button', { name: "Pointer l'arrivée de Téléphone Test" });
    const box = await button.boundingBox();
    // A thumb-sized target.
    expect(box && box.height >= 44 && box.width >= 200).toBe(true);
    await button.tap();
    await visible(row.locator('.present'));
    await shot(page, 'admin-checkin-phone');
    await context.close();
  });

  it('pages through registrations fifty at a time, and back', async () => {
    // Straight to the API: 55 registrants for the morning conference (capacity 80).
    for (let batch = 0; batch < 55; batch += 11) {
      await Promise.all(
        Array.from({ length: 11 }, (_, i) =>
          register('un-patron-doit-il-tweeter', `Personne ${batch + i}`, `personne${batch + i}@example.com`),
        ),
      );
    }
    const { context, page } = await openPage();
    await login(page);
    await page.getByRole('link', { name: 'Un patron doit-il tweeter ?' }).click();
    const rows = page.locator('table.registrations tbody tr');
    await countOf(rows).toBe(50);
    const first = await rows.first().textContent();
    await page.getByRole('button', { name: 'Page suivante' }).click();
    await expect.poll(async () => (await rows.count()) > 0 && (await rows.count()) < 50, POLL).toBe(true);
    expect(await rows.first().textContent()).not.toBe(first);
    await page.getByRole('button', { name: 'Page précédente' }).click();
    await countOf(rows).toBe(50);
    await textOf(rows.first()).toBe(first);
    // A search looks through every page.
    await page.getByLabel('Rechercher (nom, e-mail, entreprise)').fill('personne54@');
    await countOf(rows).toBe(1);
    await context.close();
  });

  it('searches, filters and sorts on the server, on a phone: "soren" finds Søren, "lukasz" Łukasz', async () => {
    await register('un-patron-doit-il-tweeter', 'Łukasz Wiśniewski', 'lukasz@example.com');
    await register('un-patron-doit-il-tweeter', 'Søren Ærlig', 'soren@example.com');
    const { context, page } = await openPage({ phone: true });
    const asked: URL[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname.endsWith('/registrations')) asked.push(url);
    });
    await login(page);
    await page.getByRole('link', { name: 'Un patron doit-il tweeter ?' }).click();
    const rows = page.locator('table.registrations tbody tr');
    // Newest first: the last to register heads the list.
    await countOf(rows).toBe(50);
    await textOf(rows.first().locator('.attendee-name')).toBe('Søren Ærlig');

    const search = page.getByLabel('Rechercher (nom, e-mail, entreprise)');
    await search.fill('soren');
    await countOf(rows).toBe(1);
    await textOf(rows.first().locator('.attendee-name')).toBe('Søren Ærlig');
    await textOf(page.locator('#reg-summary')).toBe('1 résultat.');
    await search.fill('LUKASZ');
    await countOf(rows).toBe(1);
    await textOf(rows.first().locator('.attendee-name')).toBe('Łukasz Wiśniewski');
    // The search box stays usable at 390 px: on screen, not wider than the phone.
    const box = await search.boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= 390).toBe(true);
    await shot(page, 'admin-search-phone');

    // The server did the searching: the search went as `q`, and nothing fetched every page.
    expect(asked.some((url) => url.searchParams.get('q') === 'soren')).toBe(true);
    expect(asked.every((url) => (url.searchParams.get('limit') ?? '50') === '50')).toBe(true);

    // A search with a status filter: pages come full, the filter applied before the cut.
    await search.fill('example.com');
    await page.getByLabel('Statut').selectOption('confirmed');
    await countOf(rows).toBe(50);
    await search.fill('');
    await page.getByLabel('Statut').selectOption('');

    // By name, accents and case aside, as the server sorts.
    await page.getByLabel('Trier par').selectOption('name');
    await expect
      .poll(async () => {
        const names = await rows.locator('.attendee-name').allTextContents();
        const folded = names.map(foldForSearch);
        return names.length === 50 && folded.every((name, i) => i === 0 || (folded[i - 1] ?? '') <= name);
      }, POLL)
      .toBe(true);
    expect(asked.at(-1)?.searchParams.get('sort')).toBe('name');
    await context.close();
  });

  it('shows the outbox in local mode, or says plainly that it is not there', async () => {
    const { context, page } = await openPage();
    await login(page);
    await page.getByRole('link', { name: "Boîte d'envoi" }).click();
    await textOf(page.getByRole('heading', { level: 1 })).toMatch("Boîte d'envoi");
    await visible(
      page
        .locator('main')
        .getByText(/e-mails?\.|n'est pas disponible/)
        .first(),
    );
    await context.close();
  });

  it('says beside the capacity, focused, why it cannot go below the seats taken, and clears it once changed', async () => {
    const start = new Date(Date.now() + 15 * 86_400_000);
    const event = newEventRecord(
      eventCreateInput.parse({
        title: 'Petite salle',
        format: 'in_person',
        venue: { name: 'Salle', city: 'Paris' },
        capacity: 5,
        startsAt: start.toISOString(),
        endsAt: new Date(start.getTime() + 3_600_000).toISOString(),
      }),
      { id: 'petite-salle', organiserId: 'media-aces', organiserName: 'Media Aces' },
      new Date(),
    );
    await site?.services.events.create(event);
    await site?.services.events.save(event, publish(event, new Date()));
    for (const who of ['un', 'deux', 'trois'])
      await register('petite-salle', `Personne ${who}`, `${who}@example.com`);

    const { context, page } = await openPage({ phone: true });
    await login(page);
    await page.goto(`${baseUrl}/admin#/events/petite-salle/edit`);
    const capacity = page.getByLabel('Nombre de places', { exact: true });
    await capacity.fill('1');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await textOf(page.locator('#ed-capacity-error')).toMatch('déjà plus de confirmés');
    await focused(capacity);
    await expect.poll(() => capacity.getAttribute('aria-invalid')).toBe('true');
    await capacity.fill('4');
    await expect.poll(() => page.locator('#ed-capacity-error').isHidden()).toBe(true);
    await expect.poll(() => capacity.getAttribute('aria-invalid')).toBe(null);
    await context.close();
  });

  it('says beside the save button, focused and in view, when the event changed meanwhile (here: cancelled in another tab)', async () => {
    const start = new Date(Date.now() + 20 * 86_400_000);
    const event = newEventRecord(
      eventCreateInput.parse({
        title: 'Annulée ailleurs',
        format: 'in_person',
        venue: { name: 'Salle', city: 'Paris' },
        startsAt: start.toISOString(),
        endsAt: new Date(start.getTime() + 3_600_000).toISOString(),
      }),
      { id: 'annulee-ailleurs', organiserId: 'media-aces', organiserName: 'Media Aces' },
      new Date(),
    );
    await site?.services.events.create(event);
    const { context, page } = await openPage();
    await login(page);
    await page.getByRole('button', { name: 'EN', exact: true }).click();
    await page.goto(`${baseUrl}/admin#/events/annulee-ailleurs/edit`);
    await page.locator('#ed-title').fill('Renamed meanwhile');
    await site?.services.events.save(event, cancel(event, new Date()));
    await page.getByRole('button', { name: 'Save' }).click();
    const said = page.locator('#ed-summary-errors');
    await textOf(said).toMatch(
      'This event changed meanwhile (edited elsewhere or cancelled): reload the page',
    );
    await focused(said);
    // Smooth scrolling (the site's CSS) brings it into view over a few frames.
    await expect
      .poll(async () => {
        const box = await said.boundingBox();
        return box && box.y >= 0 && box.y + box.height <= 900;
      }, POLL)
      .toBe(true);
    await context.close();
  });

  it('keeps the view of the last navigation when an earlier one answers later (a language switch, then a link)', async () => {
    const { context, page } = await openPage();
    await login(page);
    // The list the language switch redraws answers a second late; the editor opened meanwhile stays.
    await page.route(/\/api\/admin\/events(\?.*)?$/, async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await route.continue();
    });
    const listAnswered = page.waitForResponse(/\/api\/admin\/events(\?.*)?$/);
    await page.getByRole('button', { name: 'EN', exact: true }).click();
    await page.goto(`${baseUrl}/admin#/events/social-crm/edit`);
    await visible(page.locator('#ed-title'));
    await listAnswered;
    await page.waitForTimeout(300);
    await countOf(page.locator('#ed-title')).toBe(1);
    await textOf(page.getByRole('heading', { level: 1 })).not.toMatch('My events');
    await context.close();
  });

  it("shows a question's choices box only for a choice question, and asks for choices when it has none", async () => {
    const { context, page } = await openPage();
    await login(page);
    await page.goto(`${baseUrl}/admin#/events/petite-salle/edit`);
    await page.getByRole('button', { name: 'Ajouter une question' }).click();
    const row = page.locator('#ed-questions > fieldset').last();
    const choices = row.getByLabel('Choix proposés');
    // A text question (the default) has no choices to give.
    await expect.poll(() => choices.isVisible()).toBe(false);
    await row.getByLabel('Type de réponse').selectOption('select');
    await visible(choices);
    await row.locator('[data-field="label"]').fill('Votre atelier');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    // The message says what to do, not "invalid value".
    await textOf(row.locator('.field-error:not([hidden])')).toMatch(/choix/i);
    await row.getByLabel('Type de réponse').selectOption('checkbox');
    await expect.poll(() => choices.isVisible()).toBe(false);
    await context.close();
  });

  it('previews a draft for its organiser only: the page as it will look, nobody can register', async () => {
    const start = new Date(Date.now() + 20 * 86_400_000);
    const draft = newEventRecord(
      eventCreateInput.parse({
        title: 'Brouillon à relire',
        summary: 'Un résumé pour voir le rendu.',
        format: 'online',
        joinUrl: 'https://meet.example/relire',
        startsAt: start.toISOString(),
        endsAt: new Date(start.getTime() + 3_600_000).toISOString(),
      }),
      { id: 'brouillon-a-relire', organiserId: 'media-aces', organiserName: 'Media Aces' },
      new Date(),
    );
    await site?.services.events.create(draft);
    expect((await fetch(`${baseUrl}/api/events/brouillon-a-relire`)).status).toBe(404);

    const { context, page } = await openPage({ phone: true });
    await login(page);
    await page.goto(`${baseUrl}/admin#/events/brouillon-a-relire`);
    await page.getByRole('link', { name: 'Prévisualiser' }).click();
    await page.waitForURL(/\/events\/brouillon-a-relire\?preview=1$/);
    await textOf(page.locator('#preview-banner')).toMatch("n'est visible que de vous");
    await textOf(page.getByRole('heading', { level: 1 })).toMatch('Brouillon à relire');
    await countOf(page.locator('#register-section')).toBe(0);
    await countOf(page.locator('.register-jump')).toBe(0);
    await context.close();

    // Without the organiser's session the same address shows nothing of the draft.
    const stranger = await openPage();
    await stranger.page.goto(`${baseUrl}/events/brouillon-a-relire?preview=1`);
    await textOf(stranger.page.locator('#status')).toMatch("depuis l'espace organisateurs");
    await countOf(stranger.page.getByText('Brouillon à relire')).toBe(0);
    await stranger.context.close();
  });

  it('a two-day programme: a day per row, saved on its day, following the start (or kept), grouped by day', async () => {
    // 12 May 2031 09:00 to 13 May 17:00, Paris (UTC+2); the organiser's computer is in Toronto.
    const event = newEventRecord(
      eventCreateInput.parse({
        title: 'Deux jours',
        format: 'in_person',
        venue: { name: 'Salle', city: 'Paris' },
        startsAt: '2031-05-12T07:00:00Z',
        endsAt: '2031-05-13T15:00:00Z',
        agenda: [
          { startsAt: '2031-05-12T07:00:00Z', endsAt: '2031-05-12T08:00:00Z', title: 'Ouverture' },
          { startsAt: '2031-05-13T12:00:00Z', title: 'Clôture' },
        ],
      }),
      { id: 'deux-jours', organiserId: 'media-aces', organiserName: 'Media Aces' },
      new Date(),
    );
    await site?.services.events.create(event);
    await site?.services.events.save(event, publish(event, new Date()));
    const stored = async () =>
      (await site?.services.events.get('deux-jours'))?.event.agenda.map((item) => [
        item.startsAt,
        item.title,
      ]);
    const values = (page: Page, field: string) =>
      page
        .locator(`#ed-agenda [data-field="${field}"]`)
        .evaluateAll((all) => all.map((c) => (c as HTMLInputElement).value));

    const { context, page } = await openPage({ phone: true });
    await login(page);
    await page.goto(`${baseUrl}/admin#/events/deux-jours/edit`);
    const day = page.locator('#ed-agenda-1-day');
    await visible(day);
    expect(await day.locator('option').allTextContents()).toEqual(['lun. 12 mai', 'mar. 13 mai']);
    expect(await day.inputValue()).toBe('2031-05-13');
    // Added on day 2 at 11:00 (Paris): saved at 09:00 UTC on the 13th, in start order.
    await page.getByRole('button', { name: 'Ajouter un point au programme' }).click();
    await page.locator('#ed-agenda-2-day').selectOption({ label: 'mar. 13 mai' });
    await page.locator('#ed-agenda-2-start').fill('11:00');
    await page.locator('#ed-agenda-2-title').fill('Atelier');
    await shot(page, 'admin-agenda-days-phone');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await textOf(page.getByRole('heading', { level: 1 })).toBe('Deux jours');
    expect(await stored()).toEqual([
      ['2031-05-12T07:00:00.000Z', 'Ouverture'],
      ['2031-05-13T09:00:00.000Z', 'Atelier'],
      ['2031-05-13T12:00:00.000Z', 'Clôture'],
    ]);

    // A day later: the rows follow, and a note says so.
    await page.goto(`${baseUrl}/admin#/events/deux-jours/edit`);
    await page.locator('#ed-startsAt').fill('2031-05-13T09:00');
    await page.locator('#ed-endsAt').fill('2031-05-14T17:00');
    await textOf(page.locator('#ed-agenda-note')).toMatch(
      /Le programme a suivi\s:\s3 points repoussés d'1 jour\./,
    );
    expect(await values(page, 'day')).toEqual(['2031-05-13', '2031-05-14', '2031-05-14']);
    expect(await values(page, 'start')).toEqual(['09:00', '11:00', '14:00']);
    expect(await values(page, 'end')).toEqual(['10:00', '', '']);
    // Kept where it was: the first row is now before the event, and the server says so beside it.
    const keep = page.getByLabel('Garder les horaires du programme');
    await keep.check();
    await textOf(page.locator('#ed-agenda-note')).toMatch('garde ses horaires');
    expect(await values(page, 'day')).toEqual(['2031-05-12', '2031-05-13', '2031-05-13']);
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await textOf(page.locator('#ed-agenda-0-start-error')).toMatch("pendant l'événement");
    await focused(page.locator('#ed-agenda-0-start'));
    await keep.uncheck();
    expect(await values(page, 'day')).toEqual(['2031-05-13', '2031-05-14', '2031-05-14']);
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    // Saved: the editor gives way to the event's page.
    await textOf(page.getByRole('heading', { level: 1 })).toBe('Deux jours');
    expect(await stored()).toEqual([
      ['2031-05-13T07:00:00.000Z', 'Ouverture'],
      ['2031-05-14T09:00:00.000Z', 'Atelier'],
      ['2031-05-14T12:00:00.000Z', 'Clôture'],
    ]);

    // The public page: one timeline per day, under its date.
    await page.goto(`${baseUrl}/events/deux-jours`);
    await countOf(page.locator('h3.agenda-day')).toBe(2);
    expect(await page.locator('h3.agenda-day').allTextContents()).toEqual([
      'mardi 13 mai',
      'mercredi 14 mai',
    ]);
    expect(await page.locator('.timeline').nth(1).locator('.title').allTextContents()).toEqual([
      'Atelier',
      'Clôture',
    ]);
    await context.close();

    // In English on a desktop: the same day choice, note and headings.
    const english = await openPage();
    await login(english.page);
    await english.page.evaluate(() => localStorage.setItem('lang', 'en'));
    await english.page.goto(`${baseUrl}/admin#/events/deux-jours/edit`);
    // A new hash alone does not reload the page: the language is read on load.
    await english.page.reload();
    const englishDay = english.page.getByLabel('Day').first();
    await visible(englishDay);
    expect(await englishDay.locator('option').allTextContents()).toEqual(['Tue 13 May', 'Wed 14 May']);
    await english.page.locator('#ed-startsAt').fill('2031-05-12T09:00');
    await textOf(english.page.locator('#ed-agenda-note')).toBe(
      'The programme moved with the event: 3 items moved earlier by 1 day.',
    );
    expect(await values(english.page, 'day')).toEqual(['2031-05-12', '2031-05-13', '2031-05-13']);
    await english.page.getByLabel('Keep the programme times').check();
    await textOf(english.page.locator('#ed-agenda-note')).toMatch('keeps its times');
    expect(await values(english.page, 'day')).toEqual(['2031-05-13', '2031-05-14', '2031-05-14']);
    await english.page.goto(`${baseUrl}/events/deux-jours`);
    await expect
      .poll(() => english.page.locator('h3.agenda-day').allTextContents(), POLL)
      .toEqual(['Tuesday 13 May', 'Wednesday 14 May']);
    await english.context.close();
  });

  it('fits a 360 px phone on every view, header included, in French and English', async () => {
    const { context, page } = await openPage({ phone: true });
    await page.setViewportSize({ width: 360, height: 740 });
    await login(page);
    const widths = [];
    for (const language of ['FR', 'EN']) {
      await page.getByRole('button', { name: language, exact: true }).click();
      for (const view of [
        '#/',
        '#/new',
        '#/events/social-crm',
        '#/events/social-crm/edit',
        '#/events/social-crm/scan',
        '#/api-keys',
        '#/webhooks',
      ]) {
        await page.goto(`${baseUrl}/admin${view}`);
        await visible(page.locator('main h1'));
        widths.push(`${language} ${view} ${await page.evaluate(() => document.documentElement.scrollWidth)}`);
      }
    }
    expect(widths.filter((line) => !line.endsWith(' 360'))).toEqual([]);
    await context.close();
  });

  it('raised no console error, CSP violation, page error or dialog', () => {
    expect(problems).toEqual([]);
  });
});

describe('Cognito login (authorization code + PKCE)', () => {
  const config: CognitoConfig = {
    domain: 'https://inscriptions.auth.eu-west-3.amazoncognito.com',
    clientId: 'client-123',
    issuer: 'https://cognito-idp.eu-west-3.amazonaws.com/eu-west-3_pool',
    redirectUri: 'https://inscriptions.example/admin',
  };
  const memory = (): PkceStorage & { data: Map<string, string> } => {
    const data = new Map<string, string>();
    return {
      data,
      get: (key) => data.get(key) ?? null,
      set: (key, value) => void data.set(key, value),
      remove: (key) => void data.delete(key),
    };
  };

  it('sends an S256 challenge and a state, then trades the code with the matching verifier, once', async () => {
    const storage = memory();
    const url = new URL(await authorizationUrl(config, storage));
    expect(`${url.origin}${url.pathname}`).toBe(`${config.domain}/oauth2/authorize`);
    const params = url.searchParams;
    expect(params.get('response_type')).toBe('code');
    expect(params.get('client_id')).toBe('client-123');
    expect(params.get('redirect_uri')).toBe(config.redirectUri);
    expect(params.get('code_challenge_method')).toBe('S256');
    const state = params.get('state') ?? '';
    expect(state.length).toBeGreaterThan(20);

    let tokenRequest: URLSearchParams | undefined;
    const fakeCognito: typeof fetch = async (input, init) => {
      expect(String(input)).toBe(`${config.domain}/oauth2/token`);
      tokenRequest = new URLSearchParams(String(init?.body));
      return new Response(
        JSON.stringify({ access_token: 'the-access-token', token_type: 'Bearer', expires_in: 3600 }),
        { status: 200, headers: { 'content-type': 'application/json' } },
      );
    };
    const callback = new URL(`${config.redirectUri}?code=the-code&state=${state}`);
    const tokens = await exchangeCode(config, callback, storage, fakeCognito);
    expect(tokens.accessToken).toBe('the-access-token');
    expect(tokenRequest?.get('grant_type')).toBe('authorization_code');
    expect(tokenRequest?.get('code')).toBe('the-code');
    expect(tokenRequest?.get('client_id')).toBe('client-123');
    // The verifier sent hashes to the challenge sent first: the code is useless to anyone else.
    const verifier = tokenRequest?.get('code_verifier') ?? '';
    expect(createHash('sha256').update(verifier).digest('base64url')).toBe(params.get('code_challenge'));

    // Replaying the callback (a reload, a stolen URL) finds no login in progress.
    await expect(exchangeCode(config, callback, storage, fakeCognito)).rejects.toThrow();
  });

  it('refuses a callback whose state is not the one it sent', async () => {
    const storage = memory();
    await authorizationUrl(config, storage);
    const forged = new URL(`${config.redirectUri}?code=stolen&state=someone-elses`);
    let called = false;
    const fetchSpy: typeof fetch = async () => {
      called = true;
      return new Response('{}');
    };
    await expect(exchangeCode(config, forged, storage, fetchSpy)).rejects.toThrow();
    expect(called).toBe(false);
  });
});
