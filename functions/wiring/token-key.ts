import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { loadSecrets, type SecretReader } from './config.js';

/**
 * The manage token key in AWS, for the functions that seal or unseal tokens (routes marked
 * `sealsTokens`, notify, fanout): they import this module first. It loads the key while the
 * module initialises (ES module top-level await), before any handler runs, so `config()`
 * stays synchronous for every entry point; a failed fetch fails the container's init, and
 * Lambda retries it on the next invocation. Apart from config.ts so that every other
 * function's bundle leaves the Secrets Manager client out.
 */

export const readFromSecretsManager: SecretReader = async (secretArn) => {
  const { SecretString } = await new SecretsManagerClient({}).send(
    new GetSecretValueCommand({ SecretId: secretArn }),
  );
  if (!SecretString) throw new Error('The manage token secret has no string value');
  return SecretString;
};

if (process.env.AWS_LAMBDA_FUNCTION_NAME) await loadSecrets(readFromSecretsManager);
