// Must run before the shared schemas are built (see ../zod-setup.ts).
import '../zod-setup.js';

import { eventCreateInput, eventUpdateInput } from '../../../functions/events/schemas.js';
import { type FieldProblem, problemsOfIssues } from '../field-problems.js';

/**
 * The editor's validator, the API's own schemas, loaded with the editor (its own chunk).
 * Returns the first problem per field path (`agenda.1.title`), as the API's 400 names them.
 */
export const eventErrors = (input: unknown, creating: boolean): Record<string, FieldProblem> => {
  // `reportInput` keeps each issue's input: a missing value is told from a wrong one.
  const parsed = (creating ? eventCreateInput : eventUpdateInput).safeParse(input, { reportInput: true });
  return parsed.success ? {} : problemsOfIssues(parsed.error.issues);
};
