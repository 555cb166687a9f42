import type { EventRecord, Organiser } from '../events/model.js';
import type { Language } from '../platform/fields.js';
import type { RegistrationRecord } from '../registrations/model.js';

/**
 * What each email says, in French and English. Pure: the same context always renders the
 * same subject and bodies, so the pipeline can render, record and retry freely.
 *
 * Each message is built once as a list of blocks, then written out twice (plain text and
 * HTML) from that list: the two bodies cannot drift apart, and every value reaches the
 * HTML through one escaping function.
 */

export const messageKinds = [
  'confirmed',
  'waitlisted',
  'promoted',
  'promoted_pending',
  'pending_confirmation',
  'manage_link',
  'cancelled_by_attendee',
  'cancelled_by_organiser',
  'hold_expired',
  'event_changed',
  'event_cancelled',
  'reminder',
] as const;
export type MessageKind = (typeof messageKinds)[number];

/** What an `event_changed` message can name; see `eventChanges`. */
export type EventChange = 'title' | 'time' | 'place' | 'joinUrl';

export interface MessageContext {
  /** `locale` may be missing on old records: the event's language is used then. */
  registration: Pick<RegistrationRecord, 'name' | 'status' | 'holdExpiresAt'> & { locale?: Language };
  event: EventRecord;
  organiser: Pick<Organiser, 'name'>;
  /** The registrant's own manage link (`manageUrl()` of the registrations model). */
  manageUrl: string;
  /** 1-based, for `waitlisted`. */
  waitlistPosition?: number;
  /** For `event_changed`: what changed, to say so. */
  changes?: readonly EventChange[];
  /** The public event page, offered to register again after a released hold. */
  eventUrl?: string;
}

export interface RenderedMessage {
  subject: string;
  text: string;
  html: string;
}

/** Kinds whose message may carry the join URL (and only to a confirmed registrant). */
const JOIN_KINDS: ReadonlySet<MessageKind> = new Set(['confirmed', 'promoted', 'event_changed', 'reminder']);

/** The join URL, or null when this registrant must not see it in this message. */
export const joinUrlFor = (kind: MessageKind, context: Pick<MessageContext, 'registration' | 'event'>) => {
  const { registration, event } = context;
  return JOIN_KINDS.has(kind) &&
    registration.status === 'confirmed' &&
    event.status !== 'cancelled' &&
    event.format !== 'in_person' &&
    event.joinUrl
    ? event.joinUrl
    : null;
};

/**
 * Which calendar invitation goes with a message: REQUEST puts (or updates) the event in the
 * registrant's calendar, CANCEL takes it out. Nothing for those without a seat (a waitlisted
 * or unconfirmed registrant must not find the event in their calendar as if it were theirs).
 */
export const inviteMethodFor = (
  kind: MessageKind,
  registration: Pick<RegistrationRecord, 'status'>,
): 'REQUEST' | 'CANCEL' | undefined => {
  switch (kind) {
    case 'confirmed':
    case 'promoted':
      return 'REQUEST';
    case 'event_changed':
      return registration.status === 'confirmed' ? 'REQUEST' : undefined;
    case 'cancelled_by_attendee':
    case 'cancelled_by_organiser':
    case 'hold_expired':
    case 'event_cancelled':
      return 'CANCEL';
    default:
      return undefined;
  }
};

/** What changed between two versions of an event, in the terms a registrant cares about. */
export const eventChanges = (before: EventRecord, after: EventRecord): EventChange[] => {
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  const changes: EventChange[] = [];
  if (before.title !== after.title) changes.push('title');
  if (
    before.startsAt !== after.startsAt ||
    before.endsAt !== after.endsAt ||
    before.timeZone !== after.timeZone
  )
    changes.push('time');
  if (!same(before.venue, after.venue) || before.format !== after.format) changes.push('place');
  if (before.joinUrl !== after.joinUrl) changes.push('joinUrl');
  return changes;
};

const INTL_LOCALE: Record<Language, string> = { fr: 'fr-FR', en: 'en-GB' };

const DATE_TIME: Intl.DateTimeFormatOptions = {
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZoneName: 'short',
};

/** Read in the event's zone, never the server's (UTC on Lambda). */
const dateRange = (event: EventRecord, language: Language): string =>
  new Intl.DateTimeFormat(INTL_LOCALE[language], { ...DATE_TIME, timeZone: event.timeZone }).formatRange(
    new Date(event.startsAt),
    new Date(event.endsAt),
  );

