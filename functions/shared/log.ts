/**
 * One-line JSON logs for CloudWatch. Only what is passed explicitly is written, and
 * errors are reduced to name, message and stack: request bodies, emails, names and
 * tokens are never handed to the logger.
 */
type Fields = Record<string, unknown>;

const describe = (value: unknown): unknown =>
  value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : value;

const write = (level: 'info' | 'warn' | 'error', message: string, fields: Fields): void => {
  if (process.env.LOG_LEVEL === 'silent') return;
  const entry: Fields = { level, message, time: new Date().toISOString() };
  for (const [key, value] of Object.entries(fields)) entry[key] = describe(value);
  (level === 'error' ? console.error : console.log)(JSON.stringify(entry));
};

export const log = {
  info: (message: string, fields: Fields = {}) => write('info', message, fields),
  warn: (message: string, fields: Fields = {}) => write('warn', message, fields),
  error: (message: string, fields: Fields = {}) => write('error', message, fields),
};
