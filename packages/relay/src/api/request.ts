import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Static, TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { ApiError } from './api-error.js';

/**
 * Reads a JSON body of at most `limit` bytes. Refuses a body that is not `application/json` (415), longer than the limit
 * (413, before reading past it) or not JSON (400).
 */
export async function readJsonBody(request: IncomingMessage, limit: number): Promise<unknown> {
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') throw new ApiError(415, 'ERR_UNSUPPORTED_MEDIA_TYPE', 'send the body as Content-Type: application/json');
  const declared = Number(request.headers['content-length'] ?? Number.NaN);
  if (declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    length += chunk.byteLength;
    if (length > limit) throw tooLarge(limit);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new ApiError(400, 'ERR_MALFORMED_JSON', 'the body is not valid JSON');
  }
}

function tooLarge(limit: number): ApiError {
  return new ApiError(413, 'ERR_BODY_TOO_LARGE', `the body is over ${limit} bytes`);
}

const compiled = new WeakMap<TSchema, TypeCheck<TSchema>>();

/** `value` as `schema` describes it, or a 400 naming the first offending field (a JSON pointer) and why. */
export function validateBody<T extends TSchema>(schema: T, value: unknown): Static<T> {
  let check = compiled.get(schema);
  if (check === undefined) compiled.set(schema, (check = TypeCompiler.Compile(schema)));
  if (check.Check(value)) return value;
  const first = check.Errors(value).First();
  const field = first?.path === undefined || first.path === '' ? '/' : first.path;
  throw new ApiError(400, 'ERR_VALIDATION', `${field}: ${first?.message ?? 'invalid'}`, field);
}

/** Sends `body` as JSON with `status`. */
export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...headers });
  response.end(text);
}
