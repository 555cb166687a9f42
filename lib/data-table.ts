import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { indexList, type KeyType, tableSchema } from '../functions/platform/table.js';

export interface DataTableProps {
  /**
   * Keep the table and its data: RETAIN on stack deletion plus DynamoDB deletion
   * protection (prod). When false the table goes with the stack (dev).
   */
  readonly retain: boolean;
  /**
   * Use this existing table instead of creating one: a point-in-time restore of the stack's own
   * table (docs/deploy.md). The stack then neither creates nor deletes a table; the one it had
   * before is left as it is (prod retains it).
   */
  readonly restored?: { readonly name: string; readonly streamArn: string };
}

const attributeType = (type: KeyType): dynamodb.AttributeType =>
  type === 'N' ? dynamodb.AttributeType.NUMBER : dynamodb.AttributeType.STRING;

/**
 * The single table, built from `tableSchema` (functions/platform/table.ts) so the keys,
 * indexes and TTL attribute are the same ones the handlers and the local runtime use.
 * No table name is set: CloudFormation names it and the functions get it from the environment.
 */
export class DataTable extends Construct {
  readonly table: dynamodb.ITable;

  constructor(scope: Construct, id: string, props: DataTableProps) {
    super(scope, id);

    if (props.restored) {
      this.table = dynamodb.Table.fromTableAttributes(this, 'Restored', {
        tableName: props.restored.name,
        tableStreamArn: props.restored.streamArn,
        globalIndexes: indexList.map((index) => index.name),
      });
      return;
    }

    // The construct id 'Table' (and so the logical id) must never change: CloudFormation would
    // replace the table, and its data with it. test/infra-safety.test.ts pins it.
    const table = new dynamodb.Table(this, 'Table', {
      partitionKey: {
        name: tableSchema.partitionKey.name,
        type: attributeType(tableSchema.partitionKey.type),
      },
      sortKey: { name: tableSchema.sortKey.name, type: attributeType(tableSchema.sortKey.type) },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // The outbox: the notify function (later issue) reads state changes from the stream.
      stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
      // Personal-data purge.
      timeToLiveAttribute: tableSchema.timeToLiveAttribute,
      deletionProtection: props.retain,
      removalPolicy: props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });

    for (const index of indexList) {
      table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey.name, type: attributeType(index.partitionKey.type) },
        sortKey: { name: index.sortKey.name, type: attributeType(index.sortKey.type) },
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }
    this.table = table;
  }

  /** Index names, for grants that name each index instead of a wildcard. */
  get indexNames(): string[] {
    return indexList.map((index) => index.name);
  }
}
