import { type AdminContext, organiserIdsOfClaims } from '../http/auth.js';
import { isApiKey, lastUseIsStale } from './model.js';
import type { ApiKeyStore } from './store.js';

/**
 * The admin routes' one check, in AWS (the Lambda authorizer, functions/apikeys/authorizer.ts)
 * and locally (local/server.ts): a bearer token is either an API key, looked up by its hash,
 * or a JWT, verified as the login issued it. Anything else, or any failure, is no access.
 */

export interface AuthorizeDeps {
  /** Verified claims of a JWT; throws on a bad one. */
  verifyJwt: (token: string) => Promise<Record<string, unknown>>;
  apiKeys: Pick<ApiKeyStore, 'find' | 'noteUse'>;
  clock: () => Date;
}

const bearerToken = (authorization: string | undefined): string | undefined =>
  /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];

export const authorizeAdmin = async (
  authorization: string | undefined,
  deps: AuthorizeDeps,
): Promise<AdminContext | undefined> => {
  const token = bearerToken(authorization);
  if (!token) return undefined;
  if (isApiKey(token)) {
    const record = await deps.apiKeys.find(token);
    if (!record) return undefined;
    const now = deps.clock();
    // Most uses skip the write: lastUsedAt moves once a minute at most.
    if (lastUseIsStale(record, now)) await deps.apiKeys.noteUse(token, now);
    return { organiserIds: record.organiserId, apiKeyId: record.id };
  }
  let claims: Record<string, unknown>;
  try {
    claims = await deps.verifyJwt(token);
  } catch {
    return undefined;
  }
  const organiserIds = organiserIdsOfClaims(claims);
  return organiserIds.length > 0 ? { organiserIds: organiserIds.join(' ') } : undefined;
};
