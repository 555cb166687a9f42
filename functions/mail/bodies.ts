import type { EventRecord } from '../events/model.js';
import type { Text } from './catalogue.js';
import type { MessageContext, MessageKind } from './kinds.js';
import { type Block, paragraph } from './layout.js';

/**
 * What each kind of message says: its blocks between the greeting and the sign-off, in the
 * layout's terms (layout.ts) and the registrant's language (catalogue.ts).
 */

/** What a body is written from, worked out once per message (see `renderMessage`). */
export interface Parts {
  text: Text;
  title: string;
  when: string;
  deadline: string | undefined;
  joinUrl: string | null;
  invite: 'REQUEST' | 'CANCEL' | undefined;
  checkInCode: string | null;
}

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

const inviteNote = (parts: Parts, updated = false): Block[] => {
  if (parts.invite === 'CANCEL') return [paragraph(parts.text.cancelAttached)];
  if (parts.invite === 'REQUEST')
    return [paragraph(updated ? parts.text.inviteUpdated : parts.text.inviteAttached)];
  return [];
};

const joinLink = (parts: Parts): Block[] =>
  parts.joinUrl ? [{ type: 'link', label: parts.text.join, url: parts.joinUrl, primary: true }] : [];

const checkInCode = (parts: Parts): Block[] =>
  parts.checkInCode ? [{ type: 'checkInCode', label: parts.text.checkInCode, code: parts.checkInCode }] : [];

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

/**
 * "I'm coming" / "I can't come any more": links to the manage page, which asks for the one click
 * that acts (mail scanners open links; opening one never acts).
 */
const answerLinks = (context: MessageContext, parts: Parts): Block[] => [
  paragraph(parts.text.comingOrNot),
  { type: 'link', label: parts.text.coming, url: `${context.manageUrl}&ask=coming`, primary: true },
  { type: 'link', label: parts.text.notComing, url: `${context.manageUrl}&ask=cancel` },
];

/**
 * The follow-up: the organiser's text (plain text: one paragraph per blank-line-separated part,
 * escaped like every value), the replay link if any, and why they get it. Browser-safe, so the
 * editor's preview shows the same blocks (web/src/admin/follow-up-preview.ts).
 */
export const followUpBlocks = (
  event: Pick<EventRecord, 'followUp'>,
  which: 'attended' | 'absent',
  text: Pick<Text, 'replay' | 'followUpWhy'>,
  title: string,
): Block[] => {
  const message = event.followUp?.[which];
  const replayUrl = event.followUp?.replayUrl;
  return [
    ...(message?.body ?? '')
      .split(/\n\s*\n/)
      .map((part) => part.trim())
      .filter(Boolean)
      .map(paragraph),
    ...(replayUrl
      ? [{ type: 'link', label: text.replay, url: replayUrl, primary: true } satisfies Block]
      : []),
    paragraph(text.followUpWhy(title)),
  ];
};

/** Every message around its body: the greeting, where replies go, and the organiser's name. */
export const framed = (
  text: Text,
  name: string | undefined,
  organiserName: string,
  body: Block[],
): Block[] => [
  paragraph(text.hello(name)),
  ...body,
  paragraph(text.replyHint),
  paragraph(`— ${organiserName}`),
];

/** The blocks of each kind, between the greeting and the sign-off. */
export const BODIES: Record<MessageKind, (context: MessageContext, parts: Parts) => Block[]> = {
  confirmed: (c, p) => [
    paragraph(p.text.confirmed(p.title)),
    ...inviteNote(p),
    facts(c, p),
    ...joinLink(p),
    ...checkInCode(p),
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
    ...checkInCode(p),
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
  // The registration is gone: no link to it, only the CANCEL that takes it out of the calendar.
  erased: (c, p) => [paragraph(p.text.erased(p.title)), ...inviteNote(p), facts(c, p)],
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
    ...answerLinks(c, p),
    facts(c, p),
    ...joinLink(p),
    ...checkInCode(p),
    manageLink(c, p),
  ],
  reconfirm_ask: (c, p) => [
    paragraph(p.text.reconfirmAsk(p.title, p.when)),
    ...(p.deadline ? [paragraph(p.text.reconfirmBy(p.deadline))] : []),
    ...answerLinks(c, p),
    facts(c, p),
  ],
  follow_up_attended: (c, p) => [
    ...followUpBlocks(c.event, 'attended', p.text, p.title),
    facts(c, p),
    manageLink(c, p, p.text.view),
  ],
  follow_up_absent: (c, p) => [
    ...followUpBlocks(c.event, 'absent', p.text, p.title),
    facts(c, p),
    manageLink(c, p, p.text.view),
  ],
  not_reconfirmed: (c, p) => [
    paragraph(p.text.notReconfirmed(p.title)),
    paragraph(p.text.holdExpiredAgain),
    ...(c.eventUrl ? [{ type: 'link', label: p.text.eventPage, url: c.eventUrl } satisfies Block] : []),
    ...inviteNote(p),
    facts(c, p),
    manageLink(c, p, p.text.view),
  ],
};
