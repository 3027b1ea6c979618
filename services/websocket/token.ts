/**
 * The access token WebSocket clients present: `base64url(payload).base64url(signature)`,
 * where the payload is JSON `{"sub": "<user_id>", "exp": <unix seconds>}` and the
 * signature is HMAC-SHA256 of the first part (the base64url text) under a secret the
 * issuing API and this service share (env `WEBSOCKET_TOKEN_SECRET`, from a Secret).
 *
 * Deliberately smaller than a JWT: one algorithm, fixed in code, so there is no
 * header to downgrade (`alg: none`) and nothing to negotiate.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** What a token asserts. */
export interface TokenClaims {
  /** The user whose task updates the connection receives (`user_id` of the events). */
  readonly sub: string;
  /** Expiry, seconds since the Unix epoch (as JWT `exp`). */
  readonly exp: number;
}

/** Why a token was refused; stable codes for logs and metrics. */
export type TokenProblem = 'missing' | 'malformed' | 'bad_signature' | 'invalid_claims' | 'expired';

export class TokenError extends Error {
  override readonly name = 'TokenError';
  constructor(
    readonly code: TokenProblem,
    message: string,
  ) {
    super(message);
  }
}

/** Fewest bytes a secret may have: HMAC-SHA256's block of security (RFC 2104 §3 recommends ≥ the hash length). */
export const MIN_SECRET_BYTES = 32;

const BASE64URL = /^[A-Za-z0-9_-]+$/;

function sign(encodedPayload: string, secret: string): Buffer {
  return createHmac('sha256', secret).update(encodedPayload).digest();
}

/** Issues a token; used by tests, the benchmark and `mint-token.ts`. The API that logs users in issues the real ones. */
export function signToken(claims: TokenClaims, secret: string): string {
  const payload = Buffer.from(JSON.stringify({ sub: claims.sub, exp: claims.exp })).toString('base64url');
  return `${payload}.${sign(payload, secret).toString('base64url')}`;
}

/**
 * Checks a token's signature first (in constant time) and only then reads its
 * claims, so nothing an attacker wrote is parsed before it is authenticated.
 * @param nowMs current time, injectable for tests
 * @throws TokenError with the reason
 */
export function verifyToken(token: string | undefined | null, secret: string, nowMs = Date.now()): TokenClaims {
  if (!token) throw new TokenError('missing', 'no token: send it as ?token=<token> or "Authorization: Bearer <token>"');
  const parts = token.split('.');
  if (parts.length !== 2 || !BASE64URL.test(parts[0]!) || !BASE64URL.test(parts[1]!)) {
    throw new TokenError('malformed', 'token is not base64url(payload).base64url(signature)');
  }
  const [payload, signature] = parts as [string, string];
  const expected = sign(payload, secret);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new TokenError('bad_signature', 'token signature does not match');
  }
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw new TokenError('invalid_claims', 'token payload is not JSON');
  }
  const { sub, exp } = (claims ?? {}) as Record<string, unknown>;
  if (typeof sub !== 'string' || sub.length === 0 || typeof exp !== 'number' || !Number.isFinite(exp)) {
    throw new TokenError('invalid_claims', 'token payload needs a non-empty string "sub" and a numeric "exp"');
  }
  if (exp * 1000 <= nowMs) throw new TokenError('expired', `token expired at ${new Date(exp * 1000).toISOString()}`);
  return { sub, exp };
}
