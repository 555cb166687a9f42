import { DateTime } from 'luxon';
import type { Organiser } from '../functions/events/model.js';
import { newEventRecord, publish } from '../functions/events/model.js';
import { type EventCreateInput, eventCreateInput } from '../functions/events/schemas.js';
import type { Services } from '../functions/wiring/services.js';

/**
 * The demo data of SEED-DATA.md: three organisers and their five events, French text as
 * the organisers wrote it, dated on weekdays of the coming weeks so registration is open.
 */

const ZONE = 'Europe/Paris';

export const demoOrganisers: readonly Organiser[] = [
  { id: 'media-aces', name: 'Media Aces', replyTo: 'contact@media-aces.example' },
  { id: 'touch-and-sell', name: 'Touch & Sell', replyTo: 'contact@touch-and-sell.example' },
  { id: 'open2leads', name: 'Open2leads', replyTo: 'contact@open2leads.example' },
];

/** The day `weekday` (1 = Monday) of the `week`-th coming week: 7(week-1)+1 to 7(week-1)+7 days ahead. */
const dayOf = (now: Date, week: number, weekday: number): DateTime => {
  let day = DateTime.fromJSDate(now, { zone: ZONE })
    .startOf('day')
    .plus({ days: 7 * (week - 1) + 1 });
  while (day.weekday !== weekday) day = day.plus({ days: 1 });
  return day;
};

/** A Paris wall-clock time on that day as a UTC instant (luxon picks CET or CEST). */
const at = (day: DateTime, time: string): string => {
  const [hour, minute] = time.split(':').map(Number);
  const instant = day.set({ hour, minute, second: 0, millisecond: 0 }).toUTC().toISO();
  if (!instant) throw new Error(`Invalid seed time ${time}`);
  return instant;
};

interface DemoEvent {
  id: string;
  organiserId: string;
  input: (now: Date) => Record<string, unknown>;
}

