import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { belowRetries } from '../../scripts/below-retries.js';

/**
 * The errors DynamoDB raises under contention and load, which DynamoDB Local never does:
 * the fault-injection tests throw these from a wrapped client (the only mock on that path).
 */

/** A transaction cancelled because another touched its first item at the same moment. */
export const transactionConflict = (items: number) =>
  new TransactionCanceledException({
    message:
      'Transaction cancelled, please refer cancellation reasons for specific reasons [TransactionConflict]',
    $metadata: {},
    CancellationReasons: Array.from({ length: items }, (_, i) =>
      i === 0
        ? { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' }
        : { Code: 'None' },
    ),
  });

/** An SDK error by its name, as the client reports throttling and timeouts. */
export const namedError = (name: string, message: string) => Object.assign(new Error(message), { name });

export const throttling = () =>
  namedError('ThrottlingException', 'Rate of requests exceeds the allowed throughput.');

/** What a test sees of each call: the command (its input loosely typed) and the real `send`. */
export type Command = Parameters<DynamoDBDocumentClient['send']>[0] & { input: CommandInput };
export interface CommandInput {
  TransactItems?: Record<string, { Key?: Record<string, unknown>; Item?: Record<string, unknown> }>[];
  KeyConditionExpression?: string;
  FilterExpression?: string;
}

/**
 * The same client, every attempt of every `send` going through `intercept`, which may count,
 * fail, or pass the command on with `send`: how tests inject faults DynamoDB Local cannot
 * produce, or watch calls, below the SDK's retry layer (scripts/below-retries.ts).
 */
export const interceptSend = (
  doc: DynamoDBDocumentClient,
  intercept: (command: Command, send: (command: Command) => Promise<unknown>) => Promise<unknown>,
): DynamoDBDocumentClient => {
  interceptors += 1;
  return belowRetries(doc, `intercept-${interceptors}`, (command, forward) =>
    intercept(command as Command, forward),
  );
};
let interceptors = 0;
