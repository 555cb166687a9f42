import * as z from 'zod/mini';
import { email, language, line, paragraph, requiredLine } from '../platform/fields.js';
import { registrationSource } from '../sources/schemas.js';

/**
 * The public registration form, as the API and the web form both validate it (zod/mini: see
 * text.ts). Built on first use, like every schema (platform/fields.ts).
 */
export const registrationInput = /* @__PURE__ */ z.lazy(() =>
  z.object({
    name: requiredLine(200),
    email: email(),
    company: z.optional(line(200)),
    jobTitle: z.optional(line(200)),
    answers: z.optional(
      z
        .record(z.string().check(z.maxLength(64)), z.union([paragraph(2000), z.boolean()]))
        .check(z.refine((answers) => Object.keys(answers).length <= 50, 'Too many answers')),
    ),
    consent: z.literal(true, 'Consent is required to register'),
    locale: z.optional(language()),
    /** Honeypot: people leave it empty, bots fill it in. */
    website: z.optional(z.string().check(z.maxLength(2000))),
    /** A solved challenge (functions/challenges/), when the event asks for one; about 400 characters. */
    challenge: z.optional(z.string().check(z.maxLength(1000))),
    /** Where the person came from (functions/sources/): the page's utm/ref parameters, the embedding page. */
    source: z.optional(registrationSource),
    /** The event's optional marketing consent box, ticked; never required. */
    marketingConsent: z.optional(z.boolean()),
  }),
);

export type RegistrationInput = z.infer<typeof registrationInput>;

export const registrationStatuses = ['pending_confirmation', 'confirmed', 'waitlisted', 'cancelled'] as const;
export type RegistrationStatus = (typeof registrationStatuses)[number];

/** A check-in code as scanned at the door (registrations/attendance-code.ts); its shape is checked there. */
export const checkInCodeInput = /* @__PURE__ */ z.lazy(() =>
  z.object({
    code: z.string().check(z.minLength(1, 'Required'), z.maxLength(200)),
  }),
);

export const registrationListQuery = /* @__PURE__ */ z.lazy(() =>
  z.object({
    status: z.optional(z.enum(registrationStatuses)),
    /** Name, email or company, any case or accent (functions/registrations/listing.ts). */
    q: z.optional(z.string().check(z.maxLength(200))),
    sort: z._default(z.enum(['newest', 'oldest', 'name']), 'newest'),
    cursor: z.optional(z.string().check(z.maxLength(2000))),
    limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(200)), 50),
  }),
);

/** `lang` picks the CSV's separator, titles and statuses; without it, the event's language. */
export const registrationExportQuery = /* @__PURE__ */ z.lazy(() =>
  z.object({ lang: z.optional(language()) }),
);
