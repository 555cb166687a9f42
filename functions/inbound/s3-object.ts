import { createHash } from 'node:crypto';
import { environmentCredentials, signedHeaders } from '../platform/aws-request.js';

/**
 * Reads one S3 object with a plain signed GET (path-style, no query): the only S3 call the
 * project makes, so no S3 client joins the dependencies (platform/aws-request.ts signs it).
 */

const EMPTY_SHA256 = createHash('sha256').update('').digest('hex');

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

/** The object's bytes, refused beyond `maxBytes` (its Content-Length says so before reading). */
export const getObject = async (
  location: { bucket: string; key: string; region: string },
  maxBytes: number,
): Promise<Buffer | undefined> => {
  const host = `s3.${location.region}.amazonaws.com`;
  const path = `/${encodePath(location.bucket)}/${encodePath(location.key)}`;
  const headers = await signedHeaders(
    // S3 wants the payload's hash in a header of its own: none, for a GET.
    { method: 'GET', host, path, headers: { 'x-amz-content-sha256': EMPTY_SHA256 } },
    { service: 's3', region: location.region, credentials: environmentCredentials() },
  );
  const { host: _, ...sent } = headers;
  const response = await fetch(`https://${host}${path}`, { headers: sent });
  if (!response.ok) throw new Error(`S3 GetObject answered ${response.status}`);
  if (Number(response.headers.get('content-length') ?? 0) > maxBytes) return undefined;
  return Buffer.from(await response.arrayBuffer());
};
