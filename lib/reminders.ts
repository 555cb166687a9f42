import { type RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { AppFunction, type BindableTable } from './app-function.js';
import { nagRef, wildcardResourceFinding } from './nag.js';

export interface RemindersProps {
  readonly data: BindableTable;
  /** The fan-out queue the remind function hands reminder jobs to. */
  readonly queue: sqs.IQueue;
  readonly logRemovalPolicy: RemovalPolicy;
}

/**
 * Reminders: the `remind` function, the EventBridge Scheduler group the notify function keeps
 * one one-time schedule per event and window in, and the role those schedules use to invoke
 * `remind` (and nothing else).
 */
export class Reminders extends Construct {
  readonly group: scheduler.CfnScheduleGroup;
  readonly remind: AppFunction;
  readonly schedulerRole: iam.Role;

  constructor(scope: Construct, id: string, props: RemindersProps) {
    super(scope, id);
    const stack = Stack.of(this);

    // No name: CloudFormation makes a unique one, which the notify function gets as SCHEDULE_GROUP.
    this.group = new scheduler.CfnScheduleGroup(this, 'Group');

    this.remind = new AppFunction(this, 'Remind', {
      entry: 'functions/scheduled/remind.ts',
      description: 'EventBridge Scheduler target: a due reminder becomes a fan-out job',
      environment: { QUEUE_URL: props.queue.queueUrl },
      logRemovalPolicy: props.logRemovalPolicy,
    });
    // It reads the event (GetItem/Query) and queues a job: no table writes, no mail, no token key.
    this.remind.bindTable(props.data, { accessMode: 'RO' });
    this.remind.allow(['sqs:SendMessage'], [props.queue.queueArn]);

    // Only EventBridge Scheduler, only for schedules of this account's group (confused deputy guard).
    this.schedulerRole = new iam.Role(this, 'SchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnEquals: { 'aws:SourceArn': this.group.attrArn },
        },
      }),
      description: 'Reminder schedules: invoke the remind function, nothing else',
    });
    this.schedulerRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [this.remind.function.functionArn],
      }),
    );
  }

  /** Schedules of this group only: `schedule/<group>/<name>`, one per event and window. */
  get scheduleArnPattern(): string {
    return Stack.of(this).formatArn({
      service: 'scheduler',
      resource: 'schedule',
      resourceName: `${this.group.ref}/*`,
    });
  }

  /**
   * What the notify function needs to keep an event's reminders in step: create, update and
   * delete schedules in this group only, and hand them the scheduler role (to Scheduler only).
   */
  grantManageSchedules(fn: AppFunction): void {
    fn.allow(
      ['scheduler:CreateSchedule', 'scheduler:UpdateSchedule', 'scheduler:DeleteSchedule'],
      [this.scheduleArnPattern],
    );
    Validations.of(fn.role).acknowledge({
      id: wildcardResourceFinding(
        `arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/${nagRef(this.group)}/*`,
      ),
      reason:
        'Schedules are named per event and window at run time; the grant stops at this stack’s schedule group.',
    });
    fn.allow(['iam:PassRole'], [this.schedulerRole.roleArn], {
      StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' },
    });
    fn.function.addEnvironment('SCHEDULE_GROUP', this.group.ref);
    fn.function.addEnvironment('REMIND_FUNCTION_ARN', this.remind.function.functionArn);
    fn.function.addEnvironment('SCHEDULER_ROLE_ARN', this.schedulerRole.roleArn);
  }
}
