import { z } from 'zod';
import { email, language, line, paragraph, requiredLine } from '../shared/text.js';

/** The public registration form, as the API and the web form both validate it. */
export const registrationInput = z.object({
  name: requiredLine(200),
  email,
  company: line(200).optional(),
  jobTitle: line(200).optional(),
  answers: z
    .record(z.string().max(64), z.union([paragraph(2000), z.boolean()]))
    .refine((answers) => Object.keys(answers).length <= 50, 'Too many answers')
    .optional(),
  consent: z.literal(true, 'Consent is required to register'),
  locale: language.optional(),
  /** Honeypot: people leave it empty, bots fill it in. */
  website: z.string().max(2000).optional(),
});

export type RegistrationInput = z.infer<typeof registrationInput>;

export const registrationStatuses = ['pending_confirmation', 'confirmed', 'waitlisted', 'cancelled'] as const;
export type RegistrationStatus = (typeof registrationStatuses)[number];

export const manageQuery = z.object({ token: z.string().min(1, 'Required').max(200) });

export const registrationListQuery = z.object({
  status: z.enum(registrationStatuses).optional(),
  cursor: z.string().max(2000).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
});
