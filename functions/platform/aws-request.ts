import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { requestFor } from './node-request.js';

/**
 * The two AWS calls the functions make without a client of their own: S3's GetObject (inbound
 * mail) and Secrets Manager's GetSecretValue (the manage token key, at every cold start of the
 * functions that need it). Signed by the SDK's own SigV4 signer, which every bundle holds
 * already (the DynamoDB client signs with it); a client per service would add 13 KB or more
 * to the bundle, and its parsing to each cold start.
 */

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** The function role's credentials, which the Lambda runtime sets in the environment. */
export const environmentCredentials = (): Credentials => {
  const { AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN } = process.env;
  if (!AWS_ACCESS_KEY_ID || !AWS_SECRET_ACCESS_KEY) throw new Error('No AWS credentials in the environment');
  return {
    accessKeyId: AWS_ACCESS_KEY_ID,
    secretAccessKey: AWS_SECRET_ACCESS_KEY,
    ...(AWS_SESSION_TOKEN ? { sessionToken: AWS_SESSION_TOKEN } : {}),
  };
};

export interface AwsRequest {
  method: 'GET' | 'POST';
  host: string;
  /** Already encoded (S3 keys are; its signature does not encode them again). */
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

/** The request's headers with its SigV4 signature (`host` included: the signature covers it). */
export const signedHeaders = async (
  request: AwsRequest,
  signing: { service: string; region: string; credentials: Credentials; now?: Date },
): Promise<Record<string, string>> => {
  const signer = new SignatureV4({
    service: signing.service,
    region: signing.region,
    credentials: signing.credentials,
    sha256: Sha256,
    // S3 signs the path as sent; every other service encodes it once more.
    uriEscapePath: signing.service !== 's3',
  });
  const lowerCased = Object.entries(request.headers ?? {}).map(([name, value]) => [
    name.toLowerCase(),
    value,
  ]);
  const signed = await signer.sign(
    {
      method: request.method,
      protocol: 'https:',
      hostname: request.host,
      path: request.path,
      query: {},
      headers: { host: request.host, ...Object.fromEntries(lowerCased) },
      ...(request.body === undefined ? {} : { body: request.body }),
    },
    signing.now ? { signingDate: signing.now } : {},
  );
  return signed.headers;
};

/**
 * One call of an AWS JSON API operation (`X-Amz-Target`), over node:https as the SDK's own
 * handler does (global fetch would load Node's undici at a cold start). `endpoint` replaces
 * `https://{service}.{region}.amazonaws.com`, as the SDK's `AWS_ENDPOINT_URL_*` variables do.
 */
export const callJsonApi = async (
  call: { service: string; target: string; input: unknown; region: string; endpoint?: string },
  credentials: Credentials = environmentCredentials(),
): Promise<Record<string, unknown>> => {
  const url = new URL(call.endpoint ?? `https://${call.service}.${call.region}.amazonaws.com/`);
  const body = JSON.stringify(call.input);
  const headers = await signedHeaders(
    {
      method: 'POST',
      host: url.host,
      path: url.pathname,
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': call.target },
      body,
    },
    { service: call.service, region: call.region, credentials },
  );
  const { status, text } = await post(url, headers, body);
  const answer = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
  if (status !== 200) {
    // The error's type and message only: an answer never carries the secret when it fails.
    throw new Error(
      `${call.target} answered ${status}: ${String(answer.__type ?? '')} ${String(answer.message ?? answer.Message ?? '')}`,
    );
  }
  return answer;
};

const post = (url: URL, headers: Record<string, string>, body: string) =>
  new Promise<{ status: number; text: string }>((resolve, reject) => {
    const send = requestFor(url.protocol);
    const request = send(url, { method: 'POST', headers, timeout: 5000 }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
      );
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`${url.host} did not answer within 5 s`)));
    request.on('error', reject);
    request.end(body);
  });
