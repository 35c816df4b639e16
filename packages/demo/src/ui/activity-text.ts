import type { ActivityEvent, Author } from '@concord/core';

/** A person as the feed names them: their name, marked when no relay confirmed it. */
export function who(author: Author | null): string {
  if (author === null) return 'Someone';
  return author.user;
}

const quote = (text: string): string => `“${text.trim() || 'Untitled task'}”`;

/** One event as a sentence a person reads. */
export function describeEvent(event: ActivityEvent): string {
  const by = who(event.by);
  const title = quote(event.title);
  switch (event.kind) {
    case 'created':
      return `${by} added ${title}`;
    case 'renamed':
      return `${by} renamed ${quote(event.from)} to ${quote(event.to)}`;
    case 'description-edited':
      return `${by} edited the description of ${title}`;
    case 'completed':
      return `${by} completed ${title}`;
    case 'reopened':
      return `${by} reopened ${title}`;
    case 'moved':
      return `${by} moved ${title}`;
    case 'deleted':
      return `${by} deleted ${title}`;
    case 'restored':
      return `${by} restored ${title}`;
    case 'purged':
      return `${by} deleted ${title} for good`;
    case 'text-conflict': {
      const others = event.alternatives.map((alternative) => `${quote(alternative.text)} (${who(alternative.by)})`).join(', ');
      const what = event.field === 'title' ? `renamed ${quote(event.from ?? event.title)}` : `edited the description of ${quote(event.title)}`;
      return `Both ${what}: showing ${quote(event.shown.text)} (${who(event.shown.by)}), also ${others}`;
    }
    case 'deleted-unseen-change':
      return `${by} deleted ${title} that ${who(event.changedBy)} had ${event.change === 'completed' ? 'completed' : 'edited'} offline`;
    case 'move-superseded':
      return `${by}'s move of ${title} was superseded by ${who(event.supersededBy)}'s`;
    case 'list-restored':
      return `${by} restored the list to ${when(event.to)}${event.only === null ? '' : `, reverting ${event.only}'s changes`}`;
  }
}

/** "14:05" today, "3 Dec 14:05" before. */
export function when(at: number, now = Date.now()): string {
  const date = new Date(at);
  const time = date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return new Date(now).toDateString() === date.toDateString() ? time : `${date.toLocaleDateString([], { day: 'numeric', month: 'short' })} ${time}`;
}
