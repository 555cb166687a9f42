import { z } from 'zod';

/**
 * Field builders shared by every schema. Browser-safe (the web form validates with the
 * same schemas). Control characters are refused in single-line text so nothing a person
 * types can ever split an email header or a CSV row.
 */

const noControl = /^[^\p{Cc}]*$/u;
const noControlButNewlines = /^(?:[^\p{Cc}]|[\r\n\t])*$/u;

export const line = (max: number) =>
  z.string().trim().max(max, `At most ${max} characters`).regex(noControl, 'Contains control characters');

export const requiredLine = (max: number) => line(max).min(1, 'Required');

export const paragraph = (max: number) =>
  z.string().max(max, `At most ${max} characters`).regex(noControlButNewlines, 'Contains control characters');

export const identifier = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{1,63}$/i, 'Letters, digits, - and _ only (2 to 64)');

export const email = z
  .string()
  .trim()
  .max(254, 'At most 254 characters')
  .pipe(z.email('Not a valid email address'));

export const instant = z.iso.datetime({ offset: true, message: 'An ISO 8601 date-time with offset' });

export const language = z.enum(['fr', 'en']);
export type Language = z.infer<typeof language>;
