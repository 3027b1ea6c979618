/**
 * Prints an access token for trying the websocket service by hand:
 *
 *   WEBSOCKET_TOKEN_SECRET=… npx tsx services/websocket/mint-token.ts <user_id> [ttl-seconds]
 *
 * In production the API that logs users in issues tokens with the same secret.
 */
import { loadWebSocketSettings } from './settings.js';
import { signToken } from './token.js';

/** Lifetime of a minted token when none is given, in seconds. @default 3600 */
export const DEFAULT_TTL_SECONDS = 3600;

const [userId, ttlText] = process.argv.slice(2);
const ttl = ttlText === undefined ? DEFAULT_TTL_SECONDS : Number(ttlText);
if (!userId || !Number.isInteger(ttl) || ttl <= 0) {
  console.error('usage: WEBSOCKET_TOKEN_SECRET=… npx tsx services/websocket/mint-token.ts <user_id> [ttl-seconds]');
  process.exit(2);
}
try {
  const { tokenSecret } = loadWebSocketSettings(process.env);
  console.log(signToken({ sub: userId, exp: Math.floor(Date.now() / 1000) + ttl }, tokenSecret));
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
