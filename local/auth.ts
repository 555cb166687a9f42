import { createHash, timingSafeEqual } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  calculateJwkThumbprint,
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from 'jose';
import { ORGANISER_CLAIM } from '../functions/http/auth.js';

/**
 * The local stand-in for Cognito: it signs access tokens for the demo organisers and
 * verifies them through a JWKS, the same jose path (`jwtVerify` + a key set) one takes
 * with `createRemoteJWKSet` against Cognito's JWKS, as API Gateway's JWT authorizer does.
 */

const ALG = 'ES256';
export const LOCAL_AUDIENCE = 'local-admin';
const TOKEN_LIFETIME = '1h';
const KEY_FILE = 'local-issuer-key.json';

export interface LocalIssuer {
  issuer: string;
  /** A token for one organiser's user, or for a user acting for several (the agency's). */
  issue(organiserIds: string | readonly string[]): Promise<string>;
  /** The verified claims; throws on a bad signature, issuer, audience, algorithm or expiry. */
  verify(token: string): Promise<JWTPayload>;
}

/** The password every seeded organiser user logs in with. */
export const localAdminPassword = (): string => process.env.LOCAL_ADMIN_PASSWORD || 'local-dev-password';

export const localUserEmail = (organiserId: string): string => `organiser@${organiserId}.example`;

/**
 * A user acting for every demo organiser, as a Cognito user in several groups does (an agency
 * running several organisers' events): the admin page shows its organiser picker.
 */
export const LOCAL_AGENCY_EMAIL = 'agency@organisers.example';

/** The organisers a login email acts for: one seeded user's, all of them for the agency, else none. */
export const organisersForEmail = (email: string, organiserIds: readonly string[]): string[] => {
  const address = email.trim().toLowerCase();
  if (address === LOCAL_AGENCY_EMAIL) return [...organiserIds];
  return organiserIds.filter((id) => localUserEmail(id) === address);
};

/** Constant-time comparison: hashing first gives equal lengths, so length leaks nothing either. */
export const passwordMatches = (given: string, expected = localAdminPassword()): boolean => {
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
};

/** The signing key, generated once and kept so tokens survive restarts. */
const loadOrCreateKey = async (dataDir: string): Promise<JWK> => {
  const path = join(dataDir, KEY_FILE);
  try {
    return JSON.parse(await readFile(path, 'utf8')) as JWK;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new Error(`Cannot read the local issuer key ${path}; delete it to get a new one`, {
        cause: error,
      });
    }
  }
  const { privateKey } = await generateKeyPair(ALG, { extractable: true });
  const jwk = await exportJWK(privateKey);
  const key: JWK = { ...jwk, alg: ALG, use: 'sig', kid: await calculateJwkThumbprint(jwk) };
  await mkdir(dataDir, { recursive: true });
  await writeFile(path, `${JSON.stringify(key, null, 2)}\n`, { mode: 0o600 });
  return key;
};

export const createLocalIssuer = async (options: {
  dataDir: string;
  issuer: string;
}): Promise<LocalIssuer> => {
  const privateJwk = await loadOrCreateKey(options.dataDir);
  const { d: _private, ...publicJwk } = privateJwk;
  const signingKey = await importJWK(privateJwk, ALG);
  // Only the public half goes into the key set, as in a published JWKS.
  const jwks = createLocalJWKSet({ keys: [publicJwk] });
  const { issuer } = options;

  return {
    issuer,
    issue: (organiserIds) => {
      const ids = [organiserIds].flat();
      const one = ids.length === 1 ? ids[0] : undefined;
      return new SignJWT({
        email: one ? localUserEmail(one) : LOCAL_AGENCY_EMAIL,
        [ORGANISER_CLAIM]: ids,
        token_use: 'access',
      })
        .setProtectedHeader({ alg: ALG, kid: privateJwk.kid, typ: 'JWT' })
        .setSubject(`local-${one ?? 'agency'}`)
        .setIssuer(issuer)
        .setAudience(LOCAL_AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(TOKEN_LIFETIME)
        .sign(signingKey);
    },
    verify: async (token) => {
      // `algorithms` pins the key's own algorithm: `none` or HS256 tricks are refused.
      const { payload } = await jwtVerify(token, jwks, {
        issuer,
        audience: LOCAL_AUDIENCE,
        algorithms: [ALG],
        requiredClaims: ['exp', 'sub'],
      });
      if (payload.token_use !== 'access') throw new Error('Not an access token');
      return payload;
    },
  };
};
