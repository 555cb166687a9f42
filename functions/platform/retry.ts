import { type DynamoDBClientConfig, TransactionCanceledException } from '@aws-sdk/client-dynamodb';

/**
 * Retries, in one layer each:
 *
 * - The SDK client retries throttling and transient errors (a timeout, a reset connection, a
 *   5xx) with `dynamoDbRetryStrategy`, configured once where the client is made
 *   (wiring/clients.ts): full-jitter exponential backoff spreads a rush of retries out instead
 *   of re-colliding them.
 * - The application retries what the SDK cannot: a transaction cancelled because another
 *   transaction touched one of its items at the same moment (or an item was throttled), and
 *   a plain write refused because a transaction holds its item (`retrying`, `withRetry`).
 *
 * Condition failures are never retried: they are answers, and the caller decides again.
 */

/** Cancellation reasons that mean "busy", not "no": the transaction may simply be sent again. */
const CONTENTION_REASONS = new Set([
  'TransactionConflict',
  'ThrottlingError',
  'ProvisionedThroughputExceeded',
  'RequestLimitExceeded',
]);
/** A plain write to an item a transaction holds. */
const CONFLICT_ERRORS = new Set(['TransactionConflictException']);
/** What the SDK retries, when its attempts ran out: still busy. */
const BUSY_ERRORS = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'TransactionInProgressException',
]);

/** Why a transaction was cancelled, item by item (`None` for items that were fine); undefined for other errors. */
export const cancellationCodes = (error: unknown): (string | undefined)[] | undefined =>
  error instanceof TransactionCanceledException || nameOf(error) === 'TransactionCanceledException'
    ? ((error as TransactionCanceledException).CancellationReasons ?? []).map((reason) => reason.Code)
    : undefined;

/** A conflict with another transaction: the application's to retry (the SDK never does). */
export const isTransactionConflict = (error: unknown): boolean => {
  const reasons = cancellationCodes(error);
  if (reasons) {
    const codes = reasons.filter((code) => code && code !== 'None');
    // Only when nothing but contention stopped it; a failed condition is an answer.
    return codes.length > 0 && codes.every((code) => CONTENTION_REASONS.has(code ?? ''));
  }
  return CONFLICT_ERRORS.has(nameOf(error));
};

/** Busy, in any way: a conflict, or throttling the SDK's retries did not get through. */
export const isRetryable = (error: unknown): boolean =>
  isTransactionConflict(error) || BUSY_ERRORS.has(nameOf(error));

/** A plain write's condition failed: an answer (the item is not as the write required). */
export const isConditionFailure = (error: unknown): boolean =>
  nameOf(error) === 'ConditionalCheckFailedException';

const nameOf = (error: unknown): string => (error as { name?: string } | null)?.name ?? '';

export interface RetryOptions {
  attempts?: number;
  baseMs?: number;
  capMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Full jitter: a random wait up to an exponentially growing bound. */
const jitteredDelay = (attempt: number, { baseMs = 15, capMs = 1000 }: RetryOptions = {}): number =>
  Math.random() * Math.min(capMs, baseMs * 2 ** attempt);

export const backoff = (attempt: number, options: RetryOptions = {}): Promise<void> =>
  (options.sleep ?? defaultSleep)(jitteredDelay(attempt, options));

export const withRetry = async <T>(operation: () => Promise<T>, options: RetryOptions = {}): Promise<T> => {
  const { attempts = 12 } = options;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (attempt >= attempts || !isTransactionConflict(error)) throw error;
      await backoff(attempt, options);
    }
  }
};

/** The same client, every call retried on conflicts as above. Stores wrap the client they are given. */
export const retrying = <C extends { send: (...args: never[]) => Promise<unknown> }>(client: C): C =>
  new Proxy(client, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver);
      return (...args: Parameters<C['send']>) => withRetry(() => target.send(...args));
    },
  });

/** The SDK's retry strategy interface (v2), as the clients' settings name it. */
export type RetryStrategyV2 = Extract<
  NonNullable<DynamoDBClientConfig['retryStrategy']>,
  { acquireInitialRetryToken: unknown }
>;
type RetryToken = Awaited<ReturnType<RetryStrategyV2['acquireInitialRetryToken']>>;
type RetryErrorType = Parameters<RetryStrategyV2['refreshRetryTokenForRetry']>[1]['errorType'];

const retryToken = (count: number, delayMs: number): RetryToken => ({
  getRetryCount: () => count,
  getRetryDelay: () => delayMs,
});

/**
 * An SDK client's retry strategy: the errors of the kinds `retries` accepts, up to `attempts`
 * tries in all, with the full-jitter backoff above; no retry quota.
 */
export const sdkRetryStrategy = (
  retries: (errorType: RetryErrorType) => boolean,
  options: Omit<RetryOptions, 'sleep'> = {},
): RetryStrategyV2 => {
  const { attempts = 12 } = options;
  return {
    acquireInitialRetryToken: async () => retryToken(0, 0),
    refreshRetryTokenForRetry: async (previous, { errorType }) => {
      const count = previous.getRetryCount() + 1;
      if (!retries(errorType) || count >= attempts) throw new Error('no retry');
      return retryToken(count, jitteredDelay(count, options));
    },
    recordSuccess: () => {},
  };
};

/**
 * The DynamoDB client's retries: throttling, 5xx and transient errors (a timeout or a reset
 * connection, after which a write goes again, as with the SDK's own strategy: a transaction's
 * conditions turn a repeat into a failed condition, never a second seat); never a client error
 * (a cancelled transaction, a failed condition). No retry quota: in a rush, giving up early
 * would only turn seats into errors.
 */
export const dynamoDbRetryStrategy = (options: Omit<RetryOptions, 'sleep'> = {}): RetryStrategyV2 =>
  sdkRetryStrategy((errorType) => errorType !== 'CLIENT_ERROR', options);
