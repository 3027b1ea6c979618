/** Generated passwords for the local broker and database. */
import { randomInt } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A random alphanumeric password. Alphanumeric because Kafka's `--add-scram`
 * splits on commas and brackets, and a URL (DATABASE_URL) needs no escaping.
 * @default 24 characters (about 143 bits)
 */
export function generatePassword(length = 24): string {
  let password = '';
  for (let i = 0; i < length; i++) password += ALPHABET[randomInt(ALPHABET.length)];
  return password;
}
