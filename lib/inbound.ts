import { type CfnElement, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sesActions from 'aws-cdk-lib/aws-ses-actions';
import { Construct } from 'constructs';
import { AppFunction } from './app-function.js';
import type { DataTable } from './data-table.js';
import { nagRef, wildcardResourceFinding } from './nag.js';

/** Where SES puts each received message in the bucket (`<prefix><SES message id>`). */
export const INBOUND_PREFIX = 'replies/';
/** Received messages are kept this long: enough to look into one, then gone. */
export const INBOUND_RETENTION_DAYS = 3;
export const INBOUND_ENTRY = 'functions/inbound/ses.ts';
/**
 * Regions that have offered SES email receiving from the start; AWS has added others since, so
 * another region only gets a synth warning (check AWS's list of SES endpoints, docs/deploy.md).
 */
export const SES_RECEIVING_REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1'];

export interface InboundRepliesProps {
  /** The domain calendar answers are sent to (`rsvp+…@<domain>`); its MX points at SES. */
  readonly domain: string;
  /** Whether `domain` is the sending domain, whose identity lib/mail.ts already verifies. */
  readonly verifiedBySending: boolean;
  readonly data: DataTable;
  readonly publicBaseUrl: string;
  readonly grantTokenKey: (fn: AppFunction) => void;
  readonly retain: boolean;
  readonly logRemovalPolicy: RemovalPolicy;
}

/**
 * Calendar answers through SES email receiving (docs/deploy.md, "Calendar replies"): a receipt
 * rule for the reply domain stores each message in a private, encrypted bucket that forgets it
 * after a few days, then invokes the inbound function, which reads that bucket and writes the
 * table, nothing else. SES receives mail only in some regions, and only through the ACTIVE rule
 * set of the account and region: activating this one is a step of its own (docs/deploy.md).
 */
export class InboundReplies extends Construct {
  readonly bucket: s3.Bucket;
  readonly handler: AppFunction;
  readonly ruleSet: ses.ReceiptRuleSet;

  constructor(scope: Construct, id: string, props: InboundRepliesProps) {
    super(scope, id);

    this.bucket = new s3.Bucket(this, 'Messages', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: Duration.days(INBOUND_RETENTION_DAYS) }],
      removalPolicy: props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Only SES writes this bucket and only the inbound function reads it; messages expire within days, and access logs would keep a trace of them longer than the messages themselves.',
    });

    this.handler = new AppFunction(this, 'Handler', {
      entry: INBOUND_ENTRY,
      description:
        'Calendar answers (iTIP REPLY) received by SES: decline frees the seat, accept is recorded',
      environment: {
        PUBLIC_BASE_URL: props.publicBaseUrl,
        REPLY_DOMAIN: props.domain,
        INBOUND_BUCKET: this.bucket.bucketName,
        INBOUND_PREFIX,
      },
      logRemovalPolicy: props.logRemovalPolicy,
      timeout: Duration.seconds(30),
    });
    this.handler.bindTable(props.data, { accessMode: 'RW' });
    this.handler.allow(['s3:GetObject'], [this.bucket.arnForObjects(`${INBOUND_PREFIX}*`)]);
    Validations.of(this.handler.role).acknowledge({
      id: wildcardResourceFinding(
        `${nagRef(this.bucket.node.defaultChild as CfnElement, 'Arn')}/${INBOUND_PREFIX}*`,
      ),
      reason:
        'Objects are named by SES after each message’s id; the grant is reading them, under its prefix, in this bucket.',
    });
    props.grantTokenKey(this.handler);

    if (!props.verifiedBySending) {
      // SES receives only for a verified domain; the sending domain's identity covers itself.
      new ses.EmailIdentity(this, 'Identity', { identity: ses.Identity.domain(props.domain) });
    }

    this.ruleSet = new ses.ReceiptRuleSet(this, 'RuleSet', {
      rules: [
        {
          recipients: [props.domain],
          scanEnabled: true,
          tlsPolicy: ses.TlsPolicy.REQUIRE,
          actions: [
            new sesActions.S3({ bucket: this.bucket, objectKeyPrefix: INBOUND_PREFIX }),
            new sesActions.Lambda({
              function: this.handler.function,
              invocationType: sesActions.LambdaInvocationType.EVENT,
            }),
          ],
        },
      ],
    });
  }
}
