import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

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
 * produce, or watch calls. It runs below the SDK's retry layer, as a network fault would: a
 * throttle or a timeout it throws is retried by the client's strategy (platform/retry.ts), a
 * cancelled transaction is the application's to retry.
 */
export const interceptSend = (
  doc: DynamoDBDocumentClient,
  intercept: (command: Command, send: (command: Command) => Promise<unknown>) => Promise<unknown>,
): DynamoDBDocumentClient => {
  interceptors += 1;
  const name = `intercept-${interceptors}`;
  return new Proxy(doc, {
    get: (target, property, receiver) =>
      property === 'send'
        ? (command: Command) => {
            command.middlewareStack.add(
              (next) => async (args) =>
                (await intercept(command, () => next(args) as Promise<unknown>)) as Awaited<
                  ReturnType<typeof next>
                >,
              { step: 'finalizeRequest', priority: 'low', name, override: true },
            );
            return target.send(command as never);
          }
        : Reflect.get(target, property, receiver),
  });
};
let interceptors = 0;
