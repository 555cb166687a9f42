import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { eventKey, REGISTRATION_PREFIX } from '../platform/keys.js';
import { personalDataExpiresAt } from '../platform/privacy.js';
import { type TableAccess, tableSchema } from '../platform/table.js';

/**
 * Registrations carry their deletion date (`expiresAt`, DynamoDB TTL): PERSONAL_DATA_DAYS
 * after the event ends. When the event moves, so does that date, or a postponed event would
 * lose its attendees before it takes place. Keys only are read; each item is updated only
 * while it still exists (an erasure meanwhile stays an erasure).
 */
export const restampPersonalDataExpiry = async (
  services: { table: TableAccess },
  eventId: string,
  eventEndsAt: string,
): Promise<number> => {
  const { db, tableName } = services.table;
  const expiresAt = personalDataExpiresAt(eventEndsAt);
  let updated = 0;
  let cursor: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': eventKey(eventId).pk, ':prefix': REGISTRATION_PREFIX },
        ProjectionExpression: 'pk, sk',
        ExclusiveStartKey: cursor,
      }),
    );
    for (const key of page.Items ?? []) {
      try {
        await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { pk: key.pk, sk: key.sk },
            UpdateExpression: 'SET #expiresAt = :expiresAt',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeNames: { '#expiresAt': tableSchema.timeToLiveAttribute },
            ExpressionAttributeValues: { ':expiresAt': expiresAt },
          }),
        );
        updated++;
      } catch (error) {
        if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw error;
      }
    }
    cursor = page.LastEvaluatedKey;
  } while (cursor);
  return updated;
};
