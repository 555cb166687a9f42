import * as z from 'zod/mini';
// The English error messages zod/mini is given there, for this schema's errors too.
import '../platform/fields.js';

/**
 * The query of every manage link: its token. Apart from schemas.ts, whose schemas are built
 * when the module loads, so the manage functions bundle the zod checks of this one alone
 * (functions/http/access.ts).
 */
export const manageQuery = z.object({
  token: z.string().check(z.minLength(1, 'Required'), z.maxLength(200)),
});
