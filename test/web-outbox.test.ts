import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import PostalMime, { type Email } from 'postal-mime';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { config, mailConfig, resetConfig } from '../functions/wiring/config.js';
import { createServices, setServices } from '../functions/wiring/services.js';
import { createLocalIssuer } from '../local/auth.js';
import { type LocalNotifications, startLocalNotifications } from '../local/notifications.js';
import { createOutbox, type OutboxEntry } from '../local/outbox.js';
import { demoOrganisers, seedDemo } from '../local/seed.js';
import { createLocalServer } from '../local/server.js';
import { buildWeb } from '../web/build.js';
import { launchChromium, recordProblems, textOf, visible } from './support/browser.js';
import { type FreshTable, freshTable } from './support/dynamo.js';

/**
 * The loop an attendee closes, end to end and wired as `npm start` wires it: register on the
 * event page in Chromium, open the confirmation email from the local outbox (over HTTP, parsed
 * as MIME), follow its manage link, cancel there, and find the cancellation email with its
 * METHOD:CANCEL calendar part. Every email goes through the real chain: DynamoDB Local's stream
 * -> poller -> notify -> the outbox. It never skips: without Chromium it fails and says why.
 */

const EVENT_ID = 'un-patron-doit-il-tweeter';
const EVENT_TITLE = 'Un patron doit-il tweeter ?';
const NAME = 'Léa Boîte-Mail';
const EMAIL = 'lea.outbox@example.com';

/** The environment `local/start.ts` sets, put back as it was afterwards. */
const ENV_KEYS = ['TABLE_NAME', 'PUBLIC_BASE_URL', 'MANAGE_TOKEN_KEY', 'DYNAMODB_ENDPOINT'] as const;
const savedEnv = Object.fromEntries(ENV_KEYS.map((key) => [key, process.env[key]]));

let browser: Browser | undefined;
let context: BrowserContext | undefined;
let server: Server | undefined;
let notifications: LocalNotifications | undefined;
let table: FreshTable | undefined;
let baseUrl = '';
const tempDirs: string[] = [];
/** Page errors, failed loads and dead letters: none is expected. */
const problems: string[] = [];

/** What a developer sees at /local/outbox?to=…, newest first, once the chain is quiet. */
const outboxFor = async (to: string): Promise<OutboxEntry[]> => {
  await notifications?.settle();
  const response = await fetch(`${baseUrl}/local/outbox?to=${encodeURIComponent(to)}`);
  expect(response.status).toBe(200);
  const { emails } = (await response.json()) as { emails: OutboxEntry[] };
  return emails;
};

/** The .eml as the outbox serves it, parsed by a real MIME parser. */
const openEmail = async (entry: OutboxEntry): Promise<Email> => {
  const response = await fetch(`${baseUrl}/local/outbox/${entry.id}.eml`);
  expect([response.status, response.headers.get('content-type')]).toEqual([200, 'message/rfc822']);
  return PostalMime.parse(await response.arrayBuffer());
};

/** The `text/calendar` alternative of an email, as text. */
const calendarOf = (email: Email): { method: string | undefined; text: string } => {
  const part = email.attachments.find((attachment) => attachment.mimeType === 'text/calendar');
  if (!part) throw new Error(`No text/calendar part in "${email.subject}"`);
  const text =
    typeof part.content === 'string' ? part.content : new TextDecoder().decode(part.content as ArrayBuffer);
  return { method: part.method, text };
};

const uidOf = (calendarText: string): string | undefined => /^UID:(.+?)\r?$/m.exec(calendarText)?.[1];

const newPage = async (): Promise<Page> => {
  if (!context) throw new Error('No browser context');
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  recordProblems(page, problems);
  return page;
};