const dateTime = (instant: string, event: EventRecord, language: Language): string =>
  new Intl.DateTimeFormat(INTL_LOCALE[language], { ...DATE_TIME, timeZone: event.timeZone }).format(
    new Date(instant),
  );

type Block =
  | { type: 'paragraph'; text: string }
  | { type: 'facts'; rows: [label: string, value: string][] }
  | { type: 'link'; label: string; url: string; primary?: boolean };

interface Draft {
  subject: string;
  blocks: Block[];
}

interface Parts {
  text: Text;
  title: string;
  when: string;
  deadline: string | undefined;
  joinUrl: string | null;
  invite: 'REQUEST' | 'CANCEL' | undefined;
}

type Text = (typeof TEXT)[Language];

const TEXT = {
  fr: {
    colon: ' :',
    quote: (title: string) => `«\u00a0${title}\u00a0»`,
    hello: (name: string) => `Bonjour ${name},`,
    event: 'Événement',
    when: 'Date',
    where: 'Lieu',
    organiser: 'Organisateur',
    online: 'En ligne',
    andOnline: 'et en ligne',
    join: 'Rejoindre en ligne',
    manage: 'Gérer ou annuler mon inscription',
    view: 'Voir mon inscription',
    confirm: 'Confirmer ma place',
    eventPage: "Page de l'événement",
    inviteAttached: "L'invitation jointe ajoute l'événement à votre agenda.",
    inviteUpdated: "L'invitation jointe met à jour votre agenda.",
    cancelAttached: "L'annulation jointe retire l'événement de votre agenda.",
    replyHint: "Une question ? Répondez simplement à ce courriel : il parviendra à l'organisateur.",
    notYou: "Si vous n'êtes pas à l'origine de cette demande, ignorez ce message.",
    confirmBy: (deadline: string | undefined) =>
      deadline
        ? `Confirmez-la avant le ${deadline} : ouvrez le lien ci-dessous et cliquez sur «\u00a0Confirmer ma place\u00a0».`
        : 'Confirmez-la : ouvrez le lien ci-dessous et cliquez sur «\u00a0Confirmer ma place\u00a0».',
    change: {
      title: 'le titre',
      time: "la date ou l'heure",
      place: 'le lieu',
      joinUrl: 'le lien de connexion',
    } satisfies Record<EventChange, string>,
    list: (items: string[]) =>
      items.length > 1 ? `${items.slice(0, -1).join(', ')} et ${items[items.length - 1]}` : (items[0] ?? ''),
    subjects: {
      confirmed: 'Inscription confirmée',
      waitlisted: "Liste d'attente",
      promoted: "Une place s'est libérée pour vous",
      promoted_pending: "Une place s'est libérée : confirmez-la",
      pending_confirmation: 'Confirmez votre inscription',
      manage_link: "Votre lien d'inscription",
      cancelled_by_attendee: 'Inscription annulée',
      cancelled_by_organiser: "Inscription annulée par l'organisateur",
      hold_expired: 'Place libérée faute de confirmation',
      event_changed: 'Événement modifié',
      event_cancelled: 'Événement annulé',
      reminder: 'Rappel',
    } satisfies Record<MessageKind, string>,
    confirmed: (title: string) => `Votre inscription à ${title} est confirmée.`,
    waitlisted: (title: string, position: number | undefined) =>
      position === undefined
        ? `L'événement ${title} est complet : vous êtes sur la liste d'attente.`
        : `L'événement ${title} est complet : vous êtes sur la liste d'attente, en position n°\u00a0${position}.`,
    waitlistNext:
      "Si une place se libère, elle vous sera attribuée dans l'ordre d'arrivée et vous recevrez un courriel.",
    waitlistManage: "Voir ou quitter la liste d'attente",
    promoted: (title: string) =>
      `Bonne nouvelle : une place s'est libérée et votre inscription à ${title} est confirmée.`,
    promotedPending: (title: string) => `Bonne nouvelle : une place s'est libérée pour ${title}.`,
    pending: (title: string) => `Merci pour votre inscription à ${title}. Il reste à confirmer votre place.`,
    pendingRelease: "Sans confirmation, la place sera proposée à quelqu'un d'autre.",
    manageLink: (title: string) =>
      `Vous êtes déjà inscrit(e) à ${title}. Voici votre lien pour consulter ou gérer votre inscription.`,
    cancelledByAttendee: (title: string) => `Votre inscription à ${title} est annulée.`,
    cancelledByOrganiser: (title: string) => `L'organisateur a annulé votre inscription à ${title}.`,
    holdExpired: (title: string) =>
      `Votre inscription à ${title} n'a pas été confirmée à temps : la place a été libérée.`,
    holdExpiredAgain: "Vous pouvez vous réinscrire depuis la page de l'événement s'il reste des places.",
    changed: (title: string) => `L'événement ${title} a été modifié.`,
    changedWhat: (what: string) => `Ce qui change : ${what}.`,
    eventCancelled: (title: string) =>
      `L'événement ${title} est annulé. Nous sommes désolés pour ce contretemps.`,
    reminder: (title: string, when: string) => `Petit rappel : ${title} a lieu le ${when}.`,
  },
  en: {
    colon: ':',
    quote: (title: string) => `“${title}”`,
    hello: (name: string) => `Hello ${name},`,
    event: 'Event',
    when: 'When',
    where: 'Where',
    organiser: 'Organiser',
    online: 'Online',
    andOnline: 'and online',
    join: 'Join online',
    manage: 'Manage or cancel my registration',
    view: 'View my registration',
    confirm: 'Confirm my seat',
    eventPage: 'Event page',
    inviteAttached: 'The attached invitation adds the event to your calendar.',
    inviteUpdated: 'The attached invitation updates your calendar.',
    cancelAttached: 'The attached cancellation removes the event from your calendar.',
    replyHint: 'Any question? Just reply to this email: it goes to the organiser.',
    notYou: 'If you did not ask for this, please ignore this message.',
    confirmBy: (deadline: string | undefined) =>
      deadline
        ? `Please confirm it before ${deadline}: open the link below and press “Confirm my seat”.`
        : 'Please confirm it: open the link below and press “Confirm my seat”.',
    change: {
      title: 'the title',
      time: 'the date or time',
      place: 'the place',
      joinUrl: 'the joining link',
    } satisfies Record<EventChange, string>,
    list: (items: string[]) =>
      items.length > 1 ? `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}` : (items[0] ?? ''),
    subjects: {
      confirmed: 'Registration confirmed',
      waitlisted: 'Waiting list',
      promoted: 'A seat is now yours',
      promoted_pending: 'A seat has freed up: please confirm it',
      pending_confirmation: 'Please confirm your registration',
      manage_link: 'Your registration link',
      cancelled_by_attendee: 'Registration cancelled',
      cancelled_by_organiser: 'Registration cancelled by the organiser',
      hold_expired: 'Seat released: not confirmed in time',
      event_changed: 'Event updated',
      event_cancelled: 'Event cancelled',
      reminder: 'Reminder',
    } satisfies Record<MessageKind, string>,
    confirmed: (title: string) => `Your registration for ${title} is confirmed.`,
    waitlisted: (title: string, position: number | undefined) =>
      position === undefined
        ? `${title} is full: you are on the waiting list.`
        : `${title} is full: you are on the waiting list, in position ${position}.`,
    waitlistNext:
      'If a seat frees up, it goes to the next person in order of arrival and you will get an email.',
    waitlistManage: 'View or leave the waiting list',
    promoted: (title: string) =>
      `Good news: a seat has freed up and your registration for ${title} is confirmed.`,
    promotedPending: (title: string) => `Good news: a seat has freed up for ${title}.`,
    pending: (title: string) => `Thank you for registering for ${title}. One step left: confirm your seat.`,
    pendingRelease: 'Without confirmation, the seat will be offered to someone else.',
    manageLink: (title: string) =>
      `You are already registered for ${title}. Here is your link to view or manage your registration.`,
    cancelledByAttendee: (title: string) => `Your registration for ${title} has been cancelled.`,
    cancelledByOrganiser: (title: string) => `The organiser has cancelled your registration for ${title}.`,
    holdExpired: (title: string) =>
      `Your registration for ${title} was not confirmed in time, so the seat has been released.`,
    holdExpiredAgain: 'You can register again from the event page if seats are left.',
    changed: (title: string) => `${title} has been updated.`,
    changedWhat: (what: string) => `What changed: ${what}.`,
    eventCancelled: (title: string) => `${title} has been cancelled. We are sorry for the inconvenience.`,
    reminder: (title: string, when: string) => `A quick reminder: ${title} takes place on ${when}.`,
  },
} as const;

