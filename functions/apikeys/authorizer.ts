import type {
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerWithContextResult,
} from 'aws-lambda';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import type { AdminContext } from '../http/auth.js';
import { log } from '../platform/log.js';
import { toolServices } from '../wiring/tool-services.js';
import { authorizeAdmin } from './authorize.js';

/**
 * The admin routes' Lambda authorizer (lib/api.ts; simple responses, cached briefly by the
 * Authorization header): a Cognito access token of the admin page's client, or an API key.
 */

const required = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`Missing environment variable ${name}`);
  return value;
};

let verifyJwt: ((token: string) => Promise<Record<string, unknown>>) | undefined;

/** What API Gateway's JWT authorizer checked: Cognito's signature, issuer, expiry and app client. */
const cognitoVerifier = (issuer: string, clientId: string) => {
  const keys = createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`));
  return async (token: string) => {
    const { payload } = await jwtVerify(token, keys, {
      issuer,
      algorithms: ['RS256'],
      requiredClaims: ['exp'],
    });
    // Access tokens name their client in `client_id` (ID tokens in `aud`, and are refused later).
    if (payload.client_id !== clientId) throw new Error('Another client’s token');
    return payload;
  };
};

export const handler = async (
  event: APIGatewayRequestAuthorizerEventV2,
): Promise<APIGatewaySimpleAuthorizerWithContextResult<AdminContext | Record<string, never>>> => {
  verifyJwt ??= cognitoVerifier(required('COGNITO_ISSUER'), required('ADMIN_CLIENT_ID'));
  const { apiKeys, clock } = toolServices();
  try {
    const context = await authorizeAdmin(event.headers?.authorization, { verifyJwt, apiKeys, clock });
    return context ? { isAuthorized: true, context } : { isAuthorized: false, context: {} };
  } catch (error) {
    // The table failing is no reason to let anyone in: API Gateway answers 403 (not cached).
    log.error('admin authorizer failed', { error });
    throw error;
  }
};
