/** A setting a test's child process must get from its parent (test/support/dynamo.ts spawnOverTable). */
export const requiredEnv = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};
