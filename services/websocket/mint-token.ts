/**
 * `npm run mint-token -- <user_id> [ttl-seconds]`: prints an access token for
 * trying the websocket service by hand, signed with the key the service on
 * this machine uses (`WEBSOCKET_TOKEN_SECRET`, else the one `npm run local:up`
 * wrote into `.local/services/websocket.env`). Only the token goes to stdout:
 *
 *   TOKEN=$(npm run --silent mint-token -- user-1)
 *
 * In production the API that logs users in issues tokens with the same key.
 */
import '../../platform/require-node.cjs';
import { DEFAULT_TTL_SECONDS, LocalClientError, localWebSocketService, mintToken } from './local-client.js';

export { DEFAULT_TTL_SECONDS };

const USAGE = 'usage: npm run mint-token -- <user_id> [ttl-seconds]   (default ttl: 3600)';

const [userId, ttlText, ...rest] = process.argv.slice(2);
const ttl = ttlText === undefined ? DEFAULT_TTL_SECONDS : Number(ttlText);
if (!userId || rest.length > 0 || !Number.isInteger(ttl) || ttl <= 0) {
  console.error(`name the user (and optionally the lifetime in whole seconds): ${USAGE}`);
  process.exit(2);
}
try {
  console.log(mintToken(userId, localWebSocketService().tokenSecret, ttl));
} catch (error) {
  console.error(error instanceof LocalClientError ? error.message : String(error));
  process.exit(1);
}
