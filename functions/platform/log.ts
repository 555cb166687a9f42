/**
 * One-line JSON logs for CloudWatch. Only what is passed explicitly is written, and
 * errors are reduced to name, message and stack (read through the bundle's source map,
 * platform/stack-trace.ts): request bodies, emails, names and tokens are never handed to
 * the logger. Redaction is the second wall, for what slips through anyway (an error
 * message quoting an address, a field named carelessly): personal fields are dropped by
 * name, addresses and long tokens are masked in strings.
 */
import { sourceMappedStack } from './stack-trace.js';

type Fields = Record<string, unknown>;

/** Fields that hold personal data or secrets by their name; dropped whole, at any depth. */
const PERSONAL_KEY =
  /^(e-?mail|name|to|from|cc|bcc|reply-?to|recipient|company|job-?title|answers|body|password|authorization|cookie)$|e-?mail|token|secret|password|credential/i;

/**
 * An email address, in any script. Built on the first line logged: creating a pattern of
 * Unicode classes costs V8 about 0.25 ms, at every cold start if built at import, and most
 * containers never log.
 */
let email: RegExp | undefined;
const emailPattern = (): RegExp => (email ??= /[\p{L}\p{N}._%+'-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu);
/**
 * Our manage tokens are 43 base64url characters and hashes at least that; ids are at most
 * 20 and request ids are UUIDs (kept: they are how a log line is traced). Any run of 32 or
 * more such characters is taken for a token.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LONG_TOKEN = /(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{32,}(?![A-Za-z0-9_-])/g;

/** A personal join link's code (`/j/{code}`) is a bearer secret, whatever its length. */
const JOIN_CODE = /\/j\/[^/?#\s"']+/g;

export const redactText = (text: string): string =>
  text
    .replace(emailPattern(), '[email]')
    .replace(JOIN_CODE, '/j/[code]')
    .replace(LONG_TOKEN, (run) => (UUID.test(run) ? run : '[token]'));

const MAX_DEPTH = 6;

/** A copy fit for a log line: personal keys dropped, strings masked, errors reduced. */
export const redact = (value: unknown, depth = 0): unknown => {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[nested]';
  if (value instanceof Error) {
    return {
      name: value.name,
      message: redactText(value.message),
      ...(value.stack ? { stack: redactText(sourceMappedStack(value.stack)) } : {}),
    };
  }
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  const copy: Fields = {};
  for (const [key, item] of Object.entries(value)) {
    if (!PERSONAL_KEY.test(key)) copy[key] = redact(item, depth + 1);
  }
  return copy;
};

const write = (level: 'info' | 'warn' | 'error', message: string, fields: Fields): void => {
  if (process.env.LOG_LEVEL === 'silent') return;
  // The line's own keys first: a field cannot pass itself off as the level or the message.
  const entry: Fields = { level, message: redactText(message), time: new Date().toISOString() };
  for (const [key, value] of Object.entries(redact(fields) as Fields))
    if (!(key in entry)) entry[key] = value;
  (level === 'error' ? console.error : console.log)(JSON.stringify(entry));
};

export const log = {
  info: (message: string, fields: Fields = {}) => write('info', message, fields),
  warn: (message: string, fields: Fields = {}) => write('warn', message, fields),
  error: (message: string, fields: Fields = {}) => write('error', message, fields),
};
