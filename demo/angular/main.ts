// <notify-phone> in Angular 21: a standalone component with CUSTOM_ELEMENTS_SCHEMA, built ahead of time by
// the application builder (demo/angular/angular.json, `npm run build:demo`). The element comes from the
// package's entry for bundlers, so the Twilio SDK is a lazy chunk of this build. With strictTemplates the
// template's `$event` of each `(notify-…)` binding is typed with our event class: the package's types add
// the events to the DOM's event map.
import 'notify-phone';
import { Component, CUSTOM_ELEMENTS_SCHEMA, signal } from '@angular/core';
import { bootstrapApplication } from '@angular/platform-browser';
import type { NotifyCallDisconnectEvent, NotifyCallStartEvent } from 'notify-phone';
import { signIn } from '../heard.js';

@Component({
  selector: 'notify-demo',
  schemas: [CUSTOM_ELEMENTS_SCHEMA],
  template: `
    <main>
      <section>
        <h2>Your phone</h2>
        @if (user(); as user) {
          <p>
            Signed in as <strong>{{ user.name }}</strong>.
          </p>
          <button type="button" [disabled]="callerId() !== ''" (click)="callerId.set('+15005550006')">
            Go online
          </button>
          <notify-phone
            backend="/api"
            lazy-vendor
            [callerId]="callerId()"
            [available]="available()"
            [strings]="strings"
            (notify-online)="online.set(true)"
            (notify-offline)="online.set(false)"
            (notify-call-start)="callStarted($event)"
            (notify-call-disconnect)="callEnded($event)"
            (notify-available-change)="available.set($event.detail.available)"
            (notify-error)="log('notify-error ' + $event.detail.code + ': ' + $event.detail.message)"
          ></notify-phone>
        } @else {
          <p>Signing in…</p>
        }
      </section>
      <section>
        <h2>Component state (signals)</h2>
        <dl id="state">
          <dt>online</dt>
          <dd>{{ online() }}</dd>
          <dt>in call</dt>
          <dd>{{ inCall() }}</dd>
          <dt>calls ended</dt>
          <dd>{{ callsEnded() }}</dd>
          <dt>available</dt>
          <dd>{{ available() }}</dd>
        </dl>
        <label>
          <input type="checkbox" [checked]="available()" (change)="available.set(!available())" />
          available (bound both ways)
        </label>
        <h2>Events</h2>
        <ol id="log" class="log">
          @for (entry of entries(); track $index) {
            <li>{{ entry }}</li>
          }
        </ol>
      </section>
    </main>
  `,
})
class NotifyDemo {
  readonly user = signal<{ name: string } | null>(null);
  readonly callerId = signal('');
  readonly online = signal(false);
  readonly inCall = signal(false);
  readonly callsEnded = signal(0);
  readonly available = signal(false);
  readonly entries = signal<string[]>([]);
  readonly strings = { statusReady: 'Ready (Angular)', statusUnavailable: 'Not taking calls (Angular)' };

  constructor() {
    signIn('Angular user').then((user: { name: string }) => this.user.set(user));
  }

  log(entry: string): void {
    this.entries.update((entries) => [entry, ...entries]);
  }

  callStarted(event: NotifyCallStartEvent): void {
    this.inCall.set(true);
    this.log(`notify-call-start ${event.detail.callId ?? ''}`);
  }

  callEnded(event: NotifyCallDisconnectEvent): void {
    this.inCall.set(false);
    this.callsEnded.update((count) => count + 1);
    this.log(`notify-call-disconnect ${event.detail.callId ?? ''}`);
  }
}

bootstrapApplication(NotifyDemo).catch((error: unknown) => console.error(error));