const place = (event: EventRecord, text: Text): string => {
  const venue = event.venue
    ? [event.venue.name, event.venue.address, event.venue.city].filter(Boolean).join(', ')
    : '';
  if (event.format === 'online' || !venue) return event.format === 'in_person' ? venue : text.online;
  return event.format === 'hybrid' ? `${venue} ${text.andOnline}` : venue;
};

const facts = (context: MessageContext, parts: Parts): Block => ({
  type: 'facts',
  rows: [
    [parts.text.event, context.event.title],
    [parts.text.when, parts.when],
    [parts.text.where, place(context.event, parts.text)],
    [parts.text.organiser, context.organiser.name],
  ],
});

const paragraph = (text: string): Block => ({ type: 'paragraph', text });

const inviteNote = (parts: Parts, updated = false): Block[] => {
  if (parts.invite === 'CANCEL') return [paragraph(parts.text.cancelAttached)];
  if (parts.invite === 'REQUEST')
    return [paragraph(updated ? parts.text.inviteUpdated : parts.text.inviteAttached)];
  return [];
};

const joinLink = (parts: Parts): Block[] =>
  parts.joinUrl ? [{ type: 'link', label: parts.text.join, url: parts.joinUrl, primary: true }] : [];

const manageLink = (context: MessageContext, parts: Parts, label: string = parts.text.manage): Block => ({
  type: 'link',
  label,
  url: context.manageUrl,
});

