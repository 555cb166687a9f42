// Must run before the shared schema is built (see zod-setup.ts).
import './zod-setup.js';

import { registrationInput } from '../../functions/registrations/schemas.js';

/**
 * The form's validator, loaded on demand (a separate chunk): the page shows and works
 * before it arrives, and the API checks the same schema anyway.
 */

/** Raw messages by field key (`answers.q1`), first one per field, as the API names them. */
export const registrationErrors = (
  input: unknown,
  requiredQuestions: string[],
  answers: Record<string, unknown>,
): Record<string, string> => {
  const errors: Record<string, string> = {};
  const parsed = registrationInput.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      errors[issue.path.map(String).join('.')] ??= issue.message;
    }
  }
  // Required questions are per event: the API checks them against the event, so does the form.
  for (const id of requiredQuestions) {
    if (answers[id] === undefined) errors[`answers.${id}`] ??= 'Required';
  }
  return errors;
};
