import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ses from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import type { AppFunction } from './app-function.js';

export interface MailProps {
  /** The domain mail is sent from; its DKIM records must be published before SES sends. */
  readonly domain: string;
}

/**
 * Amazon SES v2: the domain identity (Easy DKIM) and a configuration set that every message
 * from it uses. The set keeps reputation metrics, suppresses addresses that bounced or
 * complained (so a retry never mails them again) and publishes send, delivery, bounce,
 * complaint and reject counts to CloudWatch for the dashboard.
 */
export class Mail extends Construct {
  readonly identity: ses.EmailIdentity;
  readonly configurationSet: ses.ConfigurationSet;

  constructor(scope: Construct, id: string, props: MailProps) {
    super(scope, id);

    this.configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
      reputationMetrics: true,
      sendingEnabled: true,
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    this.configurationSet.addEventDestination('CloudWatch', {
      destination: ses.EventDestination.cloudWatchDimensions([
        {
          name: 'ses:configuration-set',
          source: ses.CloudWatchDimensionSource.MESSAGE_TAG,
          // SES tags every message with its set's name (an auto-tag); the default never shows.
          defaultValue: 'none',
        },
      ]),
      events: [
        ses.EmailSendingEvent.SEND,
        ses.EmailSendingEvent.DELIVERY,
        ses.EmailSendingEvent.BOUNCE,
        ses.EmailSendingEvent.COMPLAINT,
        ses.EmailSendingEvent.REJECT,
      ],
    });

    this.identity = new ses.EmailIdentity(this, 'Identity', {
      identity: ses.Identity.domain(props.domain),
      // The identity's default set: even a send that names none is tracked and suppressed.
      configurationSet: this.configurationSet,
      dkimSigning: true,
    });
  }

  get configurationSetArn(): string {
    return Stack.of(this).formatArn({
      service: 'ses',
      resource: 'configuration-set',
      resourceName: this.configurationSet.configurationSetName,
    });
  }

  /**
   * Sending through SES v2 `SendEmail` with raw content, as this identity, through this set only.
   * SES authorises the identity and the configuration set as separate resources.
   */
  grantSend(fn: AppFunction): void {
    fn.allow(
      ['ses:SendEmail', 'ses:SendRawEmail'],
      [this.identity.emailIdentityArn, this.configurationSetArn],
    );
  }

  /**
   * The account's reputation as SES reviews it: bounce rate (review at 5 %, sending paused
   * at 10 %) and complaint rate (review at 0.1 %, paused at 0.5 %).
   */
  reputationMetric(name: 'BounceRate' | 'ComplaintRate'): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/SES',
      metricName: `Reputation.${name}`,
      statistic: cloudwatch.Stats.MAXIMUM,
      period: Duration.hours(1),
    });
  }

  /** Events counted by the configuration set's CloudWatch destination. */
  eventMetric(name: 'Send' | 'Delivery' | 'Bounce' | 'Complaint' | 'Reject'): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/SES',
      metricName: name,
      dimensionsMap: { 'ses:configuration-set': this.configurationSet.configurationSetName },
      statistic: cloudwatch.Stats.SUM,
      period: Duration.hours(1),
    });
  }
}
