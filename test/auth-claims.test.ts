/**
 * Who an admin request acts for, from the claims API Gateway's JWT authorizer verified
 * (functions/http/auth.ts): access tokens only, and organiser groups read one by one.
 */
import { describe, expect, it } from 'vitest';
import { organiserIdsOf } from '../functions/http/auth.js';
import type { ApiEvent } from '../functions/http/handler.js';

/** An API Gateway v2 request as the authorizer hands it on: array claims become "[a b]". */
const withClaims = (claims: Record<string, string>) =>
  ({ requestContext: { authorizer: { jwt: { claims, scopes: [] } } } }) as unknown as ApiEvent;

const status = (run: () => unknown): number | string => {
  try {
    return JSON.stringify(run());
  } catch (error) {
    return (error as { status?: number }).status ?? 'thrown';
  }
};

describe('admin claims', () => {
  it('acts for the organiser groups of an access token', () => {
    expect(
      organiserIdsOf(withClaims({ token_use: 'access', 'cognito:groups': '[media-aces open2leads]' })),
    ).toEqual(['media-aces', 'open2leads']);
  });

  it('refuses a Cognito ID token, which the authorizer lets through (same audience), and a token without groups', () => {
    expect(
      status(() => organiserIdsOf(withClaims({ token_use: 'id', 'cognito:groups': '[media-aces]' }))),
    ).toBe(401);
    expect(status(() => organiserIdsOf(withClaims({ 'cognito:groups': '[media-aces]' })))).toBe(401);
    expect(status(() => organiserIdsOf(withClaims({ token_use: 'access' })))).toBe(401);
  });

  it('reads a group named with a comma as no organiser, not as two', () => {
    expect(
      status(() =>
        organiserIdsOf(withClaims({ token_use: 'access', 'cognito:groups': '[media-aces,open2leads]' })),
      ),
    ).toBe(401);
    expect(
      organiserIdsOf(
        withClaims({ token_use: 'access', 'cognito:groups': '[touch-and-sell media-aces,open2leads]' }),
      ),
    ).toEqual(['touch-and-sell']);
  });
});
