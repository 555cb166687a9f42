import { AppError } from '../platform/errors.js';
import { type ChallengeRefusal, checkSolution } from './model.js';
import type { SpentChallenges } from './ports.js';

/** What issuing and taking challenges needs: the key they are signed with, the spent ones. */
export interface ChallengeSettings {
  key: () => string;
  spent: SpentChallenges;
}

/** Takes a solution once, for its event, before it expires; 400 `challenge_required` otherwise. */
export const redeemChallenge = async (
  { key, spent }: ChallengeSettings,
  payload: string | undefined,
  eventId: string,
  now: Date,
): Promise<void> => {
  const checked = checkSolution(key(), payload, eventId, now);
  const refused: ChallengeRefusal | undefined =
    'refused' in checked
      ? checked.refused
      : (await spent.spend(checked.challenge, checked.expires))
        ? undefined
        : 'already used';
  if (refused)
    throw new AppError('challenge_required', `This event asks for a solved challenge (${refused})`);
};
