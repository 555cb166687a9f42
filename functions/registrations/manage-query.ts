import * as z from 'zod/mini';
// The English error messages zod/mini is given there, for this schema's errors too.
import '../platform/fields.js';

/**
 * The query of every manage link: its token (functions/http/access.ts). Built on first use, like
 * every schema (platform/fields.ts).
 */
export const manageQuery = /* @__PURE__ */ z.lazy(() =>
  z.object({
    token: z.string().check(z.minLength(1, 'Required'), z.maxLength(200)),
  }),
);
