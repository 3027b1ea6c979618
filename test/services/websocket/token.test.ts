import { createHmac } from 'node:crypto';
import { signToken, TokenError, verifyToken } from '../../../services/websocket/token.js';

const SECRET = 'a-test-secret-that-is-at-least-32-bytes-long';
const NOW = Date.parse('2026-11-27T10:00:00Z');
const IN_AN_HOUR = NOW / 1000 + 3600;

function refusal(token: string | undefined, secret = SECRET): { code: string; message: string } {
  try {
    verifyToken(token, secret, NOW);
  } catch (err) {
    if (err instanceof TokenError) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error('token was accepted');
}

describe('signToken and verifyToken', () => {
  test('a token round-trips its subject and expiry', () => {
    const token = signToken({ sub: 'user-1', exp: IN_AN_HOUR }, SECRET);
    expect(verifyToken(token, SECRET, NOW)).toEqual({ sub: 'user-1', exp: IN_AN_HOUR });
  });

  test('the token is base64url(payload).base64url(HMAC-SHA256 of the first part)', () => {
    const token = signToken({ sub: 'user-1', exp: 1 }, SECRET);
    const [payload, signature] = token.split('.');
    expect(JSON.parse(Buffer.from(payload!, 'base64url').toString())).toEqual({ sub: 'user-1', exp: 1 });
    expect(signature).toBe(createHmac('sha256', SECRET).update(payload!).digest('base64url'));
  });

  test('a missing token is refused with where to put it', () => {
    expect(refusal(undefined)).toEqual({
      code: 'missing',
      message: 'no token: send it as ?token=<token> or "Authorization: Bearer <token>"',
    });
  });

  test('a token signed with another secret is refused', () => {
    const token = signToken({ sub: 'user-1', exp: IN_AN_HOUR }, 'another-secret-another-secret-another');
    expect(refusal(token)).toEqual({ code: 'bad_signature', message: 'token signature does not match' });
  });

  test('a payload changed after signing is refused', () => {
    const [, signature] = signToken({ sub: 'user-1', exp: IN_AN_HOUR }, SECRET).split('.');
    const forged = Buffer.from(JSON.stringify({ sub: 'user-2', exp: IN_AN_HOUR })).toString('base64url');
    expect(refusal(`${forged}.${signature}`).code).toBe('bad_signature');
  });

  test('an expired token is refused with its expiry', () => {
    const token = signToken({ sub: 'user-1', exp: NOW / 1000 }, SECRET);
    expect(refusal(token)).toEqual({ code: 'expired', message: 'token expired at 2026-11-27T10:00:00.000Z' });
  });

  test('malformed tokens are refused before any parsing', () => {
    for (const token of ['abc', 'a.b.c', 'a b.c', '.sig']) expect(refusal(token).code).toBe('malformed');
  });

  test('a correctly signed payload without sub or exp is refused', () => {
    const payload = Buffer.from(JSON.stringify({ sub: '', exp: 'soon' })).toString('base64url');
    const token = `${payload}.${createHmac('sha256', SECRET).update(payload).digest('base64url')}`;
    expect(refusal(token)).toEqual({ code: 'invalid_claims', message: 'token payload needs a non-empty string "sub" and a numeric "exp"' });
  });
});
