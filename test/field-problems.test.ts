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

  it('asks a choice question for its choices, whether the list is empty or missing', () => {
    for (const options of [[], undefined]) {
      const question = { id: 'atelier', label: 'Atelier', type: 'select', required: true, options };
      expect(problemsOf(eventCreateInput, { questions: [question] })['questions.0.options']).toEqual({
        kind: 'noOptions',
      });
    }
  });

  it('reads a join address with a space as an address problem, and a bad date as a date', () => {
    const problems = problemsOf(eventCreateInput, { joinUrl: 'https://x.example/a b', startsAt: 'tomorrow' });
    expect(problems.joinUrl).toEqual({ kind: 'https' });
    expect(problems.startsAt).toEqual({ kind: 'dateTime' });
  });

  it('refuses a name of invisible characters only, and a join address carrying a user name or password', () => {
    for (const name of ['\u200b\u200b', '\u200e\u200f', '\u2060', ' \ufeff ']) {
      expect(
        problemsOf(registrationInput, { name, email: 'a@example.org', consent: true }).name,
        JSON.stringify(name),
      ).toEqual({
        kind: 'required',
      });
    }
    expect(problemsOf(registrationInput, { name: 'Zoë', email: 'a@example.org', consent: true })).toEqual({});
    for (const joinUrl of ['https://user:secret@meet.example/room', 'https://meet.example@evil.example/']) {
      expect(problemsOf(eventCreateInput, { joinUrl }).joinUrl, joinUrl).toEqual({ kind: 'https' });
    }
    expect(problemsOf(eventCreateInput, { joinUrl: 'https://meet.example/room' }).joinUrl).toBeUndefined();
  });

  it('reads the server’s known messages back, and anything else as an invalid value', () => {
    expect(
      problemsOfServerFields({ name: 'At most 200 characters', email: 'Not a valid email address', x: '?' }),
    ).toEqual({ name: { kind: 'tooLong', maximum: 200 }, email: { kind: 'email' }, x: { kind: 'invalid' } });
  });
});
