import type { Language } from '../platform/fields.js';
import { addresseeName } from '../registrations/model.js';
import { BODIES, framed, type Parts } from './bodies.js';
import { dateRange, dateTime, TEXT } from './catalogue.js';
import {
  checkInCodeFor,
  inviteMethodFor,
  joinUrlFor,
  type MessageContext,
  type MessageKind,
} from './kinds.js';
import { type Block, toHtml, toText } from './layout.js';

/**
 * What each email says, in French and English: the one entry point, `renderMessage`. Pure:
 * the same context always renders the same subject and bodies, so the pipeline can render,
 * record and retry freely.
 *
 * The words are in catalogue.ts, each kind's body in bodies.ts, the text and HTML layout in
 * layout.ts, and which kinds carry the join URL or an invitation in kinds.ts.
 */

// The kinds and their context are part of what callers of `renderMessage` need.
export {
  checkInCodeFor,
  inviteMethodFor,
  joinUrlFor,
  type MessageContext,
  type MessageKind,
  messageKinds,
} from './kinds.js';

export interface RenderedMessage {
  subject: string;
  text: string;
  html: string;
  /** The check-in code the HTML shows as an image (`CHECK_IN_CID`), for the composer to attach. */
  checkInCode?: string;
}

interface Draft {
  language: Language;
  subject: string;
  blocks: Block[];
  checkInCode: string | null;
}

/** The time the message asks the registrant to act by: the reconfirmation's, or their hold's. */
const deadlineOf = (kind: MessageKind, { event, registration }: MessageContext, language: Language) => {
  const at = kind === 'reconfirm_ask' ? event.reconfirmBy : registration.holdExpiresAt;
  return at ? dateTime(at, event, language) : undefined;
};

/** A follow-up carries the organiser's own subject. */
const followUpSubject = (kind: MessageKind, event: MessageContext['event']): string | undefined => {
  if (kind === 'follow_up_attended') return event.followUp?.attended?.subject;
  if (kind === 'follow_up_absent') return event.followUp?.absent?.subject;
  return undefined;
};

const draft = (kind: MessageKind, context: MessageContext): Draft => {
  const language = context.registration.locale ?? context.event.language;
  const text = TEXT[language];
  const { event, registration } = context;
  const parts: Parts = {
    text,
    title: text.quote(event.title),
    when: dateRange(event, language),
    deadline: deadlineOf(kind, context, language),
    joinUrl: joinUrlFor(kind, context),
    invite: inviteMethodFor(kind, registration),
    checkInCode: checkInCodeFor(kind, context),
  };
  return {
    language,
    subject: followUpSubject(kind, event) ?? `${text.subjects[kind]}${text.colon} ${event.title}`,
    blocks: framed(text, addresseeName(registration), context.organiser.name, BODIES[kind](context, parts)),
    checkInCode: parts.checkInCode,
  };
};

/** Subject, plain text and HTML of one message, in the registrant's language. */
export const renderMessage = (kind: MessageKind, context: MessageContext): RenderedMessage => {
  const { language, subject, blocks, checkInCode } = draft(kind, context);
  const { colon } = TEXT[language];
  return {
    subject,
    text: toText(blocks, colon),
    html: toHtml(blocks, subject, language, colon),
    ...(checkInCode ? { checkInCode } : {}),
  };
};
