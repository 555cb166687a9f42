// In AWS: loads the manage token key (the challenge key is derived from it) before the handler can run.
import '../../wiring/token-key.js';
import { issueChallenge } from '../../challenges/model.js';
import { publicEvent } from '../../http/access.js';
import { httpApi, ok } from '../../http/handler.js';
import { services } from '../../wiring/services.js';

/** GET /api/events/{eventId}/challenge — a proof-of-work challenge for registering (ALTCHA's format). */
export const handler = httpApi({}, async (request) => {
  const { event } = await publicEvent(request, { maxAgeMs: 1000 });
  const { challenges, clock } = services();
  return ok(issueChallenge(challenges.key(), event.id, clock()));
});
