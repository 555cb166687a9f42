/**
 * The pages' field errors come from zod issue codes and parameters (web/src/field-problems.ts),
 * never from the English message text: each check of the shared schemas maps to its problem.
 */
import { describe, expect, it } from 'vitest';
import { safeParse } from 'zod/mini';
import { eventCreateInput } from '../functions/events/schemas.js';
import { registrationInput } from '../functions/registrations/schemas.js';
import { type FieldProblem, problemsOfIssues, problemsOfServerFields } from '../web/src/field-problems.js';

const problemsOf = (
  schema: Parameters<typeof safeParse>[0],
  value: unknown,
): Record<string, FieldProblem> => {
  const result = safeParse(schema, value, { reportInput: true });
  return result.success ? {} : problemsOfIssues(result.error.issues);
};

describe('field problems from zod issues', () => {
  it('tells apart a missing field, a long one, control characters, a bad email and an unticked box', () => {
    const problems = problemsOf(registrationInput, {
      name: 'Ada\u0007',
      email: 'not-an-address',
      company: 'x'.repeat(500),
      consent: false,
    });
    expect(problems.name).toEqual({ kind: 'controlCharacters' });
    expect(problems.email).toEqual({ kind: 'email' });
    expect(problems.company).toMatchObject({ kind: 'tooLong' });
    expect(problems.consent).toEqual({ kind: 'mustBeTicked' });
    expect(problemsOf(registrationInput, { email: 'a@example.org', consent: true }).name).toEqual({
      kind: 'required',
    });
  });

  it('reads a join address with a space as an address problem, and a bad date as a date', () => {
    const problems = problemsOf(eventCreateInput, { joinUrl: 'https://x.example/a b', startsAt: 'tomorrow' });
    expect(problems.joinUrl).toEqual({ kind: 'https' });
    expect(problems.startsAt).toEqual({ kind: 'dateTime' });
  });

  it('reads the server’s known messages back, and anything else as an invalid value', () => {
    expect(
      problemsOfServerFields({ name: 'At most 200 characters', email: 'Not a valid email address', x: '?' }),
    ).toEqual({ name: { kind: 'tooLong', maximum: 200 }, email: { kind: 'email' }, x: { kind: 'invalid' } });
  });
});
