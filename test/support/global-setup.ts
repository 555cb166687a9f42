import type { TestProject } from 'vitest/node';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../local/dynamodb-local.js';
// For the `dynamoEndpoint` key of vitest's ProvidedContext (type-only, erased at runtime).
import type {} from './dynamo.js';

/**
 * vitest globalSetup: ONE in-memory DynamoDB Local for the whole run. Tests reach it
 * through `inject('dynamoEndpoint')` (see `freshTable` in ./dynamo.ts), each file on
 * its own uniquely named table.
 */

let instance: DynamoDbLocal | undefined;

export async function setup(project: TestProject): Promise<void> {
  instance = await startDynamoDbLocal();
  project.provide('dynamoEndpoint', instance.endpoint);
}

export async function teardown(): Promise<void> {
  await instance?.stop();
  instance = undefined;
}
