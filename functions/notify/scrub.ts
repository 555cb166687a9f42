/**
 * Errors from a mail provider may quote the recipient ("Email address is not verified: …").
 * Before an error reaches a log line, addresses in its message and stack are masked.
 */
const ADDRESS = /[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g;

export const scrubbed = (error: unknown): Error => {
  const original = error instanceof Error ? error : new Error(String(error));
  const copy = new Error(original.message.replace(ADDRESS, '[address]'));
  copy.name = original.name;
  copy.stack = original.stack?.replace(ADDRESS, '[address]');
  return copy;
};
