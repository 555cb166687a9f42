import * as z from 'zod/mini';
import { identifier } from '../platform/fields.js';
import { webhookEventTypes } from './event-types.js';

/**
 * Admin input for webhooks. Browser-safe: the admin page validates with it too. Built on first
 * use, like every schema (platform/fields.ts).
 */
export const webhookCreateInput = /* @__PURE__ */ z.lazy(() =>
  z.object({
    url: z.string().check(
      z.minLength(1, 'Required'),
      z.maxLength(2000, 'At most 2000 characters'),
      // Kept as given: no spaces, control characters or lone surrogates to store or send.
      z.regex(/^[^\s\p{Cc}\p{Cs}]*$/u, 'An address without spaces or control characters'),
    ),
    events: z.array(z.enum(webhookEventTypes)).check(
      z.minLength(1, 'Choose at least one event type'),
      z.maxLength(webhookEventTypes.length, 'Each event type once'),
      z.refine((types) => new Set(types).size === types.length, 'Each event type once'),
    ),
    organiserId: z.optional(identifier()),
  }),
);
export type WebhookCreateInput = z.infer<typeof webhookCreateInput>;
