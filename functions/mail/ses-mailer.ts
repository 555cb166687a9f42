import { SESv2Client, type SESv2ClientConfig, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { Mailer } from './mailer.js';

/**
 * The Mailer on Amazon SES v2: the composed message goes as raw content, to the one
 * destination given. Errors are not caught here: the caller's retry and dead-letter
 * queue decide what a failed send becomes.
 */

export interface SesMailerOptions {
  /** Injected in tests; otherwise one client per container, reused across invocations. */
  client?: SESv2Client;
  configurationSetName?: string;
}

/**
 * One attempt, whatever the answer: the mail ledger (notify/ledger.ts) decides what happens
 * next. A refusal (throttled, invalid) gives the claim back for the caller's retry, with its
 * own backoff; a timeout or a reset connection may have sent the message, so the claim stays
 * and the stuck-claim sweep sends it again later. The SDK's default strategy would resend
 * after a timeout, on its own, out of the ledger's sight.
 */
export const createSesClient = (config: SESv2ClientConfig = {}): SESv2Client =>
  new SESv2Client({ maxAttempts: 1, ...config });

let sharedClient: SESv2Client | undefined;

const defaultClient = (): SESv2Client => {
  sharedClient ??= createSesClient();
  return sharedClient;
};

export const createSesMailer = (options: SesMailerOptions = {}): Mailer => {
  const client = options.client ?? defaultClient();
  return {
    async send({ to, raw }) {
      const result = await client.send(
        new SendEmailCommand({
          // The envelope is exactly this address: SES does not take recipients from the headers then.
          Destination: { ToAddresses: [to] },
          Content: { Raw: { Data: raw } },
          ...(options.configurationSetName ? { ConfigurationSetName: options.configurationSetName } : {}),
        }),
      );
      if (!result.MessageId) throw new Error('SES accepted the message but returned no MessageId');
      return { id: result.MessageId };
    },
  };
};
