/**
 * A local webhook standing in for the notification receiver: records each
 * call and answers with a status chosen per reminder title.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ReminderEvent } from '../../../services/lib/events.js';

export interface WebhookCall {
  readonly idempotencyKey: string | undefined;
  readonly contentType: string | undefined;
  readonly reminder: ReminderEvent;
}

export class WebhookServer {
  readonly calls: WebhookCall[] = [];
  /** Status to answer for a reminder title (200 when absent). */
  readonly statusFor = new Map<string, number>();
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<WebhookServer> {
    let self: WebhookServer | undefined;
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const reminder = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ReminderEvent;
        self!.calls.push({
          idempotencyKey: request.headers['idempotency-key'] as string | undefined,
          contentType: request.headers['content-type'],
          reminder,
        });
        response.writeHead(self!.statusFor.get(reminder.title) ?? 200, { 'content-type': 'text/plain' });
        response.end('thanks');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    self = new WebhookServer(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}/reminders`);
    return self;
  }

  /** Calls for reminders whose title contains `marker`. */
  callsFor(marker: string): WebhookCall[] {
    return this.calls.filter((c) => c.reminder.title.includes(marker));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
