import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Module-scope so a warm Lambda reuses the connection. The local runtime passes an endpoint. */
export const createDocumentClient = (options: DynamoDBClientConfig = {}): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(new DynamoDBClient({ maxAttempts: 3, ...options }), {
    marshallOptions: { removeUndefinedValues: true },
  });

let shared: DynamoDBDocumentClient | undefined;

export const documentClient = (): DynamoDBDocumentClient => {
  shared ??= createDocumentClient(
    process.env.DYNAMODB_ENDPOINT ? { endpoint: process.env.DYNAMODB_ENDPOINT } : {},
  );
  return shared;
};
