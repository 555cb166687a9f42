import { createHash } from 'node:crypto';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { AppError } from '../platform/errors.js';
import { tableSchema } from '../platform/table.js';
import { type Services, services } from '../wiring/services.js';
import { type ApiEvent, type ApiHandler, errorResponse } from './handler.js';

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
}

/** Bad manage tokens: 10 per 15 minutes, per registration and per client. */
export const BAD_MANAGE_TOKENS: RateRule = { limit: 10, windowSeconds: 15 * 60 };

export class RateLimitedError extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super('rate_limited', 'Too many attempts with a wrong link; please try again later');
  }
}

const subjectHash = (subject: string): string =>
  createHash('sha256').update(subject).digest('base64url').slice(0, 32);

export const rateKey = (scope: string, subject: string, windowStart: number) => ({
  pk: `RATE#${scope}#${subjectHash(subject)}`,
  sk: `W#${windowStart}`,
});

const isConditionFailure = (error: unknown): boolean =>
  (error as { name?: string } | null)?.name === 'ConditionalCheckFailedException';

export class RateLimiter {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly scope: string,
    private readonly rule: RateRule,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  private window() {
    const nowSeconds = this.clock().getTime() / 1000;
    const start = Math.floor(nowSeconds / this.rule.windowSeconds) * this.rule.windowSeconds;
    const end = start + this.rule.windowSeconds;
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
    if (counts.some((count) => count >= this.rule.limit)) throw new RateLimitedError(retryAfter);
  }

  /**
   * Counts one failure against each subject. The ADD only applies below the limit, so
   * concurrent failures never count past it, and one that finds the allowance used up is
   * refused (429) like the ones after it.
   */
  async recordFailure(subjects: readonly string[]): Promise<void> {
    const { start, end, retryAfter } = this.window();
    const results = await Promise.allSettled(
      subjects.map((subject) =>
        this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: rateKey(this.scope, subject, start),
            UpdateExpression: 'ADD #count :one SET #expiresAt = :expiresAt',
            ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
            ExpressionAttributeNames: { '#count': 'count', '#expiresAt': tableSchema.timeToLiveAttribute },
            // A minute past the window: TTL deletes late anyway, and the window no longer counts.
            ExpressionAttributeValues: { ':one': 1, ':limit': this.rule.limit, ':expiresAt': end + 60 },
          }),
        ),
      ),
    );
    for (const result of results) {
      if (result.status === 'rejected' && !isConditionFailure(result.reason)) throw result.reason;
    }
    if (results.some((result) => result.status === 'rejected')) throw new RateLimitedError(retryAfter);
  }
}

/**
 * The client a request counts against: its IPv4 address, or its IPv6 /64 (one host often
 * holds a whole /64 and could rotate through it).
 */
export const clientKey = (sourceIp: string | undefined): string => {
  const ip = (sourceIp ?? '').replace(/%.*$/, '').toLowerCase();
  const v4 = /^(?:::ffff:)?(\d{1,3}(?:\.\d{1,3}){3})$/.exec(ip);
  if (v4?.[1]) return v4[1];
  if (!ip.includes(':')) return ip || 'unknown';
  const [head = '', tail = ''] = ip.split('::');
  const first = head ? head.split(':') : [];
  const last = tail ? tail.split(':') : [];
  const groups = ip.includes('::')
    ? [...first, ...Array(Math.max(0, 8 - first.length - last.length)).fill('0'), ...last]
    : first;
  return `${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
};

const limiters = new WeakMap<Services, RateLimiter>();

export const badManageTokenLimiter = (wired: Services = services()): RateLimiter => {
  let limiter = limiters.get(wired);
  if (!limiter) {
    const { db, tableName } = wired.table;
    limiter = new RateLimiter(db, tableName, 'manage-token', BAD_MANAGE_TOKENS, wired.clock);
    limiters.set(wired, limiter);
  }
  return limiter;
};

/**
 * The viewer's address. Behind CloudFront, API Gateway's `sourceIp` is an edge server shared by
 * many viewers, so CloudFront's `CloudFront-Viewer-Address` (`ip:port`) is taken when the
 * distribution forwards it. A caller reaching the API directly could forge that header: it can
 * then dodge the per-client count, never the per-registration one.
 */
export const clientAddress = (request: ApiEvent): string | undefined => {
  const viewer = request.headers?.['cloudfront-viewer-address'];
  if (viewer) return viewer.includes('.') ? viewer.replace(/:\d+$/, '') : viewer.replace(/:[^:]*$/, '');
  return request.requestContext.http.sourceIp;
};

/**
 * The manage-link check's rate limit, for `managedRegistration` (functions/http/access.ts):
 * a registration or client past 10 bad tokens in the window is refused (429), whatever the
 * token, so guessing stops there; a bad token counts against both. A right token counts
 * nothing. The caller still answers a bad token with its 403.
 */
export const guardManageToken = async (
  request: ApiEvent,
  registrationId: string,
  tokenValid: boolean,
): Promise<void> => {
  const limiter = badManageTokenLimiter();
  const subjects = [`registration:${registrationId}`, `client:${clientKey(clientAddress(request))}`];
  await limiter.assertAllowed(subjects);
  if (!tokenValid) await limiter.recordFailure(subjects);
};

/**
 * Adds `Retry-After` to a rate-limited answer (the shared error responses carry no headers).
 * Without it a refusal is still a 429 in the error shape, only without the hint.
 */
export const withRetryAfter =
  (handler: ApiHandler): ApiHandler =>
  async (event, context) => {
    try {
      return await handler(event, context);
    } catch (error) {
      if (!(error instanceof RateLimitedError)) throw error;
      const response = errorResponse(error);
      return {
        ...response,
        headers: { ...response.headers, 'retry-after': String(error.retryAfterSeconds) },
      };
    }
  };
