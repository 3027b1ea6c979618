/** The end of a server's log file, for the error message when it does not start. */
import { readFileSync } from 'node:fs';
import { tail } from '../local/processes.js';

export function logTail(file: string, lines = 30): string {
  try {
    return tail(readFileSync(file, 'utf8'), lines);
  } catch {
    return '(no log yet)';
  }
}
