// In AWS: loads the manage token key (reply addresses are tagged with a key derived from it).
import '../wiring/token-key.js';
import type { SESEvent } from 'aws-lambda';
import { log } from '../platform/log.js';
import { services } from '../wiring/services.js';
import { MAX_INBOUND_BYTES } from './parse.js';
import { receiveCalendarAnswer } from './receive.js';
import { getObject } from './s3-object.js';

/**
 * SES email receiving (lib/inbound.ts): the receipt rule stores the message in the bucket, then
 * invokes this function with its id and envelope. The message is read from the bucket and
 * handed to the same code as POST /local/inbound. A message SES found a virus in is dropped.
 * A read that fails throws: Lambda's asynchronous retries try it again, and acting twice on one
 * answer changes nothing (functions/registrations/rsvp.ts).
 */
export const handler = async (event: SESEvent): Promise<void> => {
  const bucket = process.env.INBOUND_BUCKET ?? '';
  const prefix = process.env.INBOUND_PREFIX ?? '';
  const region = process.env.AWS_REGION ?? '';
  for (const record of event.Records) {
    const { mail, receipt } = record.ses;
    if (receipt.virusVerdict.status === 'FAIL') {
      log.warn('calendar answer dropped', { reason: 'virus' });
      continue;
    }
    const raw = await getObject({ bucket, key: `${prefix}${mail.messageId}`, region }, MAX_INBOUND_BYTES);
    if (!raw) {
      log.warn('calendar answer dropped', { reason: 'too_large' });
      continue;
    }
    await receiveCalendarAnswer(services(), raw, receipt.recipients);
  }
};
