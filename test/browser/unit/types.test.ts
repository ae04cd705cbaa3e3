/**
 * Type-level checks of the public API; `npx tsc -p test/browser` fails when they break.
 * The runtime part only checks that the entry exports what the types promise.
 */
import { expect } from '@open-wc/testing';
import * as api from '../../../src/index.js';
import type {
  CallQualityWarning,
  NotifyEventName,
  NotifyClientEvents,
  NotifyErrorCode,
  Status,
  StdEvent,
  Vendor,
} from '../../../src/index.js';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assert = <T extends true>(_value?: T) => undefined;

assert<Equal<Status, 'pending' | 'connecting' | 'ringing' | 'open' | 'reconnecting' | 'closed'>>();
assert<Equal<Vendor, 'TwilioDirect' | 'Twilio' | 'SIP'>>();
// ServiceNow's events, and our NOTIFY_EVENTS beside them.
assert<Equal<keyof NotifyClientEvents, StdEvent | NotifyEventName>>();
assert<
  Equal<NotifyClientEvents['reconnect'], [state: 'reconnecting' | 'reconnected', callId: string | undefined]>
>();
assert<Equal<NotifyClientEvents['error'], [message: string, code: NotifyErrorCode]>>();
assert<Equal<ReturnType<api.NotifyClient['addEventListener']>, () => void>>();
assert<Equal<ReturnType<api.NotifyClient['call']>, void>>();
assert<Equal<HTMLElementTagNameMap['notify-phone'], api.NotifyPhone>>();
assert<Equal<GlobalEventHandlersEventMap['notify-error'], api.NotifyErrorEvent>>();
assert<Equal<api.NotifyErrorEvent['detail'], { message: string; code: NotifyErrorCode }>>();

function _listenerTypes(client: api.NotifyClient) {
  client.addEventListener(api.STD_EVENTS.ERROR, (_message, _code) => {
    assert<Equal<typeof _message, string>>();
    assert<Equal<typeof _code, NotifyErrorCode>>();
  });
  client.addEventListener(
    api.STD_EVENTS.INCOMING_CALL,
    (_from, _to, _callId, _parentId, _sysId, _isFromClient) => {
      assert<Equal<typeof _parentId, string | undefined>>();
      assert<Equal<typeof _isFromClient, boolean>>();
    },
  );
  client.addEventListener(api.NOTIFY_EVENTS.CALL_QUALITY, (_warning) => {
    assert<Equal<typeof _warning, CallQualityWarning>>();
  });
  // @ts-expect-error an unknown event name is a type error
  client.addEventListener('no-such-event', () => undefined);
}

describe('public entry', () => {
  it('exports the client, constants, errors, element and events', () => {
    expect(_listenerTypes).to.be.a('function');
    expect(api.NotifyClient).to.be.a('function');
    expect(api.STD_EVENTS.CALL_START).to.equal('call_start');
    expect(api.Status.OPEN).to.equal('open');
    expect(api.Vendor.TWILIO_DIRECT).to.equal('TwilioDirect');
    expect(api.Vendor.SIP).to.equal('SIP'); // our extension (issue 15)
    expect(new api.NotifyError('DESTROYED').code).to.equal('DESTROYED');
    expect(customElements.get('notify-phone')).to.equal(api.NotifyPhone);
    expect(api.NotifyOnlineEvent.eventName).to.equal('notify-online');
  });
});
