import { createHash, createHmac } from 'node:crypto';

/**
 * Reads one S3 object with a plain signed GET (Signature Version 4, path-style, no query): the
 * only S3 call the project makes, so no S3 client joins the dependencies. Credentials are the
 * function role's, which the Lambda runtime sets in the environment.
 */

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

/** RFC 3986 percent-encoding of each path segment, as SigV4 wants it for S3 (slashes kept). */
const encodePath = (key: string) =>
  key
    .split('/')
    .map((segment) =>
      encodeURIComponent(segment).replace(
        /[!'()*]/g,
        (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
      ),
    )
    .join('/');

/** The headers of a signed GET of `path` on `host` (AWS's SigV4 steps, one to one). */
export const signedGetHeaders = (
  request: { host: string; path: string; region: string; service?: string; headers?: Record<string, string> },
  credentials: Credentials,
  now: Date,
): Record<string, string> => {
  const service = request.service ?? 's3';
  const amzDate = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const headers: Record<string, string> = {
    host: request.host,
    'x-amz-content-sha256': sha256(''),
    'x-amz-date': amzDate,
    ...(credentials.sessionToken ? { 'x-amz-security-token': credentials.sessionToken } : {}),
    ...Object.fromEntries(Object.entries(request.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
  };
  const names = Object.keys(headers).sort();
  const canonical = [
    'GET',
    request.path,
    '',
    ...names.map((name) => `${name}:${String(headers[name]).trim()}`),
    '',
    names.join(';'),
    headers['x-amz-content-sha256'],
  ].join('\n');
  const scope = `${day}/${request.region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  const key = hmac(
    hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, day), request.region), service),
    'aws4_request',
  );
  const signature = createHmac('sha256', key).update(toSign).digest('hex');
  return {
    ...headers,
    authorization: `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`,
  };
};

export const environmentCredentials = (): Credentials => {
  const { AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN } = process.env;
  if (!AWS_ACCESS_KEY_ID || !AWS_SECRET_ACCESS_KEY) throw new Error('No AWS credentials in the environment');
  return {
    accessKeyId: AWS_ACCESS_KEY_ID,
    secretAccessKey: AWS_SECRET_ACCESS_KEY,
    ...(AWS_SESSION_TOKEN ? { sessionToken: AWS_SESSION_TOKEN } : {}),
  };
};

/** The object's bytes, refused beyond `maxBytes` (its Content-Length says so before reading). */
export const getObject = async (
  location: { bucket: string; key: string; region: string },
  maxBytes: number,
): Promise<Buffer | undefined> => {
  const host = `s3.${location.region}.amazonaws.com`;
  const path = `/${encodePath(location.bucket)}/${encodePath(location.key)}`;
  const headers = signedGetHeaders(
    { host, path, region: location.region },
    environmentCredentials(),
    new Date(),
  );
  const { host: _, ...sent } = headers;
  const response = await fetch(`https://${host}${path}`, { headers: sent });
  if (!response.ok) throw new Error(`S3 GetObject answered ${response.status}`);
  if (Number(response.headers.get('content-length') ?? 0) > maxBytes) return undefined;
  return Buffer.from(await response.arrayBuffer());
};
