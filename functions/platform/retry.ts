import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';

/**
 * Retries what DynamoDB asks us to retry: transaction conflicts (another transaction
 * touched one of our items at the same moment) and throttling. Full-jitter exponential
 * backoff spreads a rush of retries out instead of re-colliding them. Condition
 * failures are not retried here: they are answers, and the caller decides again.
 */

const RETRYABLE_REASONS = new Set([
  'TransactionConflict',
  'ThrottlingError',
  'ProvisionedThroughputExceeded',
  'RequestLimitExceeded',
]);
const RETRYABLE_ERRORS = new Set([
  'TransactionConflictException',
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'InternalServerError',
  'TransactionInProgressException',
]);

/** Why a transaction was cancelled, item by item (`None` for items that were fine); undefined for other errors. */
export const cancellationCodes = (error: unknown): (string | undefined)[] | undefined =>
  error instanceof TransactionCanceledException || nameOf(error) === 'TransactionCanceledException'
    ? ((error as TransactionCanceledException).CancellationReasons ?? []).map((reason) => reason.Code)
    : undefined;

export const isRetryable = (error: unknown): boolean => {
  const reasons = cancellationCodes(error);
  if (reasons) {
    const codes = reasons.filter((code) => code && code !== 'None');
    // Retry only when nothing but contention stopped it; a failed condition is an answer.
    return codes.length > 0 && codes.every((code) => RETRYABLE_REASONS.has(code ?? ''));
  }
  return RETRYABLE_ERRORS.has(nameOf(error));
};

const nameOf = (error: unknown): string => (error as { name?: string } | null)?.name ?? '';

export interface RetryOptions {
  attempts?: number;
  baseMs?: number;
  capMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Full jitter: a random wait up to an exponentially growing bound. */
export const backoff = (attempt: number, options: RetryOptions = {}): Promise<void> => {
  const { baseMs = 15, capMs = 1000, sleep = defaultSleep } = options;
  return sleep(Math.random() * Math.min(capMs, baseMs * 2 ** attempt));
};

export const withRetry = async <T>(operation: () => Promise<T>, options: RetryOptions = {}): Promise<T> => {
  const { attempts = 12 } = options;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (attempt >= attempts || !isRetryable(error)) throw error;
      await backoff(attempt, options);
    }
  }
};

/** The same client, with every call retried as above. Stores wrap the client they are given. */
export const retrying = <C extends { send: (...args: never[]) => Promise<unknown> }>(client: C): C =>
  new Proxy(client, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver);
      return (...args: Parameters<C['send']>) => withRetry(() => target.send(...args));
    },
  });
