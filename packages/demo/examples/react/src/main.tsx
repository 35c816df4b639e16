import { Concord } from '@concord/core';
import { ConcordProvider } from '@concord/core/react';
import { StrictMode, version } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';

// The relay serves this page and speaks the sync protocol on the same host and port.
const params = new URLSearchParams(location.search);
const concord = new Concord({ url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}`, userId: params.get('user') ?? 'anonymous' });

// The React version this build runs on, for the browser test that runs the page on React 18 and 19.
document.documentElement.dataset['react'] = version;

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ConcordProvider concord={concord}>
      <App listId={params.get('list') ?? 'react-demo'} userName={params.get('user') ?? 'Someone'} />
    </ConcordProvider>
  </StrictMode>,
);
