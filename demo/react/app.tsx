// <notify-phone> in React 19 through notify-phone/react, the wrapper @lit/react generates: properties are
// props (`strings` goes in as an object), and each `notify-…` event is a typed `onNotify…` prop. The
// element comes with the wrapper (this bundle registers it; the Twilio SDK is a lazy chunk of it).
import { useEffect, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { NotifyPhone, type NotifyPhoneElement } from 'notify-phone/react';
import { signIn } from '../heard.js';

const strings = { statusReady: 'Ready (React)', statusUnavailable: 'Not taking calls (React)' };

function App() {
  const [user, setUser] = useState<{ name: string } | null>(null);
  const [callerId, setCallerId] = useState('');
  const [log, setLog] = useState<string[]>([]);
  const phone = useRef<NotifyPhoneElement>(null);
  useEffect(() => {
    signIn('React user').then(setUser);
  }, []);
  const logged = (entry: string) => setLog((entries) => [entry, ...entries].slice(0, 30));
  return (
    <main>
      <section>
        <h2>Your phone</h2>
        {user ? (
          <>
            <p>
              Signed in as <strong>{user.name}</strong>.
            </p>
            <button type="button" disabled={!!callerId} onClick={() => setCallerId('+15005550006')}>
              Go online
            </button>
            <NotifyPhone
              ref={phone}
              backend="/api"
              lazyVendor
              callerId={callerId}
              strings={strings}
              onNotifyOnline={() => logged(`notify-online (status ${phone.current?.status})`)}
              onNotifyOffline={() => logged('notify-offline')}
              onNotifyError={(event) => logged(`notify-error ${event.detail.code}: ${event.detail.message}`)}
              onNotifyCallStart={(event) => logged(`notify-call-start ${event.detail.callId ?? ''}`)}
              onNotifyCallDisconnect={(event) =>
                logged(`notify-call-disconnect ${event.detail.callId ?? ''}`)
              }
            />
          </>
        ) : (
          <p>Signing in…</p>
        )}
      </section>
      <section>
        <h2>Events (React state)</h2>
        <ol id="log" className="log">
          {log.map((entry, i) => (
            <li key={log.length - i}>{entry}</li>
          ))}
        </ol>
      </section>
    </main>
  );
}

createRoot(document.querySelector('#app')!).render(<App />);
