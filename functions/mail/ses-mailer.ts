import { SESv2Client, type SESv2ClientConfig, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { sdkRetryStrategy } from '../platform/retry.js';
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

/** How many times SES is asked again after answering that it is throttled. */
const THROTTLED_RETRIES = 3;

/**
 * The SDK may retry only what SES answered "throttled" to: it took nothing, so asking again
 * cannot send twice. A timeout or a reset connection may have sent the message: the SDK gives
 * up at once and the mail ledger (notify/ledger.ts) decides, keeping the claim so that nothing
 * is sent twice. Any other answer goes to the ledger too, which gives the send back for the
 * caller's retry. (The SDK's default strategy would resend after a timeout.)
 */
export const sesRetryStrategy = (baseMs = 100) =>
  sdkRetryStrategy((errorType) => errorType === 'THROTTLING', {
    attempts: THROTTLED_RETRIES + 1,
    baseMs,
    capMs: baseMs * 2 ** THROTTLED_RETRIES,
  });

/** The SES client with that retry rule; tests pass their own request handler. */
export const createSesClient = (config: SESv2ClientConfig = {}): SESv2Client =>
  new SESv2Client({ retryStrategy: sesRetryStrategy(), ...config });

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