const confirmLink = (context: MessageContext, parts: Parts): Block => ({
  type: 'link',
  label: parts.text.confirm,
  url: context.manageUrl,
  primary: true,
});

/** The blocks of each kind, between the greeting and the sign-off. */
const BODIES: Record<MessageKind, (context: MessageContext, parts: Parts) => Block[]> = {
  confirmed: (c, p) => [
    paragraph(p.text.confirmed(p.title)),
    ...inviteNote(p),
    facts(c, p),
    ...joinLink(p),
    manageLink(c, p),
  ],
  waitlisted: (c, p) => [
    paragraph(p.text.waitlisted(p.title, c.waitlistPosition)),
    paragraph(p.text.waitlistNext),
    facts(c, p),
    manageLink(c, p, p.text.waitlistManage),
  ],
  promoted: (c, p) => [
    paragraph(p.text.promoted(p.title)),
    ...inviteNote(p),
    facts(c, p),
    ...joinLink(p),
    manageLink(c, p),
  ],
  promoted_pending: (c, p) => [
    paragraph(`${p.text.promotedPending(p.title)} ${p.text.confirmBy(p.deadline)}`),
    confirmLink(c, p),
    paragraph(p.text.pendingRelease),
    facts(c, p),
  ],
  pending_confirmation: (c, p) => [
    paragraph(p.text.pending(p.title)),
    paragraph(p.text.confirmBy(p.deadline)),
    confirmLink(c, p),
    paragraph(p.text.pendingRelease),
    facts(c, p),
    paragraph(p.text.notYou),
  ],
  manage_link: (c, p) => [
    paragraph(p.text.manageLink(p.title)),
    manageLink(c, p),
    facts(c, p),
    paragraph(p.text.notYou),
  ],
  cancelled_by_attendee: (c, p) => [
    paragraph(p.text.cancelledByAttendee(p.title)),
    ...inviteNote(p),
    facts(c, p),
    manageLink(c, p, p.text.view),
  ],
  cancelled_by_organiser: (c, p) => [
    paragraph(p.text.cancelledByOrganiser(p.title)),
    ...inviteNote(p),
    facts(c, p),
    manageLink(c, p, p.text.view),
  ],
  hold_expired: (c, p) => [
    paragraph(p.text.holdExpired(p.title)),
    paragraph(p.text.holdExpiredAgain),
    ...(c.eventUrl ? [{ type: 'link', label: p.text.eventPage, url: c.eventUrl } satisfies Block] : []),
    ...inviteNote(p),
    facts(c, p),
    manageLink(c, p, p.text.view),
  ],
  event_changed: (c, p) => {
    // A change of link means nothing to someone who is not given the link.
    const changes = (c.changes ?? []).filter((change) => change !== 'joinUrl' || p.joinUrl);
    const what = [...new Set(changes)].map((change) => p.text.change[change]);
    return [
      paragraph(p.text.changed(p.title)),
      ...(what.length > 0 ? [paragraph(p.text.changedWhat(p.text.list(what)))] : []),
      ...inviteNote(p, true),
      facts(c, p),
      ...joinLink(p),
      manageLink(c, p),
    ];
  },
  event_cancelled: (c, p) => [
    paragraph(p.text.eventCancelled(p.title)),
    ...inviteNote(p),
    facts(c, p),
    manageLink(c, p, p.text.view),
  ],
  reminder: (c, p) => [
    paragraph(p.text.reminder(p.title, p.when)),
    facts(c, p),
    ...joinLink(p),
    manageLink(c, p),
  ],
};

