import { decodeJwt } from 'jose';
import { ApiError, request } from '../api.js';
import type { CognitoConfig, PkceStorage } from './cognito.js';

/**
 * Who the organiser is. `/config.json` says how to log in: `{"auth": "local"}` posts to the
 * local runtime's `/local/login`; `{"auth": "cognito", "cognito": {…}}` goes through Cognito's
 * hosted login (authorization code + PKCE, in cognito.ts, loaded only then). The access
 * token lives in memory and in sessionStorage (this tab only, gone with it), never in a URL.
 */

export type AdminConfig = { auth: 'local' } | { auth: 'cognito'; cognito: CognitoConfig };

export interface Session {
  token: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  email?: string;
  organisers: string[];
}

const SESSION_KEY = 'admin.session';
/** A token this close to its expiry is not used for a new call. */
const EXPIRY_MARGIN_MS = 30_000;

let session: Session | undefined;

const storage = (): Storage | undefined => {
  try {
    return sessionStorage;
  } catch {
    return undefined; // blocked storage: the session lives in memory only
  }
};

export const loadConfig = async (): Promise<AdminConfig> => {
  try {
    const config = await request<Partial<AdminConfig>>('GET', '/config.json');
    if (config?.auth === 'cognito' && 'cognito' in config && config.cognito) return config as AdminConfig;
  } catch {
    // No config file: the local runtime.
  }
  return { auth: 'local' };
};

/** Reads what a verified server will check anyway: expiry, email and organiser groups, for display. */
const sessionOf = (token: string): Session => {
  const claims = decodeJwt(token);
  const groups = claims['cognito:groups'];
  return {
    token,
    expiresAt: typeof claims.exp === 'number' ? claims.exp * 1000 : Date.now() + 3_600_000,
    email: typeof claims.email === 'string' ? claims.email : undefined,
    organisers: Array.isArray(groups) ? groups.map(String) : [],
  };
};

const keep = (token: string): Session => {
  session = sessionOf(token);
  storage()?.setItem(SESSION_KEY, JSON.stringify(session));
  return session;
};

export const currentSession = (): Session | undefined => {
  if (!session) {
    try {
      const saved = storage()?.getItem(SESSION_KEY);
      if (saved) session = JSON.parse(saved) as Session;
    } catch {
      session = undefined;
    }
  }
  if (session && session.expiresAt - EXPIRY_MARGIN_MS < Date.now()) forget();
  return session;
};

const ORGANISER_KEY = 'admin.organiser';
/** The organiser picked, as read from or written to localStorage (which may be blocked). */
let picked: string | null | undefined;

/**
 * The organiser the page acts for when the login acts for several (Cognito groups): the one
 * last picked on this device (localStorage, so it outlives the tab), else the first. None for a
 * login of one organiser: the server needs no choice then. The server checks the pick anyway.
 */
export const pickedOrganiser = (): string | undefined => {
  const organisers = currentSession()?.organisers ?? [];
  if (organisers.length < 2) return undefined;
  if (picked === undefined) {
    try {
      picked = localStorage.getItem(ORGANISER_KEY);
    } catch {
      picked = null; // blocked storage: the first organiser until one is picked
    }
  }
  return picked && organisers.includes(picked) ? picked : organisers[0];
};

export const pickOrganiser = (organiserId: string): void => {
  picked = organiserId;
  try {
    localStorage.setItem(ORGANISER_KEY, organiserId);
  } catch {
    // Blocked storage: the choice lasts until the page is left.
  }
};

export const forget = (): void => {
  session = undefined;
  storage()?.removeItem(SESSION_KEY);
};

/** Local runtime: `POST /local/login`. Throws ApiError (401 on a wrong email or password). */
export const localLogin = async (email: string, password: string): Promise<Session> => {
  const { accessToken } = await request<{ accessToken: string }>('POST', '/local/login', { email, password });
  if (!accessToken) throw new ApiError(500, 'no_token', 'No token');
  return keep(accessToken);
};

const pkceStorage = (): PkceStorage => {
  const store = storage();
  const memory = new Map<string, string>();
  return {
    get: (key) => store?.getItem(key) ?? memory.get(key) ?? null,
    set: (key, value) => (store ? store.setItem(key, value) : memory.set(key, value)),
    remove: (key) => (store ? store.removeItem(key) : memory.delete(key)),
  };
};

/** Cognito: off to the hosted login page. */
export const startCognitoLogin = async (config: CognitoConfig): Promise<void> => {
  const cognito = await import('./cognito.js');
  location.assign(await cognito.authorizationUrl(config, pkceStorage()));
};

/**
 * Back from the hosted login with `?code=&state=`: trades the code for tokens, then takes the
 * code out of the address bar. Returns undefined when this load is not such a return.
 */
export const finishCognitoLogin = async (config: CognitoConfig): Promise<Session | undefined> => {
  const url = new URL(location.href);
  if (!url.searchParams.has('code') && !url.searchParams.has('error')) return undefined;
  // Whatever happens next, the code never stays in the address bar or the history.
  history.replaceState(null, '', `${url.pathname}${url.hash}`);
  const cognito = await import('./cognito.js');
  const { accessToken } = await cognito.exchangeCode(config, url, pkceStorage());
  return keep(accessToken);
};

export const logoutUrl = async (config: AdminConfig): Promise<string | undefined> => {
  if (config.auth !== 'cognito') return undefined;
  const cognito = await import('./cognito.js');
  return cognito.logoutUrl(config.cognito);
};
