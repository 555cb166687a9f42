// Must run before the shared schema is built (see zod-setup.ts).
import './zod-setup.js';

import { registrationInput } from '../../functions/registrations/schemas.js';
import { type FieldProblem, problemsOfIssues } from './field-problems.js';

/**
 * The form's validator, loaded on demand (a separate chunk): the page shows and works
 * before it arrives, and the API checks the same schema anyway.
 */

/** Problems by field key (`answers.q1`), first one per field, as the API names them. */
export const registrationErrors = (
  input: unknown,
  requiredQuestions: string[],
  answers: Record<string, unknown>,
): Record<string, FieldProblem> => {
  // `reportInput` keeps each issue's input: a missing value is told from a wrong one.
  const parsed = registrationInput.safeParse(input, { reportInput: true });
  const errors = parsed.success ? {} : problemsOfIssues(parsed.error.issues);
  // Required questions are per event: the API checks them against the event, so does the form.
  for (const id of requiredQuestions) {
    if (!Object.hasOwn(answers, id)) errors[`answers.${id}`] ??= { kind: 'required' };
  }
  return errors;
};
