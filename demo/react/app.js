// <notify-phone> in React 19, without JSX. React 19 sets known properties of a custom element as
// properties; DOM events are listened to through a ref (the portable way across React versions).
import { createElement as h, useEffect, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';

function Phone({ callerId, onEvent }) {
  const ref = useRef(null);
  useEffect(() => {
    const el = ref.current;
    const names = [
      'notify-online',
      'notify-offline',
      'notify-error',
      'notify-call-start',
      'notify-call-disconnect',
    ];
    const listener = (event) => onEvent(event);
    for (const name of names) el.addEventListener(name, listener);
    return () => names.forEach((name) => el.removeEventListener(name, listener));
  }, [onEvent]);
  return h('notify-phone', {
    ref,
    backend: '/api',
    'lazy-vendor': '',
    'caller-id': callerId || undefined,
    strings: { statusReady: 'Ready (React)' },
  });
}

function App() {
  const [user, setUser] = useState(null);
  const [callerId, setCallerId] = useState('');
  const [log, setLog] = useState([]);
  useEffect(() => {
    fetch('/api/auth/dev-sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'React user' }),
    })
      .then((response) => response.json())
      .then((body) => setUser(body.user));
  }, []);
  const onEvent = useRef((event) =>
    setLog((entries) => [`${event.type} ${JSON.stringify(event.detail)}`, ...entries].slice(0, 30)),
  ).current;
  return h(
    'main',
    null,
    h(
      'section',
      null,
      h('h2', null, 'Your phone'),
      user
        ? [
            h('p', { key: 'who' }, 'Signed in as ', h('strong', null, user.name), '.'),
            h(
              'button',
              { key: 'go', type: 'button', disabled: !!callerId, onClick: () => setCallerId('+15005550006') },
              'Go online',
            ),
            h(Phone, { key: 'phone', callerId, onEvent }),
          ]
        : h('p', null, 'Signing in…'),
    ),
    h(
      'section',
      null,
      h('h2', null, 'Events (React state)'),
      h(
        'ol',
        { className: 'log' },
        log.map((entry, i) => h('li', { key: log.length - i }, entry)),
      ),
    ),
  );
}

createRoot(document.querySelector('#app')).render(h(App));
