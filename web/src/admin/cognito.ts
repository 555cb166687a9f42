import * as oauth from 'oauth4webapi';

/**
 * Cognito's hosted login for the admin page: OAuth 2 authorization code with PKCE (S256),
 * a public client (no secret in a page), with oauth4webapi doing the protocol checks (state,
 * response, token response, ID token claims). Loaded only when `/config.json` says
 * `"auth": "cognito"`. Storage and fetch come in as arguments so tests can drive the flow.
 */

export interface CognitoConfig {
  /** The hosted UI domain, e.g. `https://inscriptions.auth.eu-west-3.amazoncognito.com`. */
  domain: string;
  clientId: string;
  /** The user pool's issuer (`https://cognito-idp.<region>.amazonaws.com/<poolId>`): ID tokens must carry it. */
  issuer: string;
  /** Where Cognito sends the browser back; default: this page's `/admin`. */
  redirectUri?: string;
  /** Default: `openid email`. */
  scopes?: string[];
}

export interface PkceStorage {
  get(key: string): string | null;
  set(key: string, value: string): void;
  remove(key: string): void;
}

const PENDING_KEY = 'admin.pkce';

const server = (config: CognitoConfig): oauth.AuthorizationServer => {
  const domain = config.domain.replace(/\/+$/, '');
  return {
    issuer: config.issuer,
    authorization_endpoint: `${domain}/oauth2/authorize`,
    token_endpoint: `${domain}/oauth2/token`,
    end_session_endpoint: `${domain}/logout`,
  };
};

const redirectUri = (config: CognitoConfig, base = globalThis.location?.href): string =>
  config.redirectUri ?? new URL('/admin', base).href;

/** Builds the hosted-login address, keeping the verifier and state for the way back. */
export const authorizationUrl = async (
  config: CognitoConfig,
  storage: PkceStorage,
  base?: string,
): Promise<string> => {
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  storage.set(PENDING_KEY, JSON.stringify({ verifier, state }));
  const url = new URL(server(config).authorization_endpoint ?? '');
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: config.clientId,
    redirect_uri: redirectUri(config, base),
    scope: (config.scopes ?? ['openid', 'email']).join(' '),
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
  }).toString();
  return url.href;
};

/** The way back: checks state, trades the code (with the verifier) for tokens. */
export const exchangeCode = async (
  config: CognitoConfig,
  callback: URL,
  storage: PkceStorage,
  fetchImpl?: typeof fetch,
): Promise<{ accessToken: string; expiresIn?: number }> => {
  const saved = storage.get(PENDING_KEY);
  // One use only: a reloaded or replayed callback finds nothing.
  storage.remove(PENDING_KEY);
  if (!saved) throw new Error('No login in progress');
  const { verifier, state } = JSON.parse(saved) as { verifier: string; state: string };
  const as = server(config);
  const client: oauth.Client = { client_id: config.clientId };
  const params = oauth.validateAuthResponse(as, client, callback, state);
  const options = fetchImpl ? { [oauth.customFetch]: fetchImpl } : {};
  const response = await oauth.authorizationCodeGrantRequest(
    as,
    client,
    oauth.None(),
    params,
    redirectUri(config, callback.href),
    verifier,
    options,
  );
  const result = await oauth.processAuthorizationCodeResponse(as, client, response);
  return { accessToken: result.access_token, expiresIn: result.expires_in };
};

export const logoutUrl = (config: CognitoConfig): string => {
  const url = new URL(server(config).end_session_endpoint ?? '');
  url.search = new URLSearchParams({
    client_id: config.clientId,
    logout_uri: redirectUri(config),
  }).toString();
  return url.href;
};
