import { createHmac, timingSafeEqual } from 'node:crypto';

/** Headers of a webhook delivery. */
export const WEBHOOK_HEADERS = {
  id: 'concord-webhook-id',
  timestamp: 'concord-timestamp',
  signature: 'concord-signature',
} as const;

/**
 * `v1=` and the hex HMAC-SHA256, keyed with the webhook's secret, of `<timestamp>.<body>`: the timestamp is signed
 * with the body, so a receiver that refuses old timestamps refuses a replayed delivery.
 */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * For receivers: true when `signature` is `signWebhook(secret, timestamp, body)` and `timestamp` (seconds since the
 * epoch) is within `toleranceSeconds` of now.
 */
export function verifyWebhook(secret: string, body: string, timestamp: string, signature: string, options: { toleranceSeconds?: number; now?: number } = {}): boolean {
  const seconds = Number(timestamp);
  if (!/^\d+$/.test(timestamp) || Math.abs((options.now ?? Date.now()) / 1000 - seconds) > (options.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(signWebhook(secret, seconds, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