beforeAll(async () => {
  process.env.LOG_LEVEL ??= 'silent';

  const webDir = await mkdtemp(join(tmpdir(), 'inscriptions-web-'));
  const dataDir = await mkdtemp(join(tmpdir(), 'inscriptions-data-'));
  tempDirs.push(webDir, dataDir);
  await buildWeb(webDir);

  // As in local/start.ts: emails are files in DATA_DIR/outbox, served by the local server.
  const outbox = createOutbox(join(dataDir, 'outbox'));
  // The issuer only signs admin tokens, which this test does not use; the port is not known yet.
  const issuer = await createLocalIssuer({ dataDir, issuer: 'http://127.0.0.1/local' });
  server = createLocalServer({
    issuer,
    organiserIds: demoOrganisers.map((organiser) => organiser.id),
    webDir,
    outbox,
  });
  await new Promise<void>((resolve, reject) => {
    server?.once('error', reject);
    server?.listen(0, '127.0.0.1', () => resolve());
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // Links in pages and emails point at this server.
  const endpoint = inject('dynamoEndpoint');
  table = await freshTable();
  const { doc, tableName } = table;
  Object.assign(process.env, {
    TABLE_NAME: tableName,
    PUBLIC_BASE_URL: baseUrl,
    MANAGE_TOKEN_KEY: randomBytes(32).toString('base64'),
    DYNAMODB_ENDPOINT: endpoint,
  });
  resetConfig();
  const { manageTokenKey: tokenKey, pendingHoldMinutes } = config();
  const services = createServices({ db: doc, tableName, baseUrl, tokenKey, holdMinutes: pendingHoldMinutes });
  setServices(services);

  notifications = await startLocalNotifications({
    endpoint,
    doc,
    tableName,
    services,
    baseUrl,
    tokenKey,
    mailer: outbox,
    mailFrom: mailConfig().from,
    dataDir,
    onDeadLetter: (source, reason) => problems.push(`dead letter (${source}): ${reason}`),
  });
  await seedDemo(services, new Date());

  browser = await launchChromium();
  context = await browser.newContext({
    locale: 'fr-FR',
    timezoneId: 'Europe/Paris',
    viewport: { width: 1100, height: 900 },
  });
}, 120_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await new Promise<void>((resolve) => {
    if (!server) return resolve();
    server.close(() => resolve());
    server.closeAllConnections(); // keep-alive sockets would hold close() open
  });
  await notifications?.stop();
  setServices(undefined);
  table?.client.destroy();
  for (const key of ENV_KEYS) {
    if (savedEnv[key] === undefined) delete process.env[key];
    else process.env[key] = savedEnv[key];
  }
  resetConfig();
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('from the event page to the inbox and back, in Chromium', () => {
  it('registers, follows the manage link of the confirmation email, cancels, and gets the METHOD:CANCEL email', async () => {
    // 1. Register through the event page form.
    const page = await newPage();
    await page.goto(`${baseUrl}/events/${EVENT_ID}`);
    await textOf(page.getByRole('heading', { level: 1 })).toMatch(EVENT_TITLE);
    await page.getByLabel('Nom et prénom').fill(NAME);
    await page.getByLabel('Adresse e-mail').fill(EMAIL);
    await page.getByLabel(/J'accepte que mes données/).check();
    await page.getByRole('button', { name: "S'inscrire" }).click();
    await textOf(page.locator('#result-title')).toMatch('Inscription confirmée');
    await page.close();

    // 2. The confirmation email, from the outbox over HTTP.
    const afterRegistering = await outboxFor(EMAIL);
    expect(afterRegistering.map((entry) => entry.subject)).toEqual([
      `Inscription confirmée : ${EVENT_TITLE}`,
    ]);
    const [confirmationEntry] = afterRegistering;
    if (!confirmationEntry) throw new Error('No confirmation email in the outbox');
    const confirmation = await openEmail(confirmationEntry);
    expect(confirmation.to?.map((to) => to.address)).toEqual([EMAIL]);
    // No double opt-in here, so the mailbox is not proven: the typed name stays out.
    expect(confirmation.text).toMatch(/^Bonjour,$/m);
    expect(confirmation.text).not.toContain(NAME);
    const invitation = calendarOf(confirmation);
    expect(invitation.method).toBe('REQUEST');
    expect(invitation.text).toMatch(/^METHOD:REQUEST\r?$/m);

    // The manage link, as the plain text body gives it (label line, then the URL).
    const textLink = /^Gérer ou annuler mon inscription :\n(\S+)$/m.exec(confirmation.text ?? '')?.[1];
    expect(textLink, 'manage link in the text body').toMatch(
      new RegExp(`^${baseUrl}/manage#registration=[^&]+&token=.+$`),
    );

    // 3. Open the HTML body as a mail client would, and follow its manage link.
    const mail = await newPage();
    // Its inline parts in place of their `cid:` references, as the client does (the check-in QR code).
    const html = (confirmation.html ?? '').replace(/src="cid:([^"]+)"/g, (whole, cid: string) => {
      const part = confirmation.attachments.find((attachment) => attachment.contentId === `<${cid}>`);
      const bytes = part ? Buffer.from(part.content as ArrayBuffer).toString('base64') : '';
      return part ? `src="data:${part.mimeType};base64,${bytes}"` : whole;
    });
    expect(html).not.toContain('cid:');
    await mail.setContent(html);
    const qr = mail.getByRole('img', { name: /^[0-9A-F]{20,}$/ });
    await expect.poll(() => qr.evaluate((image: HTMLImageElement) => image.naturalWidth)).toBeGreaterThan(0);
    const mailLink = mail.getByRole('link', { name: 'Gérer ou annuler mon inscription' });
    expect(await mailLink.getAttribute('href')).toBe(textLink);
    await mailLink.click();
    await mail.waitForURL(/\/manage#registration=/);
    expect(mail.url()).toBe(textLink);

    // 4. The manage page shows the seat; cancel it through the confirmation step.
    const status = mail.locator('#registration-status');
    await textOf(status).toMatch('Inscription confirmée');
    await visible(mail.getByText(NAME));
    await visible(mail.getByRole('link', { name: EVENT_TITLE }));
    await mail.getByRole('button', { name: 'Annuler mon inscription' }).click();
    await textOf(mail.locator('#cancel-question')).toContain('Voulez-vous vraiment annuler');
    await mail.getByRole('button', { name: 'Oui, annuler mon inscription' }).click();
    await textOf(status).toMatch('Inscription annulée');
    await textOf(mail.locator('#status')).toContain('Votre inscription est annulée');
    expect(await mail.getByRole('button', { name: 'Annuler mon inscription' }).count()).toBe(0);
    await mail.close();

    // 5. A second email for the address: the cancellation, whose calendar part removes the event.
    const afterCancelling = await outboxFor(EMAIL);
    expect(afterCancelling.map((entry) => entry.subject)).toEqual([
      `Inscription annulée : ${EVENT_TITLE}`,
      `Inscription confirmée : ${EVENT_TITLE}`,
    ]);
    const [cancellationEntry] = afterCancelling;
    if (!cancellationEntry) throw new Error('No cancellation email in the outbox');
    const cancellation = await openEmail(cancellationEntry);
    expect(cancellation.to?.map((to) => to.address)).toEqual([EMAIL]);
    expect(cancellation.text).toContain(`Votre inscription à «\u00a0${EVENT_TITLE}\u00a0» est annulée.`);
    const removal = calendarOf(cancellation);
    expect(removal.method).toBe('CANCEL');
    expect(removal.text).toMatch(/^METHOD:CANCEL\r?$/m);
    // It cancels the very event the invitation added.
    expect(uidOf(removal.text)).toBeDefined();
    expect(uidOf(removal.text)).toBe(uidOf(invitation.text));
    // The same link still opens the (now cancelled) registration.
    expect(cancellation.text).toContain(`Voir mon inscription :\n${textLink}`);

    expect(problems).toEqual([]);
  });
});
