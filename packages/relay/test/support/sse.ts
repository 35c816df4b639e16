import { request, type ClientRequest } from 'node:http';

export interface SseMessage {
  readonly id: string;
  readonly event: string;
  readonly data: unknown;
}

/** A Server-Sent Events reader over node:http: records every message; `ended` resolves when the stream ends. */
export class EventStream {
  readonly messages: SseMessage[] = [];
  status = 0;
  #request: ClientRequest | null = null;
  readonly ended: Promise<void>;
  readonly opened: Promise<number>;

  constructor(url: string, headers: Record<string, string> = {}) {
    let opened!: (status: number) => void;
    this.opened = new Promise((resolve) => (opened = resolve));
    this.ended = new Promise((resolve) => {
      const req = request(url, { headers: { accept: 'text/event-stream', ...headers } }, (response) => {
        this.status = response.statusCode ?? 0;
        opened(this.status);
        let buffer = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          buffer += chunk;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) !== -1) {
            this.#parse(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
          }
        });
        response.on('close', () => resolve());
      });
      req.on('error', () => {
        opened(0);
        resolve();
      });
      req.end();
      this.#request = req;
    });
  }

  #parse(block: string): void {
    let id = '';
    let event = 'message';
    let data = '';
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'id') id = value;
      else if (field === 'event') event = value;
      else if (field === 'data') data += value;
    }
    if (data !== '') this.messages.push({ id, event, data: JSON.parse(data) as unknown });
  }

  close(): void {
    this.#request?.destroy();
  }
}
