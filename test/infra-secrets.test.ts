/**
 * The deployed functions' manage token key: in AWS it comes from a Secrets Manager secret
 * (MANAGE_TOKEN_KEY_SECRET_ARN, loaded once per container), locally and in tests from
 * MANAGE_TOKEN_KEY. Functions that never seal or unseal a token run without either.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { webhookSecretKeyFrom } from '../functions/webhooks/deliver.js';
import {
  config,
  loadSecrets,
  manageTokenKeyFromSecret,
  resetConfig,
  type SecretReader,
} from '../functions/wiring/config.js';
import { eventServices } from '../functions/wiring/event-services.js';
import { createServices, services, setServices } from '../functions/wiring/services.js';
import { toolServices } from '../functions/wiring/tool-services.js';

const ARN = 'arn:aws:secretsmanager:eu-west-3:111122223333:secret:ManageTokenKey-AbCdEf';
const CREDENTIALS = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};
const NAMES = [
  'TABLE_NAME',
  'MANAGE_TOKEN_KEY',
  'MANAGE_TOKEN_KEY_SECRET_ARN',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_ENDPOINT_URL_SECRETS_MANAGER',
  'PUBLIC_BASE_URL',
];
let saved: Record<string, string | undefined>;

/**
 * Secrets Manager's stand-in: it answers GetSecretValue only to a request whose SigV4
 * signature the SDK's own signer computes the same from what arrived (the secret key is the
 * test's), and notes each request.
 */
interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  signatureValid: boolean;
}
const received: Received[] = [];
let answer: { status: number; body: unknown } = { status: 200, body: {} };
let standIn: Server;

const signatureOf = async (headers: IncomingHttpHeaders, path: string, body: string) => {
  const { authorization, ...signed } = headers;
  const names = /SignedHeaders=([^,]+)/.exec(String(authorization))?.[1]?.split(';') ?? [];
  const stamp = String(headers['x-amz-date']);
  const date = new Date(
    `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}T${stamp.slice(9, 11)}:${stamp.slice(11, 13)}:${stamp.slice(13, 15)}Z`,
  );
  const oracle = new SignatureV4({
    service: 'secretsmanager',
    region: 'eu-west-3',
    credentials: CREDENTIALS,
    sha256: Sha256,
  });
  const resigned = await oracle.sign(
    {
      method: 'POST',
      protocol: 'https:',
      hostname: String(headers.host),
      path,
      query: {},
      headers: Object.fromEntries(names.map((name) => [name, String(signed[name])])),
      body,
    },
    { signingDate: date },
  );
  return resigned.headers.authorization;
};

beforeAll(async () => {
  standIn = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    request.on('end', async () => {
      const signatureValid =
        (await signatureOf(request.headers, request.url ?? '/', body)) === request.headers.authorization;
      received.push({ headers: request.headers, body, signatureValid });
      response.writeHead(signatureValid ? answer.status : 403, {
        'content-type': 'application/x-amz-json-1.1',
      });
      response.end(JSON.stringify(signatureValid ? answer.body : { __type: 'InvalidSignatureException' }));
    });
  });
  await new Promise<void>((resolve) => standIn.listen(0, '127.0.0.1', resolve));
});
afterAll(() => new Promise<void>((resolve) => standIn.close(() => resolve())));

beforeEach(() => {
  saved = Object.fromEntries(NAMES.map((name) => [name, process.env[name]]));
  for (const name of NAMES) delete process.env[name];
  process.env.TABLE_NAME = 'inscriptions';
  process.env.AWS_REGION = 'eu-west-3';
  process.env.AWS_ACCESS_KEY_ID = CREDENTIALS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = CREDENTIALS.secretAccessKey;
  process.env.AWS_SESSION_TOKEN = 'session-token';
  process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = `http://127.0.0.1:${(standIn.address() as AddressInfo).port}/`;
  received.length = 0;
  answer = { status: 200, body: { ARN, SecretString: 'secret-from-secrets-manager' } };
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

  it('the tool and event wirings build alone from the environment, as a deployed function does, and give way to services.ts', () => {
    setServices(undefined);
    try {
      const key = Buffer.alloc(32, 7);
      process.env.MANAGE_TOKEN_KEY = key.toString('base64');
      process.env.PUBLIC_BASE_URL = 'https://inscriptions.example.org/';
      const tools = toolServices();
      expect(tools.webhookPolicy).toEqual({ allowLoopback: false });
      expect(tools.webhookSecretKey().equals(webhookSecretKeyFrom(key))).toBe(true);
      expect(tools.baseUrl).toBe('https://inscriptions.example.org');
      expect(eventServices().baseUrl).toBe('https://inscriptions.example.org');
      // Once a function builds the whole wiring, every part reads through its stores.
      const all = services();
      expect(toolServices().webhooks).toBe(all.webhooks);
      expect(toolServices().apiKeys).toBe(all.apiKeys);
      expect(eventServices().events).toBe(all.events);
    } finally {
      setServices(undefined);
    }
  });

  it('is loaded while a Lambda container initialises, before any handler runs', async () => {
    process.env.AWS_LAMBDA_FUNCTION_NAME = 'register';
    process.env.MANAGE_TOKEN_KEY_SECRET_ARN = ARN;
    // The module the token-sealing functions import, initialised as Lambda would (top-level await).
    await import('../functions/wiring/token-key.js');
    expect(received).toHaveLength(1);
    const [call] = received;
    expect(JSON.parse(call?.body ?? '')).toEqual({ SecretId: ARN });
    expect(call?.headers['x-amz-target']).toBe('secretsmanager.GetSecretValue');
    expect(call?.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(call?.headers['x-amz-security-token']).toBe('session-token');
    expect(call?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-3\/secretsmanager\/aws4_request, SignedHeaders=.*x-amz-target/,
    );
    expect(call?.signatureValid).toBe(true);
    expect(config().manageTokenKey.equals(manageTokenKeyFromSecret('secret-from-secrets-manager'))).toBe(
      true,
    );
  });

  it('a refused or empty GetSecretValue fails the load with what AWS said, never a key', async () => {
    const { readFromSecretsManager } = await import('../functions/wiring/token-key.js');
    answer = {
      status: 400,
      body: {
        __type: 'ResourceNotFoundException',
        message: 'Secrets Manager can’t find the specified secret.',
      },
    };
    await expect(readFromSecretsManager(ARN)).rejects.toThrow(
      /GetSecretValue answered 400: ResourceNotFoundException/,
    );
    answer = { status: 200, body: { ARN, SecretBinary: 'AAAA' } };
    await expect(readFromSecretsManager(ARN)).rejects.toThrow('The manage token secret has no string value');
    // A wrong secret access key: the stand-in refuses the signature, as AWS would.
    process.env.AWS_SECRET_ACCESS_KEY = 'not-the-key';
    await expect(readFromSecretsManager(ARN)).rejects.toThrow(/403: InvalidSignatureException/);
    expect(received.map((r) => r.signatureValid)).toEqual([true, true, false]);
  });
});
