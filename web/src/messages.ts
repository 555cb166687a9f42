import type { Key } from './i18n.js';

/**
 * Field messages from the shared schema and the API are English and technical; the form
 * shows its own, in the visitor's language. `value` tells an empty field from a bad one.
 */
export const fieldMessage = (raw: string, value: unknown): { key: Key; params?: Record<string, string> } => {
  const empty = value === undefined || value === '' || value === false;
  if (raw === 'Required') return { key: 'required' };
  if (raw.startsWith('Consent')) return { key: 'consentRequired' };
  if (raw === 'Not a valid email address') return { key: empty ? 'required' : 'invalidEmail' };
  const tooLong = /^At most (\d+) characters$/.exec(raw);
  if (tooLong?.[1]) return { key: 'tooLong', params: { n: tooLong[1] } };
  if (raw === 'Contains control characters') return { key: 'controlChars' };
  if (raw === 'Not one of the options') return { key: 'notAnOption' };
  return { key: empty ? 'required' : 'invalidValue' };
};
