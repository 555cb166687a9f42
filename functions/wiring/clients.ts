import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamoDbRetryStrategy } from '../platform/retry.js';

/**
 * Module-scope so a warm Lambda reuses the connection. The local runtime passes an endpoint.
 * The one place the SDK's retries are set: throttling and transient errors (platform/retry.ts).
 */
export const createDocumentClient = (options: DynamoDBClientConfig = {}): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(new DynamoDBClient({ retryStrategy: dynamoDbRetryStrategy(), ...options }), {
    marshallOptions: { removeUndefinedValues: true },
  });

let shared: DynamoDBDocumentClient | undefined;

export const documentClient = (): DynamoDBDocumentClient => {
  shared ??= createDocumentClient(
    process.env.DYNAMODB_ENDPOINT ? { endpoint: process.env.DYNAMODB_ENDPOINT } : {},
  );
  return shared;
};
