import { createHash } from 'node:crypto';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { AppError } from './errors.js';
import { isConditionFailure, retrying } from './retry.js';
import { tableSchema } from './table.js';

/**
 * Fixed-window counters in the table, so a limit holds across Lambda containers: one item
 * per subject and window (`pk = RATE#<scope>#<hash>`, `sk = W#<window start>`), counted with
 * a conditional ADD that stops at the limit, and gone by TTL after the window. Subjects are
 * hashed: no IP address or id is stored as such.
 */

export interface RateRule {
  /** Failures allowed per window; the next request is refused until the window ends. */
  limit: number;
  windowSeconds: number;
  /** What the 429 says. */
  refusal: string;
}

/**
 * Registrations per client: enough for someone registering a dozen colleagues from one office,
 * far too few to fill an event with made-up addresses.
 */
export const REGISTRATIONS_PER_CLIENT: RateRule = {
  limit: 30,
  windowSeconds: 10 * 60,
  refusal: 'Too many registrations from this address; please try again later',
};

/**
 * Registrations per client for one event, under the per-client limit: 15 in ten minutes lets
 * someone register a dozen colleagues (and a few typos) from one office address, and holds a
 * script registering made-up addresses for one event to 90 an hour from one address.
 */
export const REGISTRATIONS_PER_CLIENT_PER_EVENT: RateRule = {
  limit: 15,
  windowSeconds: 10 * 60,
  refusal: 'Too many registrations for this event from this address; please try again later',
};

/**
 * Registrations of one email address for one event, from any client: a register/cancel cycle
 * sends that address two emails, so this bounds what someone cycling a stranger's address from
 * many clients can send it (8 emails an hour per event), while a person who cancels by mistake
 * still registers again.
 */
export const REGISTRATIONS_PER_ADDRESS_PER_EVENT: RateRule = {
  limit: 4,
  windowSeconds: 60 * 60,
  refusal:
    'This email address has been registered for this event several times in the last hour; please try again later',
};

/** Bad manage tokens: 10 per 15 minutes, per registration and per client. */
export const BAD_MANAGE_TOKENS: RateRule = {
  limit: 10,
  windowSeconds: 15 * 60,
  refusal: 'Too many attempts with a wrong link; please try again later',
};

/** What a limiter counts: a subject under the limiter's own rule, or under a rule of its own. */
export type RateSubject = string | { subject: string; rule: RateRule };

export class RateLimitedError extends AppError {
  constructor(
    readonly retryAfterSeconds: number,
    message = 'Too many requests; please try again later',
  ) {
    super('rate_limited', message);
  }
}

const subjectHash = (subject: string): string =>
  createHash('sha256').update(subject).digest('base64url').slice(0, 32);

export const rateKey = (scope: string, subject: string, windowStart: number) => ({
  pk: `RATE#${scope}#${subjectHash(subject)}`,
  sk: `W#${windowStart}`,
});

export class RateLimiter {
  private readonly db: DynamoDBDocumentClient;

  constructor(
    db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly scope: string,
    private readonly rule: RateRule,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.db = retrying(db);
  }

  private window(rule = this.rule) {
    const nowSeconds = this.clock().getTime() / 1000;
    const start = Math.floor(nowSeconds / rule.windowSeconds) * rule.windowSeconds;
    const end = start + rule.windowSeconds;
    return { start, end, retryAfter: Math.max(1, Math.ceil(end - nowSeconds)) };
  }

  /** Refuses (429) when any of the subjects has used up its allowance in this window. */
  async assertAllowed(subjects: readonly string[]): Promise<void> {
    const { start, retryAfter } = this.window();
    const counts = await Promise.all(
      subjects.map(async (subject) => {
        const { Item } = await this.db.send(
          new GetCommand({
            TableName: this.tableName,
            Key: rateKey(this.scope, subject, start),
            ConsistentRead: true,
          }),
        );
        return Number(Item?.count ?? 0);
      }),
    );
    if (counts.some((count) => count >= this.rule.limit))
      throw new RateLimitedError(retryAfter, this.rule.refusal);
  }

  /**
   * Counts one use (a registration, a bad token) against each subject, each under its rule. The
   * ADD only applies below the limit, so concurrent uses never count past it, and one that finds
   * an allowance used up is refused (429) like the ones after it, with the longest wait of the
   * rules it ran into.
   */
  async take(subjects: readonly RateSubject[]): Promise<void> {
    const counted = subjects.map((subject) =>
      typeof subject === 'string' ? { subject, rule: this.rule } : subject,
    );
    const results = await Promise.allSettled(
      counted.map(({ subject, rule }) => {
        const { start, end } = this.window(rule);
        return this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: rateKey(this.scope, subject, start),
            UpdateExpression: 'ADD #count :one SET #expiresAt = :expiresAt',
            ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
            ExpressionAttributeNames: { '#count': 'count', '#expiresAt': tableSchema.timeToLiveAttribute },
            // A minute past the window: TTL deletes late anyway, and the window no longer counts.
            ExpressionAttributeValues: { ':one': 1, ':limit': rule.limit, ':expiresAt': end + 60 },
          }),
        );
      }),
    );
    for (const result of results) {
      if (result.status === 'rejected' && !isConditionFailure(result.reason)) throw result.reason;
    }
    const refusals = counted
      .filter((_, index) => results[index]?.status === 'rejected')
      .map(({ rule }) => ({ rule, retryAfter: this.window(rule).retryAfter }))
      .sort((a, b) => b.retryAfter - a.retryAfter);
    const longest = refusals[0];
    if (longest) throw new RateLimitedError(longest.retryAfter, longest.rule.refusal);
  }
}
