/**
 * `npm run ws-client -- --user <id>`: connects to the websocket service on
 * this machine as that user (minting a token with the local key) and prints
 * each update it pushes, one JSON line per update on stdout, until Ctrl-C.
 *
 *   npm run ws-client -- --user user-1
 *   npm run ws-client -- --token "$TOKEN" --url ws://127.0.0.1:8084/ws --count 1
 */
import '../../platform/require-node.cjs';
import { parseArgs } from 'node:util';
import { LocalClientError, localWebSocketService, mintToken, watchUpdates } from './local-client.js';

const USAGE = [
  'usage: npm run ws-client -- --user <id> | --token <token> [--url ws://host:port/ws] [--count <n>]',
  '  --user   mint a token for this user with the local key (.local/services/websocket.env)',
  '  --token  use this token instead (npm run mint-token -- <id>)',
  '  --url    default: the port local:up gave the websocket service',
  '  --count  exit after this many updates (default: run until Ctrl-C)',
].join('\n');

function usage(problem: string): never {
  console.error(`${problem}\n${USAGE}`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      user: { type: 'string' },
      token: { type: 'string' },
      url: { type: 'string' },
      count: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (err) {
  usage((err as Error).message);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if ((values.user === undefined) === (values.token === undefined)) usage('give either --user <id> or --token <token>');
const count = values.count === undefined ? undefined : Number(values.count);
if (count !== undefined && (!Number.isInteger(count) || count < 1)) usage(`--count ${values.count} is not a positive whole number`);

const abort = new AbortController();
process.once('SIGINT', () => abort.abort());
process.once('SIGTERM', () => abort.abort());
try {
  const local = values.url !== undefined && values.token !== undefined ? undefined : localWebSocketService();
  const url = values.url ?? local!.url;
  const token = values.token ?? mintToken(values.user!, local!.tokenSecret);
  const end = await watchUpdates({
    url,
    token,
    count,
    signal: abort.signal,
    onOpen: () => console.error(`connected to ${url}${values.user ? ` as ${values.user}` : ''}; waiting for updates (Ctrl-C to stop)`),
    onUpdate: (text) => console.log(text),
  });
  console.error(`closed after ${end.updates} update(s): ${end.code}${end.reason ? ` ${end.reason}` : ''}`);
  // 1000: we or the server closed normally; anything else (4401 token expired, 4408 too slow, 1001 shutdown) is worth a non-zero status.
  process.exit(end.code === 1000 ? 0 : 1);
} catch (err) {
  console.error(err instanceof LocalClientError ? err.message : String(err));
  process.exit(1);
}
