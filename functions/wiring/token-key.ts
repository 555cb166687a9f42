import { callJsonApi } from '../platform/aws-request.js';
import { loadSecrets, type SecretReader } from './config.js';

/**
 * The manage token key in AWS, for the functions that seal or unseal tokens (routes marked
 * `sealsTokens`, notify, fanout): they import this module first. It loads the key while the
 * module initialises (ES module top-level await), before any handler runs, so `config()`
 * stays synchronous for every entry point; a failed fetch fails the container's init, and
 * Lambda retries it on the next invocation. Apart from config.ts so that every other
 * function leaves the call out. No Secrets Manager client: one signed call
 * (platform/aws-request.ts) costs these functions' cold starts less than the client's 13 KB.
 */

export const readFromSecretsManager: SecretReader = async (secretArn) => {
  const { SecretString } = await callJsonApi({
    service: 'secretsmanager',
    target: 'secretsmanager.GetSecretValue',
    input: { SecretId: secretArn },
    region: process.env.AWS_REGION ?? '',
    // The SDK's own override, for a stand-in endpoint (the tests).
    endpoint: process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER ?? process.env.AWS_ENDPOINT_URL,
  });
  if (typeof SecretString !== 'string' || !SecretString) {
    throw new Error('The manage token secret has no string value');
  }
  return SecretString;
};

if (process.env.AWS_LAMBDA_FUNCTION_NAME) await loadSecrets(readFromSecretsManager);
