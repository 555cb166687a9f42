// In AWS: loads the manage token key (it seals or unseals tokens) before the handler can run.
import '../../wiring/token-key.js';
import { randomBytes } from 'node:crypto';
import { redeemChallenge } from '../../challenges/challenges.js';
import type { EventRecord } from '../../events/model.js';
import { publicEvent } from '../../http/access.js';
import { created, httpApi, ok, parseInput } from '../../http/handler.js';
import { countRegistration } from '../../http/rate-limit.js';
import { newId, newManageToken } from '../../platform/tokens.js';
import {
  checkAnswers,
  manageUrl,
  newRegistration,
  type RegistrationRecord,
  registrationView,
} from '../../registrations/model.js';
import { registrationInput } from '../../registrations/schemas.js';
import { services } from '../../wiring/services.js';

/** POST /api/events/{eventId}/registrations — a seat, a place on the waitlist, or a refusal. */
export const handler = httpApi({ jsonBody: true }, async (request) => {
  const input = parseInput(registrationInput, request.body);
  // A view up to a second old: the transaction re-checks status, window and seats itself.
  const { event, seats } = await publicEvent(request, { maxAgeMs: 1000 });
  const answers = checkAnswers(event.questions, input.answers);
  const { registrations, challenges, baseUrl, clock } = services();
  const now = clock();
  // Counted per client, per client for this event and per address for this event before
  // anything else (a bot that fills the honeypot too): no one client fills an event with
  // made-up addresses, and no one cycles a stranger's address to flood it with emails.
  await countRegistration(services(), request, event.id, input.email);
  // The event may ask for a solved challenge: each costs the client CPU time, and counts once.
  if (event.requireChallenge) await redeemChallenge(challenges, input.challenge, event.id, now);

  if (input.website) {
    // A bot filled the honeypot: answer as a real registration would be answered, keep and send nothing.
    const status = event.requireConfirmation ? 'pending_confirmation' : 'confirmed';
    const answerToken = status === 'confirmed' ? newManageToken() : undefined;
    const decoy = newRegistration(
      { ...input, answers },
      {
        id: newId('reg'),
        event,
        decision: { kind: 'seat', status, shard: 0 },
        token: newManageToken(),
        answerToken,
        tokenKey: randomBytes(32),
        holdMinutes: 0,
        now,
      },
    );
    return created(answer(decoy, event, { baseUrl, answerToken, now }));
  }

  const outcome = await registrations.register(event, { ...input, answers }, now, seats);
  if (outcome.kind === 'already_registered') return ok({ status: 'already_registered' });
  const { registration, answerToken, waitlistPosition, waitlistPositionProvisional } = outcome;
  return created(
    answer(registration, event, { baseUrl, answerToken, waitlistPosition, waitlistPositionProvisional, now }),
  );
});

/**
 * The `201` body. A seat pending confirmation gets no token and no manage link: only the
 * emailed link may confirm it, so the form's sender cannot confirm an address they do not own.
 */
const answer = (
  registration: RegistrationRecord,
  event: EventRecord,
  options: {
    baseUrl: string;
    answerToken?: string;
    waitlistPosition?: number;
    waitlistPositionProvisional?: true;
    now: Date;
  },
) => {
  const { baseUrl, answerToken, waitlistPosition, waitlistPositionProvisional, now } = options;
  const view = registrationView(registration, event, {
    baseUrl,
    token: answerToken,
    waitlistPosition,
    waitlistPositionProvisional,
    now,
  });
  return answerToken
    ? { registration: view, manageUrl: manageUrl(baseUrl, registration.id, answerToken) }
    : { registration: view };
};
