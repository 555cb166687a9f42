import { personalInvite } from '../calendar/ical.js';
import { type EventRecord, standInOrganiser } from '../events/model.js';
import type { EventRepository } from '../events/ports.js';
import type { ReplyAddresses } from '../inbound/reply-address.js';
import { composeNotification, type NotificationInput } from '../mail/compose.js';
import type { MessageKind } from '../mail/kinds.js';
import type { Mailer } from '../mail/mailer.js';
import { inviteMethodFor } from '../mail/messages.js';
import { unsealToken } from '../platform/tokens.js';
import { attendanceCodes } from '../registrations/attendance-code.js';
import { archivedEmailKey } from '../registrations/lifecycle.js';
import { manageUrl, personalJoinUrl, registrationPageUrl } from '../registrations/model.js';
import type { Registrations } from '../registrations/registrations.js';
import { type MessageIntent, stillFits } from './decide.js';
import { ledgerExpiry } from './ledger.js';
import type { MailLedgerPort } from './ports.js';

/**
 * One message to one registrant, from the state stored NOW (the stream and the queue lag):
 * load -> check it still fits -> build the invitation and the MIME -> claim in the ledger ->
 * send -> record. Mail never writes to registrations: a failure here can only fail the
 * delivery, which the caller retries and eventually dead-letters.
 */

export type Compose = (input: NotificationInput) => Promise<{ raw: Buffer; to: string; subject: string }>;

export interface SendDeps {
  events: Pick<EventRepository, 'get' | 'getOrganiser'>;
  registrations: Pick<Registrations, 'waitlistPosition' | 'get'>;
  /** Where the invitation's answers go (Services.replies). */
  replies: Pick<ReplyAddresses, 'inviteReplyTo'>;
  ledger: MailLedgerPort;
  mailer: Mailer;
  /** Render + MIME; the mail module's composer unless a test swaps it. */
  compose?: Compose;
  baseUrl: string;
  /** The key manage tokens are sealed with (config().manageTokenKey in AWS). */
  tokenKey: Buffer;
  mailFrom: string;
  clock: () => Date;
  /** Told about each message actually sent (the local runtime prints a line). */
  onSent?: (sent: { kind: MessageKind; to: string; subject: string; mailId: string }) => void;
}

export type SendResult =
  | { status: 'sent'; mailId: string }
  | { status: 'skipped'; reason: 'gone' | 'no_event' | 'stale' | 'already_sent' };

/**
 * `claimId`: a stuck claim the sweep took over (resend-stuck.ts). The message is rebuilt from
 * the state stored now, with the same key (Message-ID) and the event's UID, so a calendar keeps
 * one entry; if it no longer fits, the claim is recorded as dropped.
 */
export const sendOne = async (
  intent: MessageIntent,
  deps: SendDeps,
  options: { claimId?: string } = {},
): Promise<SendResult> => {
  const skip = async (reason: 'gone' | 'no_event' | 'stale'): Promise<SendResult> => {
    if (options.claimId) await deps.ledger.drop(intent.eventId, intent.dedupeKey, options.claimId);
    return { status: 'skipped', reason };
  };
  const now = deps.clock();
  // By primary key, consistently: an index may not show a registration written a moment ago. A
  // registration replaced by a new one of the same address is kept under a key of its own.
  const current = intent.snapshot ?? (await deps.registrations.get(intent));
  const registration =
    current?.id === intent.registrationId
      ? current
      : await deps.registrations.get({
          eventId: intent.eventId,
          emailKey: archivedEmailKey(intent.emailKey, intent.registrationId),
        });
  // Erased, or replaced by a newer registration under the same address: not this person's message.
  if (!registration || registration.id !== intent.registrationId) return skip('gone');
  const found = await deps.events.get(intent.eventId);
  if (!found) return skip('no_event');
  const { event } = found;
  if (!stillFits(intent.kind, registration, event, now, intent.window)) return skip('stale');

  const organiser =
    (await deps.events.getOrganiser(event.organiserId)) ??
    standInOrganiser(event.organiserId, event.organiserName, deps.baseUrl);
  const manage = manageUrl(
    deps.baseUrl,
    registration.id,
    unsealToken(registration.tokenSealed, deps.tokenKey),
  );
  // Where the join URL is due, the personal link (GET /j/{code}) goes instead of it.
  const joinLink = personalJoinUrl(
    deps.baseUrl,
    attendanceCodes(() => deps.tokenKey),
    registration.id,
  );
  const waitlistPosition =
    registration.status === 'waitlisted'
      ? await deps.registrations.waitlistPosition(registration)
      : undefined;
  // The calendar entry gets the registration's page without its secret: calendars are shared.
  // An erased seat's entry is taken out as a cancelled registration's is.
  const inCalendar =
    intent.kind === 'erased' ? { ...registration, status: 'cancelled' as const } : registration;
  const ics = inviteMethodFor(intent.kind, registration)
    ? personalInvite(
        event,
        organiser,
        inCalendar,
        // An erased registration has no page left: the event's page instead.
        intent.kind === 'erased'
          ? eventPage(deps.baseUrl, event)
          : registrationPageUrl(deps.baseUrl, registration.id),
        now,
        deps.replies.inviteReplyTo(registration.id),
        joinLink,
      )
    : undefined;

  const compose = deps.compose ?? composeNotification;
  const message = await compose({
    kind: intent.kind,
    context: {
      registration,
      event,
      organiser,
      manageUrl: manage,
      ...(waitlistPosition === undefined ? {} : { waitlistPosition }),
      ...(intent.changes ? { changes: intent.changes } : {}),
      eventUrl: eventPage(deps.baseUrl, event),
      ...(joinLink ? { joinLink } : {}),
      // Shown only in the kinds and to the seat holders kinds.ts allows.
      checkInCode: attendanceCodes(() => deps.tokenKey).for(registration.id),
    },
    mailFrom: deps.mailFrom,
    ...(ics === undefined ? {} : { ics }),
    // The same state change always gives the same Message-ID.
    key: `${intent.eventId}#${intent.dedupeKey}`,
    date: now,
  });

  const outcome = await deps.ledger.once(
    intent.eventId,
    intent.dedupeKey,
    // The ledger keeps ids and kinds only: never the erased registration's snapshot.
    { now, expiresAt: ledgerExpiry(event.endsAt, now), intent: withoutSnapshot(intent), ...options },
    () => deps.mailer.send({ to: message.to, raw: message.raw }),
  );
  if (outcome.status === 'skipped') return { status: 'skipped', reason: 'already_sent' };
  deps.onSent?.({ kind: intent.kind, to: message.to, subject: message.subject, mailId: outcome.mailId });
  return outcome;
};

const withoutSnapshot = ({ snapshot: _, ...intent }: MessageIntent): MessageIntent => intent;

const eventPage = (baseUrl: string, event: EventRecord): string =>
  `${baseUrl}/events/${encodeURIComponent(event.id)}`;
