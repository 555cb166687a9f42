import type { FieldProblem } from '../field-problems.js';
import { type AdminKey, t } from './i18n.js';

/** The admin's own message for a field problem (see field-problems.ts), for every form of the page. */
const PROBLEM_KEYS: Partial<Record<FieldProblem['kind'], AdminKey>> = {
  required: 'vRequired',
  https: 'vHttps',
  dateTime: 'vDate',
  endBeforeStart: 'vEndAfterStart',
  noOptions: 'vOptions',
  controlCharacters: 'vControl',
  timeZone: 'vZone',
  wholeNumber: 'vCapacity',
  outsideEvent: 'vWithinEvent',
};

export const messageOf = (problem: FieldProblem): string =>
  problem.kind === 'tooLong'
    ? t('vTooLong', { n: problem.maximum })
    : t(PROBLEM_KEYS[problem.kind] ?? 'vInvalid');
