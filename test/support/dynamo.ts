import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { createDocumentClient } from '../../functions/wiring/clients.js';
import { createTable } from '../../local/create-table.js';
import { localClientConfig } from '../../local/dynamodb-local.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Endpoint of the DynamoDB Local started by test/support/global-setup.ts. */
    dynamoEndpoint: string;
  }
}

export interface FreshTable {
  client: DynamoDBClient;
  doc: DynamoDBDocumentClient;
  tableName: string;
}

/**
 * A new, uniquely named table (same schema as production) on the shared DynamoDB Local.
 * Call it in `beforeAll` (or per test) so test files never see each other's items.
 */
export async function freshTable(): Promise<FreshTable> {
  const endpoint = inject('dynamoEndpoint');
  if (!endpoint) {
    throw new Error(
      'No DynamoDB Local endpoint: run the tests through vitest.config.ts (globalSetup test/support/global-setup.ts).',
    );
  }
  const client = new DynamoDBClient(localClientConfig(endpoint));
  const tableName = `test-${randomUUID()}`;
  await createTable(client, tableName);
  // The application's own client, with its retry strategy: the tests exercise what runs in AWS.
  const doc = createDocumentClient(localClientConfig(endpoint));
  return { client, doc, tableName };
}

/**
 * A TypeScript script (run through tsx) in a process of its own over a table of the shared
 * DynamoDB Local: its endpoint and the table's name in the environment (DYNAMODB_ENDPOINT,
 * TABLE_NAME, which test/support/child-env.ts reads), logs silent, stdout and stderr piped.
 */
export const spawnOverTable = (
  script: string,
  tableName: string,
  env: Record<string, string> = {},
  args: readonly string[] = [],
) =>
  spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    env: {
      ...process.env,
      DYNAMODB_ENDPOINT: inject('dynamoEndpoint'),
      TABLE_NAME: tableName,
      LOG_LEVEL: 'silent',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
