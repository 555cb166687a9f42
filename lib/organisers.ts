import { type RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { organiserKey } from '../functions/platform/keys.js';
import { BASIC_EXECUTION_ROLE_FINDING } from './nag.js';
import type { OrganiserSettings } from './stage.js';

export interface OrganisersProps {
  readonly table: dynamodb.ITable;
  readonly organisers: readonly OrganiserSettings[];
  readonly logRemovalPolicy: RemovalPolicy;
}

/**
 * The organiser records (`ORGS` / `ORG#{id}`: name and reply-to address) the pages, the
 * calendar and every email read, written at deploy time from the same `organisers` context
 * that makes the Cognito groups, so a group never lacks its organiser. Each record is one
 * `PutItem` on create and on update; removing an organiser from the context leaves its record
 * (past events and registrations still name it).
 */
export class Organisers extends Construct {
  readonly records = new Map<string, cr.AwsCustomResource>();

  constructor(scope: Construct, id: string, props: OrganisersProps) {
    super(scope, id);

    // One log group for the shared custom resource function, with a retention.
    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy,
    });

    for (const organiser of props.organisers) {
      const key = organiserKey(organiser.id);
      const putItem: cr.AwsSdkCall = {
        service: 'DynamoDB',
        action: 'putItem',
        parameters: {
          TableName: props.table.tableName,
          Item: {
            pk: { S: key.pk },
            sk: { S: key.sk },
            id: { S: organiser.id },
            name: { S: organiser.name },
            replyTo: { S: organiser.replyTo },
          },
        },
        physicalResourceId: cr.PhysicalResourceId.of(`organiser-${organiser.id}`),
      };
      const record = new cr.AwsCustomResource(this, `Organiser-${organiser.id}`, {
        resourceType: 'Custom::OrganiserRecord',
        onCreate: putItem,
        onUpdate: putItem,
        // PutItem on this table and nothing else.
        policy: cr.AwsCustomResourcePolicy.fromStatements([
          new iam.PolicyStatement({ actions: ['dynamodb:PutItem'], resources: [props.table.tableArn] }),
        ]),
        // The SDK bundled with the runtime does PutItem; no npm install at deploy time.
        installLatestAwsSdk: false,
        logGroup,
      });
      this.records.set(organiser.id, record);
    }
  }

  /**
   * Acknowledges the finding on the custom resource function CDK shares across the stack
   * (it lives at the stack's root, outside this construct).
   */
  static acknowledgeProvider(scope: Construct): void {
    const provider = scope.node.tryFindChild(PROVIDER_ID);
    if (!provider) return;
    Validations.of(provider).acknowledge({
      id: BASIC_EXECUTION_ROLE_FINDING,
      reason:
        'CDK’s AwsCustomResource function writes its logs through AWSLambdaBasicExecutionRole; its only other permission is PutItem on the table.',
    });
  }
}

/** The id CDK gives AwsCustomResource's singleton function (fixed in aws-cdk-lib). */
const PROVIDER_ID = 'AWS679f53fac002430cb0da5b7982bd2287';
