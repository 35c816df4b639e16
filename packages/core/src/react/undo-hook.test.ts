// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { createElement as h, StrictMode } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryPersistence } from '../persistence/memory-persistence.js';
import { Concord } from '../store/concord.js';
import { ConcordProvider, useTaskList, useUndo } from './hooks.js';

// useUndo with React Testing Library on jsdom, against a real Concord client.

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = false;

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  cleanup();
  for (const close of closers.splice(0)) await close();
});

describe('useUndo', () => {
  it('enables Undo and Redo as the stacks change and undoes through the list', async () => {
    const concord = new Concord({ persistence: new MemoryPersistence(), syncTabs: false });
    closers.push(() => concord.close());
    function Groceries() {
      const { list, tasks } = useTaskList('groceries');
      const { canUndo, canRedo, nextUndo, undo, redo } = useUndo(list);
      return h(
        'div',
        null,
        h('button', { onClick: () => list?.create({ title: 'Milk' }) }, 'Add'),
        h('button', { onClick: undo, disabled: !canUndo, title: nextUndo?.kind ?? '' }, 'Undo'),
        h('button', { onClick: redo, disabled: !canRedo }, 'Redo'),
        h('ul', null, ...tasks.map((task) => h('li', { key: task.id }, task.title))),
      );
    }
    render(h(StrictMode, null, h(ConcordProvider, { concord }, h(Groceries))));
    const button = (name: string) => screen.getByRole<HTMLButtonElement>('button', { name });
    await waitFor(() => expect(button('Undo').disabled).toBe(true));
    expect(button('Redo').disabled).toBe(true);

    fireEvent.click(button('Add'));
    await waitFor(() => expect(screen.getAllByRole('listitem')).toHaveLength(1));
    expect(button('Undo').disabled).toBe(false);
    expect(button('Undo').title).toBe('create');

    fireEvent.click(button('Undo'));
    await waitFor(() => expect(screen.queryAllByRole('listitem')).toHaveLength(0));
    expect(button('Undo').disabled).toBe(true);
    expect(button('Redo').disabled).toBe(false);

    fireEvent.click(button('Redo'));
    await waitFor(() => expect(screen.getAllByRole('listitem')).toHaveLength(1));
    expect(button('Redo').disabled).toBe(true);
  });
});
