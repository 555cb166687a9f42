import { Duration, Stack } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { AppFunction } from './app-function.js';
import type { Mail } from './mail.js';

export interface MonitoringProps {
  /** Every function, by a readable name (its construct id): the dashboard's error graph. */
  readonly functions: readonly AppFunction[];
  /**
   * The functions no API request waits on (stream, queue, schedules): their failures reach
   * no 5xx count, so each has its own errors alarm. API functions' failures are API 5xx.
   */
  readonly workers: readonly AppFunction[];
  /** The hourly reconciliation: its summary line carries counter drift and emails owed. */
  readonly reconcile: AppFunction;
  readonly table: dynamodb.ITable;
  /** The API's JSON access log (one line per request, with its status). */
  readonly apiAccessLogs: logs.ILogGroup;
  /** The function reading the table stream: its iterator age says how late emails are. */
  readonly streamConsumer: AppFunction;
  /** Queues where failed work ends up; any message in them is an alarm. */
  readonly deadLetterQueues: Readonly<Record<string, sqs.IQueue>>;
  readonly api: apigw.HttpApi;
  readonly mail: Mail;
  /** Where alarms are sent (an SNS email subscription, confirmed by a link). */
  readonly alarmEmail?: string;
}

/** 429 answers (API Gateway's throttling and our own rate limits) in five minutes that make a surge. */
export const TOO_MANY_REQUESTS_SURGE = 100;

/** The line functions/scheduled/reconcile.ts writes after each run, and the fields read from it. */
export const RECONCILE_SUMMARY = {
  message: 'reconciliation done',
  drifted: 'drifted',
  stuckMailClaims: 'stuckMailClaims',
} as const;

/** SES reviews an account at 5 % bounces and pauses it at 10 %; alarm at 5 %. */
export const BOUNCE_RATE_THRESHOLD = 0.05;
/** SES reviews at 0.1 % complaints and pauses at 0.5 %; alarm at 0.1 %. */
export const COMPLAINT_RATE_THRESHOLD = 0.001;

/**
 * Alarms on what needs a person, all to one SNS topic: API 5xx (an API function's crash or
 * timeout is one too: middy turns every other error into a response), a worker's errors,
 * Lambda throttling, any message in a dead-letter queue, emails running late or owed and not
 * sent, counter drift found by reconciliation, DynamoDB throttling, a surge of 429 answers, and
 * the SES reputation rates that get an account's sending paused. Plus one dashboard.
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
    const atLeast = cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD;
    for (const fn of props.workers) {
      alarm(`${fn.node.id}Errors`, {
        metric: fn.function.metricErrors(fiveMinutes),
        threshold: 1,
        comparisonOperator: atLeast,
        alarmDescription: `${fn.entry}: invocations failed (crash, timeout, or an error it reports for a retry)`,
      });
    }
    // Throttling is the account's concurrency running out, for every function at once: one
    // alarm on Lambda's account-wide metric (no dimension) says it.
    alarm('LambdaThrottles', {
      metric: new cloudwatch.Metric({ namespace: 'AWS/Lambda', metricName: 'Throttles', ...fiveMinutes }),
      threshold: 1,
      comparisonOperator: atLeast,
      alarmDescription:
        'Lambda throttled invocations in this account and region: its concurrency is used up (raise the quota before the next rush)',
    });

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

    // What only the domain knows, from the reconcile function's summary line and the access log.
    const namespace = `Inscriptions/${Stack.of(this).stackName}`;
    /** A metric counted from log lines; `value` is a JSON field of the line, or '1' to count lines. */
    const fromLog = (
      metricName: string,
      options: { logGroup: logs.ILogGroup; pattern: logs.IFilterPattern; value: string; statistic: string },
    ) =>
      new logs.MetricFilter(this, `${metricName}Filter`, {
        logGroup: options.logGroup,
        filterPattern: options.pattern,
        metricNamespace: namespace,
        metricName,
        metricValue: options.value,
        defaultValue: 0,
      }).metric({ period: Duration.minutes(5), statistic: options.statistic });
    const summary = logs.FilterPattern.stringValue('$.message', '=', RECONCILE_SUMMARY.message);
    alarm('CounterDrift', {
      metric: fromLog('CounterDrift', {
        logGroup: props.reconcile.logGroup,
        pattern: summary,
        value: `$.${RECONCILE_SUMMARY.drifted}`,
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: 1,
      comparisonOperator: atLeast,
      alarmDescription:
        'Reconciliation found seat counters that did not match the registrations (it repaired them): look for the cause in the reconcile and API logs',
    });
    alarm('EmailsOwed', {
      metric: fromLog('EmailsOwed', {
        logGroup: props.reconcile.logGroup,
        pattern: summary,
        value: `$.${RECONCILE_SUMMARY.stuckMailClaims}`,
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: 1,
      comparisonOperator: atLeast,
      alarmDescription:
        'Emails claimed for sending more than 15 minutes ago and never recorded as sent (a worker died, or SES gave no answer): check them in SES before resending (docs/deploy.md)',
    });
    alarm('TooManyRequests', {
      metric: fromLog('TooManyRequests', {
        logGroup: props.apiAccessLogs,
        // The access log writes every field as a string (lib/api.ts).
        pattern: logs.FilterPattern.stringValue('$.status', '=', '429'),
        value: '1',
        statistic: cloudwatch.Stats.SUM,
      }),
      threshold: TOO_MANY_REQUESTS_SURGE,
      comparisonOperator: atLeast,
      alarmDescription: `A surge of 429 answers (${TOO_MANY_REQUESTS_SURGE} or more in five minutes): a rush beyond the throttles, or someone hammering the API`,
    });
    const tableThrottles = new cloudwatch.MathExpression({
      label: 'DynamoDB throttled events',
      expression: 'reads + writes',
      usingMetrics: {
        reads: props.table.metric('ReadThrottleEvents', fiveMinutes),
        writes: props.table.metric('WriteThrottleEvents', fiveMinutes),
      },
      period: Duration.minutes(5),
    });
    alarm('TableThrottles', {
      metric: tableThrottles,
      threshold: 1,
      comparisonOperator: atLeast,
      alarmDescription:
        'DynamoDB throttled reads or writes on the table (a burst beyond on-demand headroom, or one hot item): the API retries, and answers 503 busy when it cannot',
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
