import { createHash, randomUUID } from 'node:crypto';
import addressparser from 'nodemailer/lib/addressparser';
import MailComposer from 'nodemailer/lib/mail-composer';
import { calendarMethod } from '../calendar/method.js';
import type { Organiser } from '../events/model.js';
import { addresseeName } from '../registrations/model.js';
import { CHECK_IN_CID } from './layout.js';
import { inviteMethodFor, type MessageContext, type MessageKind, renderMessage } from './messages.js';
import { qrPng } from './qr-png.js';

/**
 * Raw MIME for one email, built by nodemailer's MailComposer (never by hand): text and
 * HTML, and with an invitation a `text/calendar; method=…` alternative plus the same file
 * as an `.ics` attachment (nodemailer's `icalEvent`). The bytes go to SES as they are, or
 * into the local outbox.
 */

export interface MailAddress {
  name?: string;
  address: string;
}

export interface Invite {
  method: 'REQUEST' | 'CANCEL';
  /** The iCalendar text; its METHOD must be `method`. */
  ics: string;
  filename: string;
}

export interface ComposeInput {
  from: MailAddress;
  replyTo: MailAddress;
  /** Exactly one recipient. */
  to: MailAddress;
  subject: string;
  text: string;
  html: string;
  invite?: Invite;
  /** A check-in code the HTML shows as `cid:CHECK_IN_CID`: attached as its QR code PNG. */
  checkInCode?: string;
  /**
   * Identifies the message across retries (e.g. the ledger key of the state change): the
   * same key gives the same Message-ID, so a resent copy is recognisably the same message.
   * Without it the Message-ID is random.
   */
  key?: string;
  /** The Date header; now by default. */
  date?: Date;
}

export interface ComposedMessage {
  raw: Buffer;
  /** With angle brackets, as in the header. */
  messageId: string;
}

/**
 * Control characters (CR and LF above all, which would end a header and start another)
 * and the Unicode line separators, made spaces. nodemailer encodes header values too; this
 * is the second wall, so a name or title can never become a header whatever a library does.
 */
export const headerSafe = (value: string): string =>
  value
    .replace(/[\p{Cc}\u2028\u2029]/gu, ' ')
    .replace(/\s+/g, ' ')
    // `=?charset?q?…?=` typed into a title would pass through as ASCII and be decoded by the
    // reader's mail client as an encoded word, line breaks and all: a space keeps it literal.
    .replace(/=\?/g, '= ?')
    .trim();

/** One plain mailbox or a thrown error: never a list, a group or a display name in disguise. */
const singleAddress = (address: string, role: string): string => {
  const cleaned = headerSafe(address);
  const parsed = addressparser(cleaned, { flatten: true });
  if (
    parsed.length !== 1 ||
    parsed[0]?.address !== cleaned ||
    parsed[0]?.name ||
    !/^[^@\s]+@[^@\s]+$/.test(cleaned)
  ) {
    throw new Error(`The ${role} address is not a single plain email address`);
  }
  return cleaned;
};

const mailbox = (value: MailAddress, role: string) => {
  const name = headerSafe(value.name ?? '');
  return { name, address: singleAddress(value.address, role) };
};

const domainOf = (address: string): string => address.slice(address.lastIndexOf('@') + 1);

const messageIdFor = (key: string | undefined, domain: string): string => {
  const local = key ? createHash('sha256').update(key).digest('hex').slice(0, 40) : randomUUID();
  return `<${local}@${domain}>`;
};

export const composeMessage = async (input: ComposeInput): Promise<ComposedMessage> => {
  const from = mailbox(input.from, 'sender');
  const replyTo = mailbox(input.replyTo, 'reply-to');
  const to = mailbox(input.to, 'recipient');
  const messageId = messageIdFor(input.key, domainOf(from.address));

  if (input.invite) {
    // The MIME part's method and the file's METHOD must agree, or clients disagree on what it is.
    const method = calendarMethod(input.invite.ics);
    if (method !== input.invite.method) {
      throw new Error(
        `The invitation says METHOD:${method ?? '(none)'} but ${input.invite.method} was asked for`,
      );
    }
  }

  const composer = new MailComposer({
    from,
    replyTo,
    to,
    subject: headerSafe(input.subject),
    messageId,
    date: input.date ?? new Date(),
    text: input.text,
    html: input.html,
    ...(input.invite
      ? {
          icalEvent: {
            method: input.invite.method,
            filename: headerSafe(input.invite.filename),
            content: input.invite.ics,
          },
        }
      : {}),
    // An inline part (multipart/related): shown without loading anything remote.
    ...(input.checkInCode
      ? {
          attachments: [
            {
              filename: 'check-in-code.png',
              content: qrPng(input.checkInCode),
              contentType: 'image/png',
              cid: CHECK_IN_CID,
              contentDisposition: 'inline' as const,
            },
          ],
        }
      : {}),
    // Transactional mail (RFC 3834): auto-responders should not answer it.
    headers: { 'Auto-Submitted': 'auto-generated' },
    // CRLF everywhere, as SMTP and SES expect.
    newline: 'windows',
    // Content is only ever given inline: no file or URL is read on anyone's behalf.
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  const raw = await composer.compile().build();
  return { raw, messageId };
};

/**
 * The sender of an organiser's mail: our own address (the one SES may send from) under the
 * organiser's name, and replies to the organiser. A calendar's answer to the invitation goes to
 * its ORGANIZER instead, the registration's reply address (functions/inbound/reply-address.ts).
 */
export const senderFor = (organiser: Pick<Organiser, 'name' | 'replyTo'>, mailFrom: string) => ({
  from: { name: organiser.name, address: mailFrom },
  replyTo: { name: organiser.name, address: organiser.replyTo },
});

export interface NotificationInput {
  kind: MessageKind;
  context: MessageContext & {
    registration: MessageContext['registration'] & { email: string };
    organiser: Pick<Organiser, 'name' | 'replyTo'>;
  };
  /** The configured sending address (`MAIL_FROM`). */
  mailFrom: string;
  /**
   * The registrant's invitation (`personalInvite` of the calendar module). Attached when the
   * kind carries one (see `inviteMethodFor`), ignored otherwise; required then.
   */
  ics?: string;
  key?: string;
  date?: Date;
}

/** One notification, rendered and composed: what the pipeline hands to a Mailer. */
export const composeNotification = async (
  input: NotificationInput,
): Promise<ComposedMessage & { to: string; subject: string; inviteMethod?: 'REQUEST' | 'CANCEL' }> => {
  const { kind, context } = input;
  const rendered = renderMessage(kind, context);
  const inviteMethod = inviteMethodFor(kind, context.registration);
  if (inviteMethod && input.ics === undefined) throw new Error(`A ${kind} message needs the invitation`);
  const composed = await composeMessage({
    ...senderFor(context.organiser, input.mailFrom),
    to: { name: addresseeName(context.registration), address: context.registration.email },
    ...rendered,
    ...(inviteMethod && input.ics !== undefined
      ? { invite: { method: inviteMethod, ics: input.ics, filename: 'invitation.ics' } }
      : {}),
    key: input.key,
    date: input.date,
  });
  return {
    ...composed,
    to: context.registration.email,
    subject: headerSafe(rendered.subject),
    ...(inviteMethod ? { inviteMethod } : {}),
  };
};
