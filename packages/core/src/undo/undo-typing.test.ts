// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { bindTextInput } from '../bindings/text-input.js';
import { Concord } from '../store/concord.js';
import { MemoryPersistence } from '../persistence/memory-persistence.js';
import { UNDO_DEFAULTS } from './undo-types.js';

// Typing through a bound field, on a real DOM (jsdom), with the list's clock in the test's hands.

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup() {
  let clock = 1_000_000;
  const concord = new Concord({ persistence: new MemoryPersistence(), syncTabs: false, now: () => clock });
  cleanups.push(() => concord.close());
  const list = await concord.openList('typing');
  const id = list.create({ title: '', description: '' });
  const field = (name: 'title' | 'description') => {
    const input = document.createElement('input');
    document.body.append(input);
    const binding = bindTextInput(input, list, id, name);
    cleanups.push(() => binding.destroy(), () => input.remove());
    return input;
  };
  const wait = (ms: number) => void (clock += ms);
  return { list, id, field, wait };
}

/** Types at the end of the field, as a browser would: its value changes, then an `input` event. */
function type(input: HTMLInputElement, text: string, inputType = 'insertText'): void {
  input.value += text;
  input.setSelectionRange(input.value.length, input.value.length);
  input.dispatchEvent(new InputEvent('input', { inputType }));
}

describe('undo of typing', () => {
  it('takes back a burst of typing in one field as one step, and the burst before it as another', async () => {
    const { list, id, field, wait } = await setup();
    const title = field('title');
    for (const key of 'Oat') {
      type(title, key);
      wait(200);
    }
    wait(UNDO_DEFAULTS.typingBurstMs);
    for (const key of ' milk') {
      type(title, key);
      wait(200);
    }
    expect(list.undoState.nextUndo).toMatchObject({ kind: 'typing', taskIds: [id], field: 'title' });
    list.undo();
    expect(title.value).toBe('Oat');
    list.undo();
    expect(title.value).toBe('');
    expect(list.undoState.nextUndo?.kind).toBe('create');
    list.redo();
    list.redo();
    expect(list.get(id)?.title).toBe('Oat milk');
  });

  it('makes typing in another field, and a paste, steps of their own', async () => {
    const { list, field } = await setup();
    const title = field('title');
    const description = field('description');
    type(title, 'Milk');
    type(description, 'two');
    type(description, ' litres, semi-skimmed', 'insertFromPaste');
    type(description, '!');
    expect(list.undo()?.action).toMatchObject({ kind: 'typing', field: 'description' });
    expect(description.value).toBe('two litres, semi-skimmed');
    expect(list.undo()?.action).toMatchObject({ kind: 'paste', field: 'description' });
    expect(description.value).toBe('two');
    expect(list.undo()?.action).toMatchObject({ kind: 'typing', field: 'description' });
    expect(list.undo()?.action).toMatchObject({ kind: 'typing', field: 'title' });
    expect([title.value, description.value]).toEqual(['', '']);
  });
});
