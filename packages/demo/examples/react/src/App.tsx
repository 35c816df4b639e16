import { bindTextInput, type Peer, type TaskId, type TaskList } from '@concord/core';
import { useConcord, usePresence, useSyncStatus, useTask, useTaskList } from '@concord/core/react';
import { memo, useEffect, useRef, useState } from 'react';

export function App({ listId, userName }: { listId: string; userName: string }) {
  const { list, tasks, loading, firstSync } = useTaskList(listId);
  const { peers, editorsByTask } = usePresence(list, { name: userName });
  const [title, setTitle] = useState('');
  if (loading || !list) return <p>Opening the list…</p>;
  return (
    <main>
      <SyncBar list={list} />
      <p data-testid="peers">{peers.map((peer) => peer.user.name + (peer.self ? ' (you)' : '')).join(', ')}</p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (title.trim()) list.create({ title: title.trim() });
          setTitle('');
        }}
      >
        <input data-testid="new-task" value={title} onChange={(event) => setTitle(event.target.value)} placeholder="New task" />
      </form>
      {tasks.length === 0 && <p data-testid="empty">{firstSync ? 'Not downloaded to this device yet' : 'No tasks yet'}</p>}
      <ul>
        {tasks.map((task) => (
          <Row key={task.id} list={list} id={task.id} editors={editorsByTask.get(task.id)} />
        ))}
      </ul>
    </main>
  );
}

/** Renders only when its own task (or who edits it) changes. */
const Row = memo(function Row({ list, id, editors }: { list: TaskList; id: TaskId; editors: readonly Peer[] | undefined }) {
  const task = useTask(list, id);
  const { presence } = usePresence(list);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    const binding = bindTextInput(input.current!, list, id, 'title');
    return () => binding.destroy();
  }, [list, id]);
  if (!task) return null;
  return (
    <li data-testid="task" data-task-id={id}>
      <input type="checkbox" data-testid="toggle" checked={task.completed} onChange={(event) => list.update(id, { completed: event.target.checked })} />
      <input
        ref={input}
        data-testid="title"
        onFocus={() => presence?.setEditing({ taskId: id, field: 'title' })}
        onBlur={() => presence?.setEditing(null)}
      />
      {editors?.map((peer) => <span key={peer.clientId}> {peer.user.name} is editing</span>)}
      <button onClick={() => list.delete(id)}>Delete</button>
    </li>
  );
});

function SyncBar({ list }: { list: TaskList }) {
  const concord = useConcord();
  const status = useSyncStatus(list);
  const { online } = useSyncStatus(); // the client's: online is false while working offline by choice
  return (
    <p>
      <span data-testid="status">{status.state}</span> · <span data-testid="unsaved">{status.unsavedTasks}</span> not yet saved ·{' '}
      <label>
        <input type="checkbox" data-testid="offline" checked={!online} onChange={(event) => (event.target.checked ? concord.disconnect() : concord.connect())} />
        Work offline
      </label>
    </p>
  );
}
