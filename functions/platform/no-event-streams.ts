/**
 * Stands in for `@smithy/core/event-streams` in the Lambda bundles (lib/bundling.ts). The SDK's
 * protocol code imports it lazily for operations that stream events (Bedrock, Transcribe, S3
 * Select...); none of the services these functions call (DynamoDB, SES, SQS, Secrets Manager,
 * EventBridge Scheduler) has one, yet a bundle would carry it: 19 KB less in every function.
 * Should an operation ever need it, it fails loudly here rather than silently.
 */
const unused = (): never => {
  throw new Error('Event streams are not bundled: no operation of these functions uses them');
};

export class EventStreamSerde {
  constructor() {
    unused();
  }
}

export const eventStreamSerdeProvider = unused;
