/**
 * The port every email leaves through. Adapters: Amazon SES v2 (`ses-mailer.ts`) in AWS,
 * the local outbox (`local/outbox.ts`) on one machine. The message is already composed
 * (`compose.ts`): an adapter sends those bytes to that one address and nothing else.
 */

export interface OutgoingMessage {
  /** The one recipient: the envelope, whatever the headers say. */
  to: string;
  /** The whole RFC 5322 message, sent byte for byte. */
  raw: Buffer;
}

export interface Mailer {
  /** Resolves with the adapter's id for the message once accepted; rejects otherwise. */
  send(message: OutgoingMessage): Promise<{ id: string }>;
}

export interface MailSettings {
  /** The address mail is sent from, e.g. `inscriptions@example.org` (SES-verified in AWS). */
  from: string;
  /** SES configuration set (event publishing, suppression), when one is configured. */
  configurationSetName?: string;
}

/**
 * `MAIL_FROM` (required) and `SES_CONFIGURATION_SET` (optional), read when asked: only the
 * functions that send mail need them.
 */
export const mailSettings = (env: NodeJS.ProcessEnv = process.env): MailSettings => {
  const from = env.MAIL_FROM?.trim();
  if (!from) throw new Error('Missing environment variable MAIL_FROM');
  if (!/^[^@\s<>,;"]+@[^@\s<>,;"]+$/.test(from)) throw new Error('MAIL_FROM must be a plain email address');
  const configurationSetName = env.SES_CONFIGURATION_SET?.trim();
  return { from, ...(configurationSetName ? { configurationSetName } : {}) };
};
