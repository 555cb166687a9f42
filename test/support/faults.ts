import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';

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
