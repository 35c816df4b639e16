import type { IncomingMessage, ServerResponse } from 'node:http';

/** The minting requests (`/share-links`, `/lists`) are a few dozen bytes; anything past this is refused unread. */
export const MAX_MINT_BODY_BYTES = 4_096;

/** The body as text, or null past `MAX_MINT_BODY_BYTES`. */
export async function readSmallBody(request: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_MINT_BODY_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The bearer token of `Authorization: Bearer <token>`, or null. */
export function bearerOf(request: IncomingMessage): string | null {
  return /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1] ?? null;
}

/** A JSON answer that no cache keeps (it may hold a token). */
export function replyJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...headers });
  response.end(JSON.stringify(body));
}
