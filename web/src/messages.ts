import type { FieldProblem } from './field-problems.js';
import type { Key } from './i18n.js';

/**
 * The form's message for a field problem, in the visitor's language. `value` tells an empty
 * field from a bad one: an empty email field is missing, not malformed.
 */
export const fieldMessage = (
  problem: FieldProblem,
  value: unknown,
): { key: Key; params?: Record<string, string> } => {
  const empty = value === undefined || value === '' || value === false;
  switch (problem.kind) {
    case 'required':
      return { key: 'required' };
    case 'mustBeTicked':
      return { key: 'consentRequired' };
    case 'email':
      return { key: empty ? 'required' : 'invalidEmail' };
    case 'tooLong':
      return { key: 'tooLong', params: { n: String(problem.maximum) } };
    case 'controlCharacters':
      return { key: 'controlChars' };
    case 'notAnOption':
      return { key: 'notAnOption' };
    default:
      return { key: empty ? 'required' : 'invalidValue' };
  }
};
