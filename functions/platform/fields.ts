import { en } from 'zod/locales';
import * as z from 'zod/mini';

/**
 * Field builders shared by every schema. Browser-safe (the web form validates with the
 * same schemas), and written with `zod/mini`, the same zod as its functional API: a page
 * bundles only the checks it uses (a few KB) instead of the whole method-chaining classic
 * API (~120 KB). Control characters are refused in single-line text so nothing a person
 * types can ever split an email header or a CSV row.
 *
 * Builders, not schemas: every function's bundle carries every schema module (the shared
 * wiring imports all stores), and building a schema is most of the cost of importing them.
 * So the schema modules export `z.lazy` schemas, built by these on first use: a function pays
 * only for the schemas it parses (test/lazy-schemas.test.ts). Each is marked `@__PURE__`:
 * esbuild keeps a call that is handed a function otherwise, and with it zod's schema code in a
 * function that parses nothing.
 */

// zod/mini ships no messages ("Invalid input" for everything); English ones, as classic zod
// loads them, keep every field error of the API the same wherever these schemas run.
z.config(en());

// Also refused: lone surrogates (\p{Cs} matches only unpaired halves under /u), which have no
// UTF-8 and break whatever encodes them later (the table, MIME, a CSV file); and in single-line
// text the bidi overrides and isolates, which nobody types in a name and which make one read
// as another in a list or an email.
//
// Built with the first schema that needs them, as the schemas are: creating a pattern of
// Unicode classes costs V8 0.02 to 0.2 ms, and a function that parses no text needs none.
let patterns: { noControl: RegExp; noControlButNewlines: RegExp; visible: RegExp } | undefined;
const textPatterns = () =>
  (patterns ??= {
    noControl: /^[^\p{Cc}\p{Cs}\u202a-\u202e\u2066-\u2069]*$/u,
    noControlButNewlines: /^(?:[^\p{Cc}\p{Cs}]|[\r\n\t])*$/u,
    /** Something one can see: not only spaces, zero-width or direction marks (format characters). */
    visible: /[^\s\p{Cf}]/u,
  });

export const line = (max: number) =>
  z
    .string()
    .check(
      z.trim(),
      z.maxLength(max, `At most ${max} characters`),
      z.regex(textPatterns().noControl, 'Contains control characters'),
    );

/**
 * Text that must be there, and visible: a name of zero-width or direction marks only reads as
 * nothing in a list or an email. `params.problem` tells the pages which message to show.
 */
export const requiredLine = (max: number) =>
  line(max).check(
    z.minLength(1, 'Required'),
    z.refine((text) => text === '' || textPatterns().visible.test(text), {
      message: 'Required',
      params: { problem: 'required' },
    }),
  );

export const paragraph = (max: number) =>
  z
    .string()
    .check(
      z.maxLength(max, `At most ${max} characters`),
      z.regex(textPatterns().noControlButNewlines, 'Contains control characters'),
    );

export const identifier = () =>
  z.string().check(z.regex(/^[a-z0-9][a-z0-9_-]{1,63}$/i, 'Letters, digits, - and _ only (2 to 64)'));

export const email = () =>
  z.pipe(
    z.string().check(z.trim(), z.maxLength(254, 'At most 254 characters')),
    z.email('Not a valid email address'),
  );

export const instant = () => z.iso.datetime({ offset: true, message: 'An ISO 8601 date-time with offset' });

export const languages = ['fr', 'en'] as const;
export type Language = (typeof languages)[number];
export const language = () => z.enum(languages);
