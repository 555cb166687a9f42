/**
 * The deployed functions' manage token key: in AWS it comes from a Secrets Manager secret
 * (MANAGE_TOKEN_KEY_SECRET_ARN, loaded once per container), locally and in tests from
 * MANAGE_TOKEN_KEY. Functions that never seal or unseal a token run without either.
 */
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  config,
  loadSecrets,
  manageTokenKeyFromSecret,
  resetConfig,
  type SecretReader,
} from '../functions/wiring/config.js';
import { createServices } from '../functions/wiring/services.js';

const sent: unknown[] = [];
vi.mock('@aws-sdk/client-secrets-manager', () => ({
  GetSecretValueCommand: class {
    constructor(readonly input: unknown) {}
  },
  SecretsManagerClient: class {
    async send(command: { input: unknown }) {
      sent.push(command.input);
      return { SecretString: 'secret-from-secrets-manager' };
    }
  },
}));

const ARN = 'arn:aws:secretsmanager:eu-west-3:111122223333:secret:ManageTokenKey-AbCdEf';
const NAMES = ['TABLE_NAME', 'MANAGE_TOKEN_KEY', 'MANAGE_TOKEN_KEY_SECRET_ARN', 'AWS_LAMBDA_FUNCTION_NAME'];
let saved: Record<string, string | undefined>;

beforeEach(() => {
  saved = Object.fromEntries(NAMES.map((name) => [name, process.env[name]]));
  for (const name of NAMES) delete process.env[name];
  process.env.TABLE_NAME = 'inscriptions';
  resetConfig();
});

afterEach(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  resetConfig();
});

describe('manage token key', () => {
  it('is the SHA-256 of the secret text: 32 bytes for AES-256, whatever the text', () => {
    const key = manageTokenKeyFromSecret('abc');
    expect(key).toHaveLength(32);
    expect(key.equals(createHash('sha256').update('abc').digest())).toBe(true);
    expect(manageTokenKeyFromSecret('x'.repeat(64))).toHaveLength(32);
  });

  it('is fetched once from the secret named by MANAGE_TOKEN_KEY_SECRET_ARN', async () => {
    process.env.MANAGE_TOKEN_KEY_SECRET_ARN = ARN;
    const read = vi.fn<SecretReader>(async () => 'generated-secret-text');
    await Promise.all([loadSecrets(read), loadSecrets(read)]);
    await loadSecrets(read);
    expect(read).toHaveBeenCalledTimes(1);
    expect(read).toHaveBeenCalledWith(ARN);
    expect(config().manageTokenKey.equals(manageTokenKeyFromSecret('generated-secret-text'))).toBe(true);
  });

  it('tries again after a failed fetch', async () => {
    process.env.MANAGE_TOKEN_KEY_SECRET_ARN = ARN;
    const read = vi
      .fn<SecretReader>()
      .mockRejectedValueOnce(new Error('throttled'))
      .mockResolvedValueOnce('second-try');
    await expect(loadSecrets(read)).rejects.toThrow('throttled');
    expect(() => config().manageTokenKey).toThrow(/not loaded/);
    await loadSecrets(read);
    expect(config().manageTokenKey.equals(manageTokenKeyFromSecret('second-try'))).toBe(true);
  });

  it('comes from MANAGE_TOKEN_KEY when set (local runtime, tests), without asking Secrets Manager', async () => {
    const key = Buffer.alloc(32, 9);
    process.env.MANAGE_TOKEN_KEY = key.toString('base64');
    process.env.MANAGE_TOKEN_KEY_SECRET_ARN = ARN;
    const read = vi.fn<SecretReader>();
    await loadSecrets(read);
    expect(read).not.toHaveBeenCalled();
    expect(config().manageTokenKey.equals(key)).toBe(true);
  });

  it('is only needed when used: read-only functions get their config and stores without it', () => {
    expect(config().tableName).toBe('inscriptions');
    expect(() => config().manageTokenKey).toThrow(/Missing environment variable MANAGE_TOKEN_KEY/);
    const tokenKey = vi.fn(() => {
      throw new Error('no key here');
    });
    const services = createServices({
      db: {} as never,
      tableName: 'inscriptions',
      baseUrl: 'https://example.org',
      tokenKey,
      holdMinutes: 120,
    });
    expect(services.registrations).toBeDefined();
    expect(tokenKey).not.toHaveBeenCalled();
  });

  it('is loaded while a Lambda container initialises, before any handler runs', async () => {
    process.env.AWS_LAMBDA_FUNCTION_NAME = 'register';
    process.env.MANAGE_TOKEN_KEY_SECRET_ARN = ARN;
    // The module the token-sealing functions import, initialised as Lambda would (top-level await).
    await import('../functions/wiring/token-key.js');
    expect(sent).toEqual([{ SecretId: ARN }]);
    expect(config().manageTokenKey.equals(manageTokenKeyFromSecret('secret-from-secrets-manager'))).toBe(
      true,
    );
  });
});