const demoEvents: readonly DemoEvent[] = [
  {
    id: 'un-patron-doit-il-tweeter',
    organiserId: 'media-aces',
    input: (now) => {
      const day = dayOf(now, 1, 2); // a Tuesday morning
      return {
        title: 'Un patron doit-il tweeter ?',
        summary:
          'Conférence matinale : le dirigeant sur les réseaux sociaux, incontournable ou à manier avec précaution ?',
        description:
          "Aux États-Unis, un PDG du Fortune 500 sur deux a un compte Twitter, mais moins de la moitié d'entre eux l'utilisent activement. " +
          "Selon une étude, 82 % des consommateurs font davantage confiance aux marques dont les dirigeants s'engagent sur les réseaux sociaux.\n\n" +
          'Incontournable, ou outil à utiliser avec précaution ? Une conférence matinale de Media Aces, ' +
          "l'association des praticiens des médias sociaux en entreprise, avec Olivier Cimelière.",
        format: 'in_person',
        venue: { name: 'Espace Bourse', address: '28 place de la Bourse, 75002', city: 'Paris' },
        startsAt: at(day, '08:30'),
        endsAt: at(day, '10:30'),
        capacity: 80,
        waitlistEnabled: true,
        speakers: [{ name: 'Olivier Cimelière' }],
      };
    },
  },
  {
    id: 'social-selling-or-not',
    organiserId: 'touch-and-sell',
    input: (now) => {
      const day = dayOf(now, 1, 4); // a Thursday, late morning
      return {
        title: 'Social selling or not social selling',
        summary:
          'Webinaire : le social selling est-il la panacée, et fait-il le pont entre marketing et ventes ?',
        description:
          'Le social selling est-il un remède miracle ? Réconcilie-t-il enfin le marketing et les ventes ?\n\n' +
          "Au programme : les fondamentaux du social selling (n'est-ce qu'une affaire de réseaux sociaux ?) " +
          'et ceux de la vente, avec pour fil conducteur « The Little Black Book of Connections » de Jeffrey Gitomer.\n\n' +
          'Webinaire animé par Yann Gourvennec. Le lien de connexion est communiqué aux inscrits confirmés.',
        format: 'online',
        joinUrl: 'https://meet.touch-and-sell.example/webinaire/social-selling',
        startsAt: at(day, '11:00'),
        endsAt: at(day, '12:00'),
        capacity: 500,
        waitlistEnabled: true,
        speakers: [{ name: 'Yann Gourvennec', title: 'Animateur' }],
      };
    },
  },
  {
    id: 'b2b-best-practices',
    organiserId: 'open2leads',
    input: (now) => {
      const day = dayOf(now, 2, 3); // a Wednesday evening
      return {
        title: 'B2B Best practices : le Digital au service de la Performance',
        summary: 'Conférence gratuite en soirée : table ronde, sujets du réseau, elevator pitches et buffet.',
        description:
          'Une soirée gratuite du réseau Open2leads consacrée au marketing B2B.\n\n' +
          "Table ronde sur l'état du marketing B2B, l'affiliation en B2B, le real-time bidding et le web tracking, " +
          'puis les sujets les plus discutés du réseau, dix entrepreneurs en elevator pitch ' +
          "(moins d'une minute chacun) et, à partir de 22 h, buffet et networking.",
        format: 'in_person',
        venue: {
          name: "Auditorium Chaussée-d'Antin",
          address: "12 rue de la Chaussée-d'Antin, 75009",
          city: 'Paris',
        },
        startsAt: at(day, '19:00'),
        endsAt: at(day, '23:00'),
        capacity: 120,
        waitlistEnabled: true,
        agenda: [
          {
            startsAt: at(day, '19:00'),
            endsAt: at(day, '21:00'),
            title:
              "Table ronde : l'état du marketing B2B ; l'affiliation en B2B ; le real-time bidding ; " +
              'le web tracking, ou trouver le bon projet au bon moment',
            speakers: ['Hervé Kabla', 'Yann Gourvennec'],
          },
          {
            startsAt: at(day, '21:00'),
            endsAt: at(day, '21:30'),
            title: 'Les sujets les plus discutés du réseau',
          },
          {
            startsAt: at(day, '21:30'),
            endsAt: at(day, '22:00'),
            title: "Elevator pitches : dix entrepreneurs, moins d'une minute chacun",
          },
          { startsAt: at(day, '22:00'), endsAt: at(day, '23:00'), title: 'Buffet et networking' },
        ],
        speakers: [
          { name: 'Hervé Kabla' },
          { name: 'Yann Gourvennec' },
          { name: 'Mohamed Khodja', title: 'Organisateur, Open2leads' },
        ],
      };
    },
  },
  {
    id: 'social-crm',
    organiserId: 'media-aces',
    input: (now) => {
      const day = dayOf(now, 3, 2); // a Tuesday evening
      return {
        title: 'Social CRM : le Web social oblige les entreprises à se professionnaliser',
        summary: "Débat du soir : la relation client à l'heure du Web social.",
        description:
          'Sur le Web social, les clients parlent des marques en public et attendent une réponse rapide. ' +
          "Organisation, outils, rôle du community manager face au service client : comment l'entreprise " +
          'se professionnalise-t-elle ? Un débat du soir entre membres de Media Aces.',
        format: 'in_person',
        venue: { name: 'Salle du Sentier', address: '151 rue Montmartre, 75002', city: 'Paris' },
        startsAt: at(day, '19:00'),
        endsAt: at(day, '21:00'),
        capacity: 40,
        waitlistEnabled: false,
      };
    },
  },
  {
    id: 'experience-client-collaborateur',
    organiserId: 'touch-and-sell',
    input: (now) => {
      const day = dayOf(now, 4, 4); // a Thursday afternoon
      return {
        title: 'Groupe de réflexion « Expérience client et expérience collaborateur »',
        summary: 'Trois heures de réflexion en petit comité, une dizaine de places, assis en cercle.',
        description:
          "Un groupe de réflexion de trois heures sur le lien entre l'expérience client et l'expérience collaborateur. " +
          'Une dizaine de participants, assis en cercle, pour échanger librement.\n\n' +
          'Les places sont peu nombreuses : confirmez votre inscription depuis le courriel que vous recevrez.',
        format: 'in_person',
        venue: {
          name: 'Touch & Sell, salle de formation',
          address: '40 rue du Louvre, 75001',
          city: 'Paris',
        },
        startsAt: at(day, '14:00'),
        endsAt: at(day, '17:00'),
        capacity: 10,
        waitlistEnabled: true,
        requireConfirmation: true,
      };
    },
  },
];

export interface SeededEvent {
  id: string;
  organiserId: string;
  title: string;
  /** false when it was already there from an earlier run. */
  created: boolean;
}

/** Seeds organisers and events; an event whose id exists already is left as it is. */
export const seedDemo = async (services: Pick<Services, 'events'>, now: Date): Promise<SeededEvent[]> => {
  const { events } = services;
  for (const organiser of demoOrganisers) await events.putOrganiser(organiser);

  const seeded: SeededEvent[] = [];
  for (const demo of demoEvents) {
    const existing = await events.get(demo.id);
    if (existing) {
      seeded.push({
        id: demo.id,
        organiserId: demo.organiserId,
        title: existing.event.title,
        created: false,
      });
      continue;
    }
    const input: EventCreateInput = eventCreateInput.parse({
      ...demo.input(now),
      timeZone: ZONE,
      language: 'fr',
    });
    const organiser = demoOrganisers.find((o) => o.id === demo.organiserId);
    const draft = newEventRecord(
      input,
      { id: demo.id, organiserId: demo.organiserId, organiserName: organiser?.name ?? demo.organiserId },
      now,
    );
    // Created as a draft then published, as an organiser would through the admin API.
    await events.create(draft);
    await events.save(draft, publish(draft, now));
    seeded.push({ id: demo.id, organiserId: demo.organiserId, title: draft.title, created: true });
  }
  return seeded;
};
