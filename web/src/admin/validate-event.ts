// Must run before the shared schemas are built (see ../zod-setup.ts).
import '../zod-setup.js';

import { eventCreateInput, eventUpdateInput } from '../../../functions/events/schemas.js';

/**
 * The editor's validator, the API's own schemas, loaded with the editor (its own chunk).
 * Returns the first message per field path (`agenda.1.title`), as the API's 400 names them.
 */
export const eventErrors = (input: unknown, creating: boolean): Record<string, string> => {
  const parsed = (creating ? eventCreateInput : eventUpdateInput).safeParse(input);
  const errors: Record<string, string> = {};
  if (!parsed.success) {
    for (const issue of parsed.error.issues)
      errors[issue.path.map(String).join('.') || '_'] ??= issue.message;
  }
  return errors;
};
