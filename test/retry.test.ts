/**
 * The two retry layers (functions/platform/retry.ts): the DynamoDB client's strategy retries
 * throttling and transient errors, never a client error; the stores retry a transaction
 * cancelled by contention, never throttling (the SDK's) nor a failed condition (an answer).
 */
import { describe, expect, it } from 'vitest';
import { dynamoDbRetryStrategy, isTransactionConflict, withRetry } from '../functions/platform/retry.js';
import { namedError, throttling, transactionConflict } from './support/faults.js';

const conditionFailed = () =>
  Object.assign(transactionConflict(2), {
    CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'TransactionConflict' }],
  });

describe('the DynamoDB client’s strategy', () => {
  const retries = async (errorType: 'THROTTLING' | 'TRANSIENT' | 'SERVER_ERROR' | 'CLIENT_ERROR') => {
    const strategy = dynamoDbRetryStrategy({ attempts: 4, baseMs: 10, capMs: 50 });
    let token = await strategy.acquireInitialRetryToken('dynamodb');
    const delays: number[] = [];
    for (;;) {
      try {
        token = await strategy.refreshRetryTokenForRetry(token, { errorType });
      } catch {
        return delays;
      }
      delays.push(token.getRetryDelay());
    }
  };

  it('retries throttling, transient errors and 5xx up to its attempts, with jittered, capped pauses', async () => {
    for (const type of ['THROTTLING', 'TRANSIENT', 'SERVER_ERROR'] as const) {
      const delays = await retries(type);
      expect(delays, type).toHaveLength(3);
      expect(
        delays.every((delay) => delay >= 0 && delay <= 50),
        type,
      ).toBe(true);
    }
  });

  it('never retries a client error: a cancelled transaction or a failed condition is the caller’s', async () => {
    expect(await retries('CLIENT_ERROR')).toEqual([]);
  });
});

describe('the stores’ retry', () => {
  it('retries a transaction cancelled by contention, and nothing the SDK retries or that answers', async () => {
    expect(isTransactionConflict(transactionConflict(3))).toBe(true);
    expect(isTransactionConflict(namedError('TransactionConflictException', 'held'))).toBe(true);
    expect(isTransactionConflict(throttling())).toBe(false);
    expect(isTransactionConflict(namedError('TimeoutError', 'timed out'))).toBe(false);
    expect(isTransactionConflict(conditionFailed())).toBe(false);

    let calls = 0;
    const failing = (error: () => Error) => () =>
      withRetry(
        async () => {
          calls++;
          if (calls < 3) throw error();
          return 'done';
        },
        { sleep: async () => {} },
      );
    calls = 0;
    expect(await failing(() => transactionConflict(1))()).toBe('done');
    expect(calls).toBe(3);
    calls = 0;
    await expect(failing(throttling)()).rejects.toThrow(/Rate of requests/);
    expect(calls).toBe(1);
  });
});