const draft = (kind: MessageKind, context: MessageContext): Draft & { language: Language } => {
  const language = context.registration.locale ?? context.event.language;
  const text = TEXT[language];
  const { event, registration } = context;
  const parts: Parts = {
    text,
    title: text.quote(event.title),
    when: dateRange(event, language),
    deadline: registration.holdExpiresAt ? dateTime(registration.holdExpiresAt, event, language) : undefined,
    joinUrl: joinUrlFor(kind, context),
    invite: inviteMethodFor(kind, registration),
  };
  return {
    language,
    subject: `${text.subjects[kind]}${text.colon} ${event.title}`,
    blocks: [
      paragraph(text.hello(registration.name)),
      ...BODIES[kind](context, parts),
      paragraph(text.replyHint),
      paragraph(`— ${context.organiser.name}`),
    ],
  };
};

const blockText = (block: Block, text: Text): string => {
  if (block.type === 'paragraph') return block.text;
  if (block.type === 'facts')
    return block.rows.map(([label, value]) => `${label}${text.colon} ${value}`).join('\n');
  return `${block.label}${text.colon}\n${block.url}`;
};

const toText = (blocks: Block[], text: Text): string =>
  `${blocks.map((block) => blockText(block, text)).join('\n\n')}\n`;

/** For HTML text and attribute values alike. */
export const escapeHtml = (value: string): string =>
  value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/** Only web links become clickable; anything else stays visible text. */
const isWebUrl = (url: string): boolean => /^https?:\/\//i.test(url);

const FONT = 'font-family:Helvetica,Arial,sans-serif;font-size:15px;line-height:1.5;color:#1f2328';
const P = '<p style="margin:0 0 16px">';
const BUTTON =
  'display:inline-block;padding:10px 18px;background:#0b57d0;color:#ffffff;border-radius:6px;text-decoration:none;font-weight:600';
const TH = 'text-align:left;vertical-align:top;padding:2px 16px 2px 0;font-weight:600';

const blockHtml = (block: Block, text: Text): string => {
  if (block.type === 'paragraph') return `${P}${escapeHtml(block.text)}</p>`;
  if (block.type === 'facts') {
    const rows = block.rows.map(
      ([label, value]) =>
        `<tr><th scope="row" style="${TH}">${escapeHtml(label)}</th><td style="padding:2px 0">${escapeHtml(value)}</td></tr>`,
    );
    return `<table role="presentation" style="border-collapse:collapse;margin:0 0 16px">${rows.join('')}</table>`;
  }
  if (!isWebUrl(block.url)) return `${P}${escapeHtml(`${block.label}${text.colon} ${block.url}`)}</p>`;
  const style = block.primary ? BUTTON : 'color:#0b57d0';
  return `${P}<a href="${escapeHtml(block.url)}" style="${style}">${escapeHtml(block.label)}</a></p>`;
};

const toHtml = (blocks: Block[], subject: string, language: Language, text: Text): string => {
  const body = blocks.map((block) => blockHtml(block, text)).join('\n');
  return `<!doctype html>
<html lang="${language}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(subject)}</title></head>
<body style="margin:0;padding:24px;background:#ffffff">
<div style="max-width:600px;${FONT}">
${body}
</div>
</body>
</html>
`;
};

/** Subject, plain text and HTML of one message, in the registrant's language. */
export const renderMessage = (kind: MessageKind, context: MessageContext): RenderedMessage => {
  const { language, subject, blocks } = draft(kind, context);
  const text = TEXT[language];
  return { subject, text: toText(blocks, text), html: toHtml(blocks, subject, language, text) };
};
