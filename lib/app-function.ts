import { fileURLToPath } from 'node:url';
import { Duration, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { lambdaBundling } from './bundling.js';

/** The project root, where routes.ts entry paths start (independent of the current directory). */
export const projectRoot = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');

/** `functions/api/admin/listEvents.ts` -> `ApiAdminListEvents`: stable, readable construct ids. */
export const functionIdFor = (entry: string): string =>
  entry
    .replace(/^functions\//, '')
    .replace(/\.[cm]?[jt]s$/, '')
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part.length > 0)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');

/** Table access a function gets: read-only or read-write (the `access` column of routes.ts). */
export type AccessMode = 'RO' | 'RW';

/** What `bindTable` needs: the table and the names of its indexes (DataTable provides both). */
export interface BindableTable {
  readonly table: dynamodb.ITable;
  readonly indexNames: readonly string[];
}

export interface AppFunctionProps {
  /** Handler module relative to the project root (exporting `handler`). Handler code is never imported here. */
  readonly entry: string;
  /** Environment from the typed settings the handler reads (functions/wiring/config.ts); TABLE_NAME comes from `bindTable`. */
  readonly environment: Readonly<Record<string, string>>;
  /** What happens to the function's log group when the stack is deleted. */
  readonly logRemovalPolicy: RemovalPolicy;
  readonly description?: string;
  /** @default 512 MB: API handlers are I/O bound; 512 gives the CPU share that keeps cold starts short. */
  readonly memorySize?: number;
  /** @default 10 s: an API request (API Gateway gives up at 30 s). Workers set their own. */
  readonly timeout?: Duration;
  /** Project files the handler reads at run time, copied next to index.mjs under their own names. */
  readonly files?: readonly string[];
}

/** Reads: items, queries (table and indexes), transaction condition checks, table metadata. */
export const READ_ACTIONS = [
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
export const WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
];

/**
 * One Lambda function of the system (API handler, stream consumer, queue worker, schedule
 * target): Node.js 24 on ARM64, bundled by esbuild as ESM with the AWS SDK inside (so the SDK
 * version is the one package-lock.json pins, not whatever the runtime ships; the options are
 * lib/bundling.ts, shared with the bench), its own log
 * group with a retention, and a role that can only write to that log group until grants add
 * exactly what the handler calls.
 *
 * Bundling runs esbuild at synth time. When bundling is skipped for the stack (context
 * `aws:cdk:bundling-stacks=[]`, which `-c bundling=false` sets in bin/app.ts and the infra
 * tests set directly) the code is never built or deployed, so an inline placeholder stands in
 * and the handler file need not exist. `npx cdk synth` / `cdk deploy` bundle the real entry.
 */
export class AppFunction extends Construct {
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  /** The handler module, relative to the project root. */
  readonly entry: string;

  constructor(scope: Construct, id: string, props: AppFunctionProps) {
    super(scope, id);
    this.entry = props.entry;

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy,
    });

    // Own role instead of AWSLambdaBasicExecutionRole (a managed policy writing to any
    // log group): this function may write to its own log group and nothing else.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.entry}: its own log group, plus the grants the stack adds`,
    });
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );

    const bundlingSkipped = !Stack.of(this).bundlingRequired;

    this.function = new NodejsFunction(this, 'Function', {
      entry: `${projectRoot}/${props.entry}`,
      projectRoot,
      depsLockFilePath: `${projectRoot}/package-lock.json`,
      ...(bundlingSkipped
        ? {
            code: lambda.Code.fromInline('// placeholder: bundling was skipped for this synth'),
            handler: 'index.handler',
          }
        : {}),
      ...(props.description ? { description: props.description } : {}),
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      role: this.role,
      logGroup: this.logGroup,
      // No NODE_OPTIONS=--enable-source-maps: it costs every cold start about a quarter of its
      // CPU. The logger reads a logged error's trace through the map instead, on first use
      // (functions/platform/stack-trace.ts).
      environment: props.environment,
      // The options live in lib/bundling.ts, which the bench builds with too.
      bundling: {
        format: lambdaBundling.format === 'esm' ? OutputFormat.ESM : OutputFormat.CJS,
        target: lambdaBundling.target,
        mainFields: [...lambdaBundling.mainFields],
        banner: lambdaBundling.banner,
        minify: lambdaBundling.minify,
        sourceMap: lambdaBundling.sourcemap,
        sourcesContent: lambdaBundling.sourcesContent,
        externalModules: [...lambdaBundling.external],
        // No `alias` prop in NodejsFunction: esbuild's CLI flag, `--alias:<package>=<path>`.
        esbuildArgs: {
          '--alias': Object.entries(lambdaBundling.alias).map(([from, to]) => `${from}=${to}`),
        },
        ...(props.files?.length
          ? {
              commandHooks: {
                beforeBundling: () => [],
                beforeInstall: () => [],
                afterBundling: (inputDir: string, outputDir: string) =>
                  (props.files ?? []).map((file) => `cp "${inputDir}/${file}" "${outputDir}/"`),
              },
            }
          : {}),
      },
    });

    // Node.js 24 is Lambda's latest runtime: cdk-nag's AwsSolutions-L1 has nothing to say.
  }

  /** One explicit statement on this function's role: named actions on named resources. */
  allow(actions: readonly string[], resources: readonly string[], conditions?: iam.Conditions): void {
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [...actions],
        resources: [...resources],
        ...(conditions ? { conditions } : {}),
      }),
    );
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
    this.allow(actions, [table.tableArn]);
    // Indexes can only be queried.
    if (indexNames.length > 0) {
      this.allow(
        ['dynamodb:Query'],
        indexNames.map((name) => `${table.tableArn}/index/${name}`),
      );
    }
  }
}
