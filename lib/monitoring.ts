import { Duration, Stack } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { AppFunction } from './app-function.js';
import type { Mail } from './mail.js';

export interface MonitoringProps {
  /** Every function, by a readable name (its construct id). */
  readonly functions: readonly AppFunction[];
  /** The function reading the table stream: its iterator age says how late emails are. */
  readonly streamConsumer: AppFunction;
  /** Queues where failed work ends up; any message in them is an alarm. */
  readonly deadLetterQueues: Readonly<Record<string, sqs.IQueue>>;
  readonly api: apigw.HttpApi;
  readonly mail: Mail;
  /** Where alarms are sent (an SNS email subscription, confirmed by a link). */
  readonly alarmEmail?: string;
}

/** SES reviews an account at 5 % bounces and pauses it at 10 %; alarm at 5 %. */
export const BOUNCE_RATE_THRESHOLD = 0.05;
/** SES reviews at 0.1 % complaints and pauses at 0.5 %; alarm at 0.1 %. */
export const COMPLAINT_RATE_THRESHOLD = 0.001;

/**
 * Alarms on what needs a person: any function error or throttle, any message in a
 * dead-letter queue, API 5xx, emails running late, and the SES reputation rates that get an
 * account's sending paused; all to one SNS topic. Plus one dashboard for the rest.
 */
export class Monitoring extends Construct {
  readonly topic: sns.Topic;
  readonly dashboard: cloudwatch.Dashboard;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);

    this.topic = new sns.Topic(this, 'Alarms', {
      displayName: `Inscriptions alarms (${Stack.of(this).stackName})`,
      enforceSSL: true,
    });
    if (props.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    const notify = new actions.SnsAction(this.topic);

    // One breaching period alarms: each of these is rare enough that one occurrence needs a look.
    const alarm = (
      alarmId: string,
      options: Omit<cloudwatch.AlarmProps, 'evaluationPeriods'> & { evaluationPeriods?: number },
    ) => {
      const created = new cloudwatch.Alarm(this, alarmId, {
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        evaluationPeriods: 1,
        ...options,
      });
      created.addAlarmAction(notify);
      created.addOkAction(notify);
      this.alarms.push(created);
      return created;
    };

    const fiveMinutes = { period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM };
    for (const fn of props.functions) {
      const name = fn.node.id;
      alarm(`${name}Errors`, {
        metric: fn.function.metricErrors(fiveMinutes),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        alarmDescription: `${fn.entry}: invocations failed (crash, timeout, or an error the handler did not turn into a response)`,
      });
      alarm(`${name}Throttles`, {
        metric: fn.function.metricThrottles(fiveMinutes),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        alarmDescription: `${fn.entry}: invocations throttled (account concurrency reached)`,
      });
    }

    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      alarm(`${name}Depth`, {
        metric: queue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(5),
          statistic: cloudwatch.Stats.MAXIMUM,
        }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        alarmDescription: `${name}: work that failed after its retries is waiting to be looked at (see docs/deploy.md)`,
      });
    }

    const api5xx = props.api.metricServerError({
      period: Duration.minutes(5),
      statistic: cloudwatch.Stats.SUM,
    });
    alarm('Api5xx', {
      metric: api5xx,
      threshold: 5,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      alarmDescription: 'The API answered 5xx to five or more requests in five minutes',
    });

    const iteratorAge = new cloudwatch.Metric({
      namespace: 'AWS/Lambda',
      metricName: 'IteratorAge',
      dimensionsMap: { FunctionName: props.streamConsumer.function.functionName },
      statistic: cloudwatch.Stats.MAXIMUM,
      period: Duration.minutes(5),
    });
    alarm('EmailsLate', {
      metric: iteratorAge,
      threshold: Duration.minutes(10).toMilliseconds(),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      alarmDescription: 'Table changes wait more than 10 minutes for their emails (stream iterator age)',
    });

    alarm('SesBounceRate', {
      metric: props.mail.reputationMetric('BounceRate'),
      threshold: BOUNCE_RATE_THRESHOLD,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      alarmDescription: 'SES bounce rate at 5 %: SES reviews the account here and pauses sending at 10 %',
    });
    alarm('SesComplaintRate', {
      metric: props.mail.reputationMetric('ComplaintRate'),
      threshold: COMPLAINT_RATE_THRESHOLD,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      alarmDescription:
        'SES complaint rate at 0.1 %: SES reviews the account here and pauses sending at 0.5 %',
    });

    const perFunction = (metric: (fn: AppFunction) => cloudwatch.IMetric) =>
      props.functions.map((fn) => metric(fn));
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.days(7),
      widgets: [
        [
          new cloudwatch.GraphWidget({
            title: 'API requests and errors',
            left: [props.api.metricCount({ period: Duration.minutes(5) })],
            right: [
              props.api.metricClientError({ period: Duration.minutes(5) }),
              props.api.metricServerError({ period: Duration.minutes(5) }),
            ],
            width: 12,
          }),
          new cloudwatch.GraphWidget({
            title: 'API latency (p50, p99)',
            left: [
              props.api.metricLatency({ period: Duration.minutes(5), statistic: 'p50' }),
              props.api.metricLatency({ period: Duration.minutes(5), statistic: 'p99' }),
            ],
            width: 12,
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Emails: sent, delivered, bounced, complained',
            left: [
              props.mail.eventMetric('Send'),
              props.mail.eventMetric('Delivery'),
              props.mail.eventMetric('Bounce'),
              props.mail.eventMetric('Complaint'),
            ],
            width: 12,
          }),
          new cloudwatch.GraphWidget({
            title: 'Email delay (stream iterator age, ms) and failed work',
            left: [iteratorAge],
            right: Object.entries(props.deadLetterQueues).map(([name, queue]) =>
              queue.metricApproximateNumberOfMessagesVisible({ label: name, period: Duration.minutes(5) }),
            ),
            width: 12,
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Function errors',
            left: perFunction((fn) => fn.function.metricErrors({ label: fn.node.id, ...fiveMinutes })),
            legendPosition: cloudwatch.LegendPosition.RIGHT,
            width: 12,
          }),
          new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 12 }),
        ],
      ],
    });
  }
}
