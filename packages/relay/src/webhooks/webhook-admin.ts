import { isValidId } from '@concord/core/model';
import { TASK_EVENT_TYPES } from '../api/schemas.js';
import type { ControlRequest } from '../control/control-protocol.js';
import type { Webhook, WebhookStore } from './webhook-store.js';

/** A webhook as `webhooks list` shows it: without its secret, with the last event number delivered. */
export interface WebhookSummary {
  readonly id: string;
  readonly list: string;
  readonly url: string;
  readonly events: readonly string[] | null;
  /** The last event number delivered (or skipped by the filter); null before the first. */
  readonly delivered: number | null;
}

/** What is wrong with a webhook definition, or null when nothing is. */
export function webhookProblem(options: { list?: string; url?: string; events?: readonly string[] | null; secret?: string }): string | null {
  const { list, url, events, secret } = options;
  if (list === undefined || !isValidId(list)) return '--list <list id> is required (1-128 of A-Z a-z 0-9 _ -)';
  if (url === undefined || !URL.canParse(url) || !['http:', 'https:'].includes(new URL(url).protocol)) return '--url <http(s) URL> is required';
  const unknown = events?.filter((type) => !(TASK_EVENT_TYPES as readonly string[]).includes(type)) ?? [];
  if (unknown.length > 0) return `unknown event type ${unknown[0]}: expected ${TASK_EVENT_TYPES.join(', ')}`;
  if (secret !== undefined && secret.length < 16) return '--secret must have at least 16 characters';
  return null;
}

/** A running relay's delivery, told of webhooks added and removed while it runs. */
export interface LiveWebhooks {
  added(hook: Webhook): Promise<void>;
  /** Resolves once no delivery to the webhook is in flight any more. */
  removing(id: string): Promise<void>;
}

/** The refusals of a webhooks operation: `code` is `ERR_USAGE` (bad definition) or `ERR_NO_WEBHOOK`. */
export class WebhookOperationError extends Error {
  constructor(
    readonly code: 'ERR_USAGE' | 'ERR_NO_WEBHOOK',
    message: string,
  ) {
    super(message);
    this.name = 'WebhookOperationError';
  }
}

/**
 * One `webhooks` operation on the stored webhooks: what the CLI does itself while the relay is stopped, and what a
 * running relay does for it through its control socket (then with `live`, so delivery starts or stops at once).
 */
export async function runWebhookOperation(hooks: WebhookStore, request: ControlRequest, live: LiveWebhooks | null): Promise<unknown> {
  switch (request.op) {
    case 'webhooks.add': {
      const { list, url, events, secret } = request;
      const problem = webhookProblem({ list, url, events, ...(secret === undefined ? {} : { secret }) });
      if (problem !== null) throw new WebhookOperationError('ERR_USAGE', problem);
      const hook = await hooks.add({ list, url, events, ...(secret === undefined ? {} : { secret }) });
      await live?.added(hook);
      return hook;
    }
    case 'webhooks.list': {
      const summaries: WebhookSummary[] = [];
      for (const hook of await hooks.list()) {
        const position = await hooks.position(hook.id);
        summaries.push({ id: hook.id, list: hook.list, url: hook.url, events: hook.events, delivered: position < 0 ? null : position });
      }
      return summaries;
    }
    case 'webhooks.remove': {
      if (!(await hooks.list()).some((hook) => hook.id === request.id)) throw new WebhookOperationError('ERR_NO_WEBHOOK', `no webhook ${request.id}`);
      await live?.removing(request.id);
      await hooks.remove(request.id);
      return null;
    }
    case 'webhooks.log': {
      if (request.id !== null && !(await hooks.list()).some((hook) => hook.id === request.id)) throw new WebhookOperationError('ERR_NO_WEBHOOK', `no webhook ${request.id}`);
      return hooks.log(request.id, request.limit);
    }
    default:
      throw new WebhookOperationError('ERR_USAGE', `unknown operation ${(request as { op?: unknown }).op as string}`);
  }
}
