import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { registrationIdIndexKey } from '../../platform/keys.js';
import { tableSchema } from '../../platform/table.js';
import type { RegistrationRecord } from '../model.js';
import { toRegistration } from './mapper.js';

/**
 * A registration by its id alone, as manage links carry it: found on the index, then read
 * consistently. Apart from table.ts so a function that reads nothing else (the invitation,
 * wiring/manage-services.ts) bundles this and not the whole adapter and its writes.
 */
export const registrationById = async (
  db: DynamoDBDocumentClient,
  tableName: string,
  registrationId: string,
): Promise<RegistrationRecord | undefined> => {
  const { Items = [] } = await db.send(
    new QueryCommand({
      TableName: tableName,
      IndexName: tableSchema.indexes.byParent.name,
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': registrationIdIndexKey(registrationId).gsi1pk },
      ProjectionExpression: 'pk, sk',
    }),
  );
  const found = Items[0];
  if (!found) return undefined;
  const { Item } = await db.send(
    new GetCommand({
      TableName: tableName,
      Key: { pk: String(found.pk), sk: String(found.sk) },
      ConsistentRead: true,
    }),
  );
  const registration = Item ? toRegistration(Item) : undefined;
  return registration?.id === registrationId ? registration : undefined;
};
