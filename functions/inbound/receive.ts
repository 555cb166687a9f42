import { log } from '../platform/log.js';
import type { Services } from '../wiring/services.js';
import { decideAnswer, type InboundOutcome, ignored } from './decide.js';
import { readMail } from './parse.js';

/**
 * One received email (SES receiving in AWS, POST /local/inbound locally): read -> find the
 * registration its reply address names -> decide -> keep the answer. Whatever arrives, the
 * answer is an outcome, never a throw for the message itself; the log line has no personal data.
 */
export const receiveCalendarAnswer = async (
  services: Pick<Services, 'events' | 'registrations' | 'replies' | 'clock'>,
  raw: Buffer,
  /** The envelope's recipients when the mail server gives them (SES); else the message's own headers. */
  envelope?: readonly string[],
): Promise<InboundOutcome> => {
  const outcome = await receive(services, raw, envelope);
  log.info('calendar answer', { ...outcome });
  return outcome;
};

const receive = async (
  { events, registrations, replies, clock }: Pick<Services, 'events' | 'registrations' | 'replies' | 'clock'>,
  raw: Buffer,
  envelope: readonly string[] | undefined,
): Promise<InboundOutcome> => {
  const mail = await readMail(raw);
  if (!mail) return ignored('malformed');
  const named = new Set(
    (envelope ?? mail.recipients).flatMap((address) => replies.registrationOf(address) ?? []),
  );
  // One reply address, one registration: a message naming several is no calendar's answer.
  const [registrationId] = named;
  if (!registrationId || named.size > 1) return ignored('not_ours');

  const registration = await registrations.getById(registrationId);
  const found = registration && (await events.get(registration.eventId));
  if (!registration || !found) return ignored('unknown_registration');

  const now = clock();
  const answer = decideAnswer(mail.answers, registration, found.event, now);
  if (typeof answer === 'string') return ignored(answer);
  const { changed } = await registrations.answerInvitation(registration, answer, now);
  return { outcome: answer.rsvp, registrationId, changed };
};
