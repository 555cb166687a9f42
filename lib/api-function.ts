import { Duration, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** Table access a function gets: read-only or read-write (the `access` column of routes.ts). */
export type AccessMode = 'RO' | 'RW';

/** What `bindTable` needs: the table and the names of its indexes (DataTable provides both). */
export interface BindableTable {
  readonly table: dynamodb.ITable;
  readonly indexNames: readonly string[];
}

/** The environment every API function gets; TABLE_NAME is added by `bindTable`. */
export interface ApiFunctionEnvironment {
  /** Origin the pages are served from; manage and calendar links are built on it. */
  readonly PUBLIC_BASE_URL: string;
  readonly [name: string]: string;
}

export interface ApiFunctionProps {
  /** Absolute path of the handler module (exporting `handler`). Handler code is never imported here. */
  readonly entry: string;
  /** Project root: holds package-lock.json, which pins the bundled dependencies (AWS SDK included). */
  readonly projectRoot: string;
  readonly environment: ApiFunctionEnvironment;
  /** What happens to the function's log group when the stack is deleted. */
  readonly logRemovalPolicy: RemovalPolicy;
}

/** Reads: items, queries (table and indexes), transaction condition checks, table metadata. */
const READ_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
];

/**
 * Writes. There is no separate IAM action for TransactWriteItems (or TransactGetItems):
 * each item in a transaction is authorised by PutItem / UpdateItem / DeleteItem /
 * ConditionCheckItem (/ GetItem). See "Using IAM with DynamoDB transactions",
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis-iam.html
 */
const WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
];

/**
 * One API handler: Node.js 22 on ARM64, bundled by esbuild as ESM with the AWS SDK inside
 * (so the SDK version is the one package-lock.json pins, not whatever the runtime ships),
 * its own log group with a retention, and a role that can only write to that log group
 * until `bindTable` grants table access.
 *
 * Bundling runs esbuild at synth time. When bundling is skipped for the stack (context
 * `aws:cdk:bundling-stacks=[]`, as the infra tests and `cdk synth -c aws:cdk:bundling-stacks=[]`
 * do) the code is never built or deployed, so an inline placeholder stands in and the
 * handler file need not exist. `npx cdk synth` / `cdk deploy` bundle the real entry.
 */
export class ApiFunction extends Construct {
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ApiFunctionProps) {
    super(scope, id);

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy,
    });

    // Own role instead of AWSLambdaBasicExecutionRole (a managed policy writing to any
    // log group): this function may write to its own log group and nothing else.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'API function: its own log group, plus the table access bindTable grants',
    });
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );

    const bundlingSkipped = !Stack.of(this).bundlingRequired;

    this.function = new NodejsFunction(this, 'Function', {
      entry: props.entry,
      projectRoot: props.projectRoot,
      depsLockFilePath: `${props.projectRoot}/package-lock.json`,
      ...(bundlingSkipped
        ? {
            code: lambda.Code.fromInline('// placeholder: bundling was skipped for this synth'),
            handler: 'index.handler',
          }
        : {}),
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 512,
      timeout: Duration.seconds(10),
      role: this.role,
      logGroup: this.logGroup,
      environment: {
        ...props.environment,
        // Stack traces point at the TypeScript sources through the bundled source map.
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        format: OutputFormat.ESM,
        // Prefer the ESM build of dependencies that ship both.
        mainFields: ['module', 'main'],
        // CommonJS dependencies bundled into ESM still call require(); give them one.
        banner:
          "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
        minify: true,
        sourceMap: true,
        // Bundle everything, @aws-sdk/* included: the SDK version is ours, not the runtime's.
        externalModules: [],
      },
    });
  }

  /**
   * Grants the table access the function needs and tells it the table name, in the style of
   * the Powertools for AWS Lambda (TypeScript) example app. Actions are listed one by one on
   * the table ARN and on each index ARN by name: never `dynamodb:*`, never a wildcard.
   */
  bindTable(target: BindableTable, options: { accessMode: AccessMode }): void {
    const { table, indexNames } = target;
    this.function.addEnvironment('TABLE_NAME', table.tableName);

    const actions = options.accessMode === 'RW' ? [...READ_ACTIONS, ...WRITE_ACTIONS] : READ_ACTIONS;
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions, resources: [table.tableArn] }));
    // Indexes can only be queried.
    if (indexNames.length > 0) {
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['dynamodb:Query'],
          resources: indexNames.map((name) => `${table.tableArn}/index/${name}`),
        }),
      );
    }
  }
}
