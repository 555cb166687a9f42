/**
 * The event page's head, filled in on the server (functions/events/page-head.ts): what a link
 * preview reads from the HTML alone, in the event's language, every value escaped, and nothing
 * for a draft or an unknown event.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cancel, newEventRecord, newSeats, publicView, publish } from '../functions/events/model.js';
import { renderEventPage } from '../functions/events/page-head.js';
import { eventCreateInput } from '../functions/events/schemas.js';

const TEMPLATE = readFileSync(new URL('../web/src/event.html', import.meta.url), 'utf8');
const SITE = 'https://inscriptions.example';
const NOW = new Date('2026-03-01T09:00:00Z');

const publicEvent = (fields: Record<string, unknown>, change: 'publish' | 'cancel' = 'publish') => {
  const input = eventCreateInput.parse({
    title: 'Social CRM',
    format: 'in_person',
    venue: { name: 'Salle Pleyel', address: '252 rue du Faubourg Saint-Honoré', city: 'Paris' },
    startsAt: '2026-03-10T17:00:00Z',
    endsAt: '2026-03-10T19:00:00Z',
    timeZone: 'Europe/Paris',
    ...fields,
  });
  const draft = newEventRecord(
    input,
    { id: 'social-crm', organiserId: 'o2l', organiserName: 'Open2leads' },
    NOW,
  );
  const published = publish(draft, NOW);
  const record = change === 'cancel' ? cancel(published, NOW) : published;
  return publicView(record, newSeats(record), SITE, NOW);
};

/** `&#34;` back to text, as a browser or a preview reads it; Intl's thin spaces as plain ones. */
const decode = (text: string) =>
  text.replace(/&#(\d+);/g, (_, code) => String.fromCharCode(Number(code))).replace(/[\u2009\u202f]/g, ' ');

/** The head's values by name: title, canonical, each meta's content (by name or property). */
const headOf = (html: string): Record<string, string | number | undefined> => {
  const head = html.slice(0, html.indexOf('</head>'));
  const values: Record<string, string> = {};
  for (const [, key, content] of head.matchAll(/<meta (?:name|property)="([^"]+)" content="([^"]*)" \/>/g)) {
    values[key as string] = decode(content as string);
  }
  const title = /<title>([^<]*)<\/title>/.exec(head)?.[1];
  return {
    ...values,
    title: title === undefined ? undefined : decode(title),
    canonical: /<link rel="canonical" href="([^"]*)" \/>/.exec(head)?.[1],
    lang: /<html lang="([^"]*)"/.exec(html)?.[1],
    titles: head.match(/<title>/g)?.length,
  };
};

describe('the event page head', () => {
  it('names a published French event: title, description, canonical address, Open Graph, card', () => {
    const html = renderEventPage(
      TEMPLATE,
      publicEvent({ description: 'Comment le CRM change la relation client.\n\nVenez nombreux.' }),
      SITE,
    );
    expect(headOf(html)).toEqual({
      title: 'Social CRM — Open2leads',
      titles: 1,
      lang: 'fr',
      canonical: `${SITE}/events/social-crm`,
      description:
        'mardi 10 mars 2026, 18:00 – 20:00 UTC+1 · Salle Pleyel, Paris — Comment le CRM change la relation client. Venez nombreux.',
      'og:type': 'website',
      'og:site_name': 'Inscriptions',
      'og:locale': 'fr_FR',
      'og:title': 'Social CRM — Open2leads',
      'og:description':
        'mardi 10 mars 2026, 18:00 – 20:00 UTC+1 · Salle Pleyel, Paris — Comment le CRM change la relation client. Venez nombreux.',
      'og:url': `${SITE}/events/social-crm`,
      'twitter:card': 'summary',
      viewport: 'width=device-width, initial-scale=1',
    });
    // The rest of the page is the template's: the script still draws the body.
    expect(html.slice(html.indexOf('<body>'))).toBe(TEMPLATE.slice(TEMPLATE.indexOf('<body>')));
  });

  it('speaks English for an English online event, in its own zone, with the description cut near 160 characters', () => {
    const long = `${'Selling on social networks, step by step. '.repeat(8)}`;
    const head = headOf(
      renderEventPage(
        TEMPLATE,
        publicEvent({
          title: 'Social selling',
          language: 'en',
          format: 'online',
          venue: null,
          joinUrl: 'https://meet.example/x',
          timeZone: 'America/New_York',
          description: long,
        }),
        SITE,
      ),
    );
    expect(head.lang).toBe('en');
    expect(head['og:locale']).toBe('en_GB');
    const [facts, about] = String(head.description).split(' — ');
    expect(facts).toBe('Tuesday, 10 March 2026, 13:00–15:00 GMT-4 · Online');
    expect(about?.endsWith('…')).toBe(true);
    expect(about?.length).toBeLessThanOrEqual(161);
    expect(long.startsWith(about?.slice(0, -1) ?? 'x')).toBe(true);
  });

  it('names a cancelled event too, and says it is cancelled', () => {
    const head = headOf(renderEventPage(TEMPLATE, publicEvent({ format: 'hybrid' }, 'cancel'), SITE));
    expect(head.title).toBe('Social CRM — Open2leads');
    expect(head.description).toBe(
      'Annulé · mardi 10 mars 2026, 18:00 – 20:00 UTC+1 · Salle Pleyel, Paris et en ligne',
    );
  });

  it('leaves the page as it is without an event (a draft, an unknown id)', () => {
    expect(renderEventPage(TEMPLATE, undefined, SITE)).toBe(TEMPLATE);
  });

  it('escapes every value: a title with quotes, angle brackets and ampersands stays text', () => {
    const hostile = `"><script>alert(1)</script> & 'x' <b>`;
    const html = renderEventPage(
      TEMPLATE,
      publicEvent({ title: hostile, description: `</title><img src=x onerror=alert(1)> "&"` }),
      SITE,
    );
    const head = html.slice(0, html.indexOf('</head>'));
    expect(head).not.toContain('<script>alert');
    expect(head).not.toContain('<img');
    expect(head).not.toContain('<b>');
    // Exactly the tags the renderer writes, and each value reads back as given.
    expect(head.match(/<meta /g)?.length).toBe((TEMPLATE.match(/<meta /g)?.length ?? 0) + 8);
    const values = headOf(html);
    expect(values.title).toBe(`${hostile} — Open2leads`);
    expect(values['og:title']).toBe(`${hostile} — Open2leads`);
    expect(String(values.description).endsWith(`</title><img src=x onerror=alert(1)> "&"`)).toBe(true);
  });
});
