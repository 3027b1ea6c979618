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
  /** Statuses to answer, one per call, for a reminder title before `statusFor` applies. */
  readonly statusSequence = new Map<string, number[]>();
  private readonly server: Server;
  private address = '';

  private constructor() {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const reminder = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ReminderEvent;
        this.calls.push({
          idempotencyKey: request.headers['idempotency-key'] as string | undefined,
          contentType: request.headers['content-type'],
          reminder,
        });
        const status = this.statusSequence.get(reminder.title)?.shift() ?? this.statusFor.get(reminder.title) ?? 200;
        response.writeHead(status, { 'content-type': 'text/plain' });
        response.end('thanks');
      });
    });
  }

  static async start(): Promise<WebhookServer> {
    const webhook = new WebhookServer();
    await new Promise<void>((resolve) => webhook.server.listen(0, '127.0.0.1', resolve));
    webhook.address = `http://127.0.0.1:${(webhook.server.address() as AddressInfo).port}/reminders`;
    return webhook;
  }

  /** The URL to configure as `NOTIFY_WEBHOOK_URL`. */
  get url(): string {
    return this.address;
  }

  /** Calls for reminders whose title contains `marker`. */
  callsFor(marker: string): WebhookCall[] {
    return this.calls.filter((c) => c.reminder.title.includes(marker));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
