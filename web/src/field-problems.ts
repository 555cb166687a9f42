import type { core } from 'zod/mini';

/**
 * What is wrong with a field, whatever the language: the event form and the admin editor
 * each show it with their own catalogue. It comes from a zod issue's code and parameters
 * when the page checks the form itself, and from the API's (English) message otherwise.
 */
export type FieldProblem =
  | {
      kind:
        | 'required'
        | 'controlCharacters'
        | 'email'
        /** A box that must be ticked (consent). */
        | 'mustBeTicked'
        | 'notAnOption'
        | 'https'
        | 'dateTime'
        | 'endBeforeStart'
        /** A programme item outside its event's dates. */
        | 'outsideEvent'
        /** A select question without choices. */
        | 'noOptions'
        | 'timeZone'
        /** Not a whole number, or below the minimum (the capacity). */
        | 'wholeNumber'
        | 'invalid';
    }
  | { kind: 'tooLong'; maximum: number };

const problem = (kind: Exclude<FieldProblem['kind'], 'tooLong'>): FieldProblem => ({ kind });

/**
 * Date-time fields: a missing, empty or partial date (`null` from the editor) is not a date
 * either, and the editor says so the same way.
 */
const DATE_TIME_FIELDS = new Set<PropertyKey>([
  'startsAt',
  'endsAt',
  'registrationOpensAt',
  'registrationClosesAt',
]);

/** The checks of the shared schemas (functions/platform/fields.ts), told apart by code and parameters. */
const problemOfIssue = (issue: core.$ZodIssue): FieldProblem => {
  const field = issue.path.at(-1);
  if (field !== undefined && DATE_TIME_FIELDS.has(field)) return problem('dateTime');
  switch (issue.code) {
    case 'invalid_type':
      // `input` is there because the validators parse with `reportInput`.
      if (issue.input === undefined) return problem('required');
      return problem(issue.expected === 'int' ? 'wholeNumber' : 'invalid');
    case 'too_small':
      // Required text is a string of at least one character (after trimming).
      if (issue.origin === 'string' && issue.minimum === 1) return problem('required');
      // A choice question's list of choices, left empty.
      if (issue.origin === 'array' && field === 'options') return problem('noOptions');
      return problem(issue.origin === 'number' ? 'wholeNumber' : 'invalid');
    case 'too_big':
      return issue.origin === 'string'
        ? { kind: 'tooLong', maximum: Number(issue.maximum) }
        : problem('invalid');
    case 'invalid_format':
      if (issue.format === 'email') return problem('email');
      if (issue.format === 'url') return problem('https');
      if (issue.format === 'datetime') return problem('dateTime');
      // Only the https address check also refuses spaces (events/schemas.ts): an address problem.
      if (issue.format === 'regex' && issue.pattern?.includes('\\s')) return problem('https');
      // Every other regex of the shared schemas that refuses control characters names \p{Cc}.
      if (issue.format === 'regex' && issue.pattern?.includes('\\p{Cc}')) return problem('controlCharacters');
      return problem('invalid');
    case 'invalid_value':
      return problem(issue.values.length === 1 && issue.values[0] === true ? 'mustBeTicked' : 'invalid');
    case 'custom': {
      // A refinement names its problem in its parameters; the older ones are told by their field.
      const named = (issue.params as { problem?: string } | undefined)?.problem;
      if (named === 'required' || named === 'https') return problem(named);
      return problem(field === 'timeZone' ? 'timeZone' : field === 'options' ? 'noOptions' : 'invalid');
    }
    default:
      return problem('invalid');
  }
};

/** The first problem per field path (`answers.q1`, `agenda.1.title`), as the API's 400 names them. */
export const problemsOfIssues = (issues: readonly core.$ZodIssue[]): Record<string, FieldProblem> => {
  const problems: Record<string, FieldProblem> = {};
  for (const issue of issues) problems[issue.path.map(String).join('.') || '_'] ??= problemOfIssue(issue);
  return problems;
};

/**
 * The API's 400 answers carry English messages only: the known ones (the shared schemas' and
 * the server's own checks) are read back; anything else is an invalid value.
 */
const SERVER_MESSAGES: [RegExp, Exclude<FieldProblem['kind'], 'tooLong'>][] = [
  [/^Required$/, 'required'],
  [/^Invalid input: expected string, received undefined$/, 'required'],
  [/^Consent/, 'mustBeTicked'],
  [/^Not a valid email address$/, 'email'],
  [/^Contains control characters$/, 'controlCharacters'],
  [/^Not one of the options$/, 'notAnOption'],
  [/^An https:\/\/ address$/, 'https'],
  [/^An ISO 8601/, 'dateTime'],
  [/^Must be after/, 'endBeforeStart'],
  [/^Must be within the event/, 'outsideEvent'],
  [/^A select question needs options$/, 'noOptions'],
  [/^An IANA time zone/, 'timeZone'],
  [/^Too small: expected number/, 'wholeNumber'],
  [/expected int/, 'wholeNumber'],
];

const problemOfServerMessage = (message: string): FieldProblem => {
  const tooLong = /^At most (\d+) characters$/.exec(message);
  if (tooLong) return { kind: 'tooLong', maximum: Number(tooLong[1]) };
  const known = SERVER_MESSAGES.find(([pattern]) => pattern.test(message));
  return problem(known ? known[1] : 'invalid');
};

export const problemsOfServerFields = (fields: Record<string, string>): Record<string, FieldProblem> =>
  Object.fromEntries(
    Object.entries(fields).map(([path, message]) => [path, problemOfServerMessage(message)]),
  );
