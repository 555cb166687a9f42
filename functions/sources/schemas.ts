import * as z from 'zod/mini';
import { line, requiredLine } from '../platform/fields.js';

/**
 * Where a registrant came from (API.md, "Sources and integrations"): the page's `utm_*` and
 * `ref` parameters and the embedding page's address, as the event page and the embed read them.
 * Short single-line texts; unknown keys are dropped, like every object of the API. Built on
 * first use, like every schema (platform/fields.ts).
 */
export const registrationSource = /* @__PURE__ */ z.lazy(() =>
  z.object({
    utm_source: z.optional(line(100)),
    utm_medium: z.optional(line(100)),
    utm_campaign: z.optional(line(100)),
    utm_content: z.optional(line(100)),
    utm_term: z.optional(line(100)),
    ref: z.optional(line(64)),
    /** The embedding page, origin and path only (embed.js drops its query and fragment). */
    referrer: z.optional(line(500)),
  }),
);

export type RegistrationSource = z.infer<typeof registrationSource>;

/** A tracking link the organiser names per channel ("LinkedIn post", "Newsletter décembre"). */
export const trackingLinkInput = /* @__PURE__ */ z.lazy(() =>
  z.object({
    label: requiredLine(100),
    utm_source: requiredLine(100),
    utm_medium: z.optional(line(100)),
    utm_campaign: z.optional(line(100)),
  }),
);

export type TrackingLinkInput = z.infer<typeof trackingLinkInput>;
