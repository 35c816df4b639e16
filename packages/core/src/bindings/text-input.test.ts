// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { ConcordError } from '../errors/concord-error.js';
import { asTaskId } from '../model/ids.js';
import { InMemoryRelay } from '../transport/in-memory.js';
import { openReplica, settle, type Replica } from '../store/test-support/replicas.js';
import { bindTextInput } from './text-input.js';

// bindTextInput on a real DOM (jsdom): a field typed in here, the same task edited on another replica.

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function twoReplicas(title: string): Promise<{ relay: InMemoryRelay; here: Replica; there: Replica; id: ReturnType<Replica['list']['create']> }> {
  const relay = new InMemoryRelay();
  const here = await openReplica(relay, 'here', 'bound');
  const there = await openReplica(relay, 'there', 'bound');
  cleanups.push(() => here.concord.close(), () => there.concord.close());
  here.transport.connect();
  there.transport.connect();
  const id = here.list.create({ title });
  await settle(relay);
  return { relay, here, there, id };
}

function focusedInput(value = ''): HTMLInputElement {
  const input = document.createElement('input');
  document.body.append(input);
  cleanups.push(() => input.remove());
  input.value = value;
  input.focus();
  return input;
}

/** Types as a browser would: the field's value and caret change, then an `input` event. */
function type(input: HTMLInputElement, at: number, text: string): void {
  input.value = input.value.slice(0, at) + text + input.value.slice(at);
  input.setSelectionRange(at + text.length, at + text.length);
  input.dispatchEvent(new Event('input'));
}

describe('bindTextInput', () => {
  it('shows the task field and turns typing into a splice that merges with typing elsewhere', async () => {
    const { relay, here, there, id } = await twoReplicas('world');
    const input = focusedInput();
    const binding = bindTextInput(input, here.list, id, 'title');
    cleanups.push(() => binding.destroy());
    expect(input.value).toBe('world');

    type(input, 5, '!'); // here: "world!"
    there.list.text(id, 'title').insert(0, 'hello '); // there, at the same time: "hello world"
    await settle(relay);
    expect(here.list.get(id)?.title).toBe('hello world!');
    expect(there.list.get(id)?.title).toBe('hello world!');
    expect(input.value).toBe('hello world!');
  });

  it('keeps the caret and selection on the same characters through an edit from elsewhere', async () => {
    const { relay, here, there, id } = await twoReplicas('world');
    const input = focusedInput();
    const binding = bindTextInput(input, here.list, id, 'title');
    cleanups.push(() => binding.destroy());
    input.setSelectionRange(2, 4); // "rl"
    there.list.text(id, 'title').insert(0, 'hello ');
    await settle(relay);
    expect(input.value).toBe('hello world');
    expect([input.selectionStart, input.selectionEnd]).toEqual([8, 10]);
    expect(input.value.slice(input.selectionStart!, input.selectionEnd!)).toBe('rl');
  });

  it('leaves an IME composition alone and merges the edits it held back at its end', async () => {
    const { relay, here, there, id } = await twoReplicas('ab');
    const input = focusedInput();
    const binding = bindTextInput(input, here.list, id, 'title');
    cleanups.push(() => binding.destroy());
    input.dispatchEvent(new Event('compositionstart'));
    input.value = 'abかな';
    input.setSelectionRange(4, 4);
    input.dispatchEvent(new Event('input')); // mid-composition: not applied yet
    there.list.text(id, 'title').insert(0, 'X');
    await settle(relay);
    expect(input.value).toBe('abかな'); // the remote edit waits: the composition is not disturbed
    expect(here.list.get(id)?.title).toBe('Xab');
    input.dispatchEvent(new Event('compositionend'));
    expect(input.value).toBe('Xabかな');
    expect(input.selectionStart).toBe(5);
    await settle(relay);
    expect(there.list.get(id)?.title).toBe('Xabかな');
  });

  it('shows one version when typing apart collides, and builds the next keystroke on it', async () => {
    const { relay, here, there, id } = await twoReplicas('Cheese');
    const input = focusedInput();
    const binding = bindTextInput(input, here.list, id, 'title');
    cleanups.push(() => binding.destroy());
    here.transport.disconnect();
    there.transport.disconnect();
    input.value = 'Gouda'; // typed over the whole title
    input.setSelectionRange(5, 5);
    input.dispatchEvent(new Event('input'));
    there.list.update(id, { title: 'Brie' });
    here.transport.connect();
    there.transport.connect();
    await settle(relay);
    const shown = here.list.get(id)!;
    expect(['Gouda', 'Brie']).toContain(shown.title);
    expect(input.value).toBe(shown.title);
    expect(there.list.get(id)).toMatchObject({ title: shown.title, alternatives: shown.alternatives });
    expect(shown.alternatives?.title?.map((alternative) => alternative.text)).toEqual([shown.title === 'Gouda' ? 'Brie' : 'Gouda']);

    type(input, input.value.length, '!');
    await settle(relay);
    expect(there.list.get(id)).toMatchObject({ title: `${shown.title}!` });
    expect(there.list.get(id)?.alternatives).toBeUndefined();
    expect(input.value).toBe(`${shown.title}!`);
  });

  it('stops following the text on destroy()', async () => {
    const { relay, here, there, id } = await twoReplicas('kept');
    const input = focusedInput();
    bindTextInput(input, here.list, id, 'title').destroy();
    there.list.text(id, 'title').insert(4, ' and more');
    type(input, 4, '?');
    await settle(relay);
    expect(input.value).toBe('kept?');
    expect(here.list.get(id)?.title).toBe('kept and more');
  });

  it('refuses an unknown task or field with a clear error', async () => {
    const { here, id } = await twoReplicas('t');
    const input = focusedInput();
    expect(() => bindTextInput(input, here.list, asTaskId('nope'), 'title')).toThrow(ConcordError);
    expect(() => bindTextInput(input, here.list, id, 'completed' as never)).toThrow(/field must be 'title' or 'description'/);
  });
});
