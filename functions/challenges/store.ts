import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { spentChallengeKey } from '../platform/keys.js';
import { isConditionFailure, retrying } from '../platform/retry.js';
import { tableSchema } from '../platform/table.js';
import type { SpentChallenges } from './ports.js';

/** DynamoDB adapter: one item per spent challenge, put only if absent, gone by TTL. */
export class SpentChallengeStore implements SpentChallenges {
  private readonly db: DynamoDBDocumentClient;

  constructor(
    db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {
    this.db = retrying(db);
  }

  async spend(challenge: string, expires: number): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          // A minute past the expiry: by then the solution is refused as expired anyway.
          Item: { ...spentChallengeKey(challenge), [tableSchema.timeToLiveAttribute]: expires + 60 },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
