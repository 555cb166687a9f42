/**
 * The cold-import baseline of `npm run bench`: the least a handler of ours could be, one that
 * imports the same DynamoDB document client (the part no function can avoid) and reads an item.
 * Bundled with the deployed options like the functions, so it carries the same credential-chain
 * cut. The client is built on first call, as functions/wiring/clients.ts does.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';

let db: DynamoDBDocumentClient | undefined;

export const handler = async (event: { pathParameters?: { id?: string } }) => {
  db ??= DynamoDBDocumentClient.from(new DynamoDBClient({}));
  const { Item } = await db.send(
    new GetCommand({ TableName: 'bench', Key: { pk: event.pathParameters?.id ?? '', sk: 'META' } }),
  );
  return { statusCode: Item ? 200 : 404, body: JSON.stringify(Item ?? null) };
};
