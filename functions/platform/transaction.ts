import {
  type DynamoDBDocumentClient,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { cancellationCodes } from './retry.js';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * A write transaction whose items carry names (`seat`, `registration`, `nextInLine`...), as in
 * ElectroDB's transactions: when DynamoDB cancels it, the failed conditions come back by name,
 * so no caller decodes the cancellation reasons by position.
 */
export class Transaction {
  private readonly parts: { name: string; item: TransactItem }[] = [];

  /** Adds items under a name; a name may hold several items, or none. */
  add(name: string, ...items: TransactItem[]): this {
    for (const item of items) this.parts.push({ name, item });
    return this;
  }

  get items(): TransactItem[] {
    return this.parts.map((part) => part.item);
  }

  /**
   * Sends it. A transaction cancelled because conditions failed throws `ConditionsFailed`
   * naming them; anything else (a conflict, throttling) is thrown as it came, for the retries.
   */
  async run(db: Pick<DynamoDBDocumentClient, 'send'>): Promise<void> {
    try {
      await db.send(new TransactWriteCommand({ TransactItems: this.items }));
    } catch (error) {
      const codes = cancellationCodes(error);
      const failed = this.parts
        .filter((_, index) => codes?.[index] === 'ConditionalCheckFailed')
        .map((part) => part.name);
      if (failed.length > 0) throw new ConditionsFailed(new Set(failed), error);
      throw error;
    }
  }
}

/** A transaction DynamoDB cancelled because the conditions of these named items failed. */
export class ConditionsFailed extends Error {
  constructor(
    readonly failed: ReadonlySet<string>,
    cause: unknown,
  ) {
    super(`Transaction conditions failed: ${[...failed].join(', ')}`, { cause });
    this.name = 'ConditionsFailed';
  }

  has(name: string): boolean {
    return this.failed.has(name);
  }
}

/** The named conditions that failed, when `error` is a `ConditionsFailed`; nothing otherwise. */
export const failedConditions = (error: unknown): ReadonlySet<string> =>
  error instanceof ConditionsFailed ? error.failed : new Set();
