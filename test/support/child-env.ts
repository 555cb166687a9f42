/** A setting a test's child process must get from its parent (test/support/dynamo.ts spawnOverTable). */
export const requiredEnv = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

/**
 * What a notification chain's child (mail-child, webhook-child) runs over: the test's table,
 * the data folder its local queues and outbox live in, and the token key the API seals with.
 */
export const notificationChildEnv = () => ({
  endpoint: requiredEnv('DYNAMODB_ENDPOINT'),
  tableName: requiredEnv('TABLE_NAME'),
  dataDir: requiredEnv('DATA_DIR'),
  tokenKey: Buffer.from(requiredEnv('TOKEN_KEY'), 'hex'),
});
