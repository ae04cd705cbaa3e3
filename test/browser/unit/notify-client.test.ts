import { expect, waitUntil } from '@open-wc/testing';
import { NOTIFY_EVENTS, STD_EVENTS, Status, Vendor } from '../../../src/client/constants.js';
import { NotifyError } from '../../../src/client/errors.js';
import type { AvailableClient } from '../../../src/client/backend.js';
import { NotifyClient } from '../../../src/client/notify-client.js';
import { FakeDriver } from '../../../src/drivers/fake-driver.js';
import {
  CALLER_ID,
  FORBIDDEN_NUMBER,
  NO_VENDOR_NUMBER,
  makeClient,
  onlineClient,
  tick,
} from './helpers/setup.js';

describe('NotifyClient', () => {
  describe('init', () => {
    it('creates a session, registers the driver and emits ONLINE', async () => {
      const { client, backend, driver, names } = makeClient();
      client.setCallerId(CALLER_ID);
      client.init();
      await waitUntil(() => names().includes(STD_EVENTS.ONLINE));
      expect(backend.methods).to.deep.equal(['createSession']);
      expect(driver.registerOptions?.token).to.equal('token-1');
      expect(driver.registerOptions?.device).to.deep.equal({ chunderw: '127.0.0.1:1', publishEvents: false });
      expect(client.getDeviceState()).to.equal('online');
      expect(client.getStatus()).to.equal(Status.CLOSED);
    });

    it('emits ERROR and stays offline when registration fails, deleting the session', async () => {
      const { client, backend, driver, names, errors } = makeClient();
      driver.registerError = new NotifyError('TOKEN_INVALID');
      client.setCallerId(CALLER_ID);
      client.init();
      await waitUntil(() => errors().length > 0);
      expect(errors()).to.deep.equal(['TOKEN_INVALID']);
      await waitUntil(() => backend.methods.includes('deleteSession'));
      expect(client.getDeviceState()).to.equal('offline');
      expect(names()).to.not.include(STD_EVENTS.ONLINE);
      expect(names()).to.not.include(STD_EVENTS.OFFLINE);
    });

    it('reports NO_VENDOR and MISSING_CALLER_ID instead of starting', () => {
      const noVendor = makeClient({ config: { vendor: undefined } });
      noVendor.client.setCallerId(CALLER_ID);
      noVendor.client.init();
      expect(noVendor.errors()).to.deep.equal(['NO_VENDOR']);
      const noCaller = makeClient();
      noCaller.client.init();
      expect(noCaller.errors()).to.deep.equal(['MISSING_CALLER_ID']);
      expect(noCaller.backend.methods).to.deep.equal([]);
    });

    it('accepts the deprecated Vendor.TWILIO', async () => {
      const { client, names } = makeClient({ config: { vendor: Vendor.TWILIO } });
      client.setCallerId(CALLER_ID);
      client.init();
      await waitUntil(() => names().includes(STD_EVENTS.ONLINE));
    });
  });

  describe('setCallerId', () => {
    it('writes the vendor into notifyConfig in lazy mode, then calls back', async () => {
      const { client, config, errors } = makeClient({ lazy: true });
      let called = 0;
      client.setCallerId(CALLER_ID, () => called++);
      expect(config.vendor).to.equal(undefined);
      await waitUntil(() => called === 1);
      expect(config.vendor).to.equal(Vendor.TWILIO_DIRECT);
      expect(config.callerId).to.equal(CALLER_ID);
      expect(errors()).to.deep.equal([]);
    });

    it('leaves the vendor unset, emits CALLER_ID_NOT_ALLOWED and still calls back', async () => {
      const { client, config, errors } = makeClient({ lazy: true });
      let called = 0;
      client.setCallerId(FORBIDDEN_NUMBER, () => called++);
      await waitUntil(() => called === 1);
      expect(config.vendor).to.equal(undefined);
      expect(errors()).to.deep.equal(['CALLER_ID_NOT_ALLOWED']);
    });

    it('leaves the vendor unset and emits NO_VENDOR for a number without vendor', async () => {
      const { client, config, errors } = makeClient({ lazy: true });
      let called = 0;
      client.setCallerId(NO_VENDOR_NUMBER, () => called++);
      await waitUntil(() => called === 1);
      expect(config.vendor).to.equal(undefined);
      expect(errors()).to.deep.equal(['NO_VENDOR']);
    });

    it('throws when given a callback without lazy mode', () => {
      const { client } = makeClient();
      expect(() => client.setCallerId(CALLER_ID, () => undefined))
        .to.throw(NotifyError)
        .with.property('code', 'LAZY_CALLBACK_REQUIRES_LAZY_MODE');
    });

    it('rejects a change to a number of another vendor', async () => {
      const { client, config, backend, errors } = makeClient({ lazy: true, config: { vendor: 'Other' } });
      backend.numbers['+15550100003'] = 'TWILIO_DIRECT';
      let called = 0;
      client.setCallerId('+15550100003', () => called++);
      await waitUntil(() => called === 1);
      expect(errors()).to.deep.equal(['VENDOR_MISMATCH']);
      expect(config.callerId).to.equal(undefined);
    });

    it('reports INVALID_NUMBER for a non-E.164 caller ID', () => {
      const { client, errors, config } = makeClient();
      client.setCallerId('0800-CALL-ME');
      expect(errors()).to.deep.equal(['INVALID_NUMBER']);
      expect(config.callerId).to.equal(undefined);
    });
  });

  describe('listeners', () => {
    it('addEventListener returns a working de-register function', async () => {
      const { client } = makeClient();
      let count = 0;
      const dereg = client.addEventListener(STD_EVENTS.ERROR, () => count++);
      client.call({ phoneNumber: '+15551234567' });
      dereg();
      client.call({ phoneNumber: '+15551234567' });
      expect(count).to.equal(1);
    });

    it('a throwing listener breaks neither the client nor the other listeners', async () => {
      const { client } = makeClient();
      client.setCallerId(CALLER_ID);
      const seen: string[] = [];
      const originalError = console.error;
      const reported: unknown[] = [];
      console.error = (...args: unknown[]) => reported.push(args);
      try {
        client.addEventListener(STD_EVENTS.ONLINE, () => {
          throw new Error('listener bug');
        });
        client.addEventListener(STD_EVENTS.ONLINE, () => seen.push('second'));
        client.init();
        await waitUntil(() => seen.length === 1);
      } finally {
        console.error = originalError;
      }
      expect(client.getDeviceState()).to.equal('online');
      expect(reported).to.have.length(1);
    });

    it('reports an unknown event name as INVALID_ARGUMENT', () => {
      const { client, errors } = makeClient();
      const dereg = client.addEventListener('nope' as typeof STD_EVENTS.ONLINE, () => undefined);
      expect(dereg).to.be.a('function');
      expect(errors()).to.deep.equal(['INVALID_ARGUMENT']);
    });
  });

  describe('call', () => {
    it('before init emits NOT_INITIALIZED and changes nothing', () => {
      const { client, driver, errors } = makeClient();
      client.call({ phoneNumber: '+15551234567' });
      expect(errors()).to.deep.equal(['NOT_INITIALIZED']);
      expect(client.getStatus()).to.equal(Status.CLOSED);
      expect(driver.methods).to.deep.equal([]);
    });

    it('rejects a number that is not E.164 with INVALID_NUMBER', async () => {
      const { client, driver, errors } = await onlineClient();
      client.call({ phoneNumber: '5551234567' });
      expect(errors()).to.deep.equal(['INVALID_NUMBER']);
      expect(client.getStatus()).to.equal(Status.CLOSED);
      expect(driver.methods).to.not.include('connect');
    });

    it('goes through the statuses with CALL_INIT, CALL_START and CALL_DISCONNECT in order', async () => {
      const { client, driver, events, names } = await onlineClient();
      const seenStatuses: string[] = [];
      client.addEventListener(STD_EVENTS.CALL_INIT, () => seenStatuses.push(client.getStatus()));
      client.call({ phoneNumber: '+15551234567', userId: 'ignored' });
      expect(client.getStatus()).to.equal(Status.PENDING);
      await waitUntil(() => names().includes(STD_EVENTS.CALL_INIT));
      expect(driver.log.find((e) => e.method === 'connect')?.args[0]).to.deep.equal({ To: '+15551234567' });
      expect(client.getStatus()).to.equal(Status.CONNECTING);
      driver.ring();
      expect(client.getStatus()).to.equal(Status.RINGING);
      driver.answer();
      expect(client.getStatus()).to.equal(Status.OPEN);
      driver.remoteHangup();
      expect(client.getStatus()).to.equal(Status.CLOSED);
      const callEvents = events.filter((e) => e.event.startsWith('call_'));
      expect(callEvents.map((e) => e.event)).to.deep.equal([
        STD_EVENTS.CALL_INIT,
        STD_EVENTS.CALL_START,
        STD_EVENTS.CALL_DISCONNECT,
      ]);
      expect(callEvents[0].args[0]).to.equal(Status.CONNECTING);
      expect(callEvents[1].args[0]).to.match(/^CAfake/);
      expect(seenStatuses).to.deep.equal([Status.CONNECTING]);
    });

    it('calls a client with {userId}', async () => {
      const { client, driver } = await onlineClient();
      client.call({ userId: 'abc123' });
      await waitUntil(() => driver.methods.includes('connect'));
      expect(driver.log.find((e) => e.method === 'connect')?.args[0]).to.deep.equal({ To: 'client:abc123' });
    });

    it('refuses a second call while busy with INVALID_STATE', async () => {
      const { client, driver, errors } = await onlineClient();
      client.call({ phoneNumber: '+15551234567' });
      client.call({ phoneNumber: '+15557654321' });
      expect(errors()).to.deep.equal(['INVALID_STATE']);
      await tick();
      expect(driver.methods.filter((m) => m === 'connect')).to.have.length(1);
    });

    it('reports a failed connect and closes the call', async () => {
      const { client, driver, errors, names } = await onlineClient();
      driver.connectError = new NotifyError('MEDIA_PERMISSION_DENIED');
      client.call({ phoneNumber: '+15551234567' });
      await waitUntil(() => errors().length === 1);
      expect(errors()).to.deep.equal(['MEDIA_PERMISSION_DENIED']);
      expect(client.getStatus()).to.equal(Status.CLOSED);
      expect(names()).to.not.include(STD_EVENTS.CALL_INIT);
    });

    it('hangupCall ends the call with CALL_DISCONNECT and calls the legacy onDisconnect', async () => {
      let disconnects = 0;
      const { client, driver, names } = await onlineClient({ config: { onDisconnect: () => disconnects++ } });
      client.call({ phoneNumber: '+15551234567' });
      await waitUntil(() => names().includes(STD_EVENTS.CALL_INIT));
      driver.answer();
      client.hangupCall();
      expect(driver.methods).to.include('hangup');
      expect(client.getStatus()).to.equal(Status.CLOSED);
      expect(names().filter((n) => n === STD_EVENTS.CALL_DISCONNECT)).to.have.length(1);
      expect(disconnects).to.equal(1);
    });
  });

  describe('sendDtmf and mute', () => {
    async function openCall() {
      const made = await onlineClient();
      made.client.call({ phoneNumber: '+15551234567' });
      await waitUntil(() => made.names().includes(STD_EVENTS.CALL_INIT));
      made.driver.answer();
      return made;
    }

    it('sendDtmf("F") emits INVALID_DTMF and sends nothing', async () => {
      const { client, driver, errors } = await openCall();
      client.sendDtmf('F');
      client.sendDtmf('1246AF');
      expect(errors()).to.deep.equal(['INVALID_DTMF', 'INVALID_DTMF']);
      expect(driver.methods).to.not.include('sendDigits');
      expect(client.getStatus()).to.equal(Status.OPEN);
    });

    it('digits the vendor cannot send (its dtmfPattern) are INVALID_DTMF before any is sent', async () => {
      const { client, driver, errors } = await openCall();
      driver.dtmfPattern = /^[0-9*#w]+$/;
      client.sendDtmf('1246A');
      expect(errors()).to.deep.equal(['INVALID_DTMF']);
      expect(driver.methods).to.not.include('sendDigits');
      client.sendDtmf('1246');
      expect(driver.log.filter((e) => e.method === 'sendDigits').map((e) => e.args[0])).to.deep.equal([
        '1246',
      ]);
    });

    it('sendDtmf sends valid digits on the open call', async () => {
      const { client, driver } = await openCall();
      client.sendDtmf('12w#*A');
      expect(driver.log.filter((e) => e.method === 'sendDigits').map((e) => e.args[0])).to.deep.equal([
        '12w#*A',
      ]);
    });

    it('sendDtmf without an open call is INVALID_STATE', async () => {
      const { client, errors } = await onlineClient();
      client.sendDtmf('1');
      expect(errors()).to.deep.equal(['INVALID_STATE']);
    });

    it('mute("true") mutes and anything else unmutes', async () => {
      const { client, driver, names } = await openCall();
      client.mute('true');
      expect(driver.isMuted()).to.equal(true);
      expect(client.isMuted()).to.equal(true);
      client.mute('yes');
      expect(driver.isMuted()).to.equal(false);
      client.mute(true);
      client.mute(false);
      expect(names().filter((n) => n === STD_EVENTS.CALL_MUTE || n === STD_EVENTS.CALL_UNMUTE)).to.deep.equal(
        [STD_EVENTS.CALL_MUTE, STD_EVENTS.CALL_UNMUTE, STD_EVENTS.CALL_MUTE, STD_EVENTS.CALL_UNMUTE],
      );
    });
  });

  describe('incoming calls', () => {
    it('announces INCOMING_CALL with the parent id, then pickupCall opens it', async () => {
      const { client, driver, backend, events, names } = await onlineClient();
      backend.parentIds.CAincoming1 = 'parent-sys-id';
      driver.receive({ callSid: 'CAincoming1', from: '+15559990000', to: 'client:s_sess1' });
      expect(client.getStatus()).to.equal(Status.PENDING);
      await waitUntil(() => names().includes(STD_EVENTS.INCOMING_CALL));
      expect(events.find((e) => e.event === STD_EVENTS.INCOMING_CALL)?.args).to.deep.equal([
        '+15559990000',
        'client:s_sess1',
        'CAincoming1',
        'parent-sys-id',
        undefined,
        false,
      ]);
      client.pickupCall();
      await waitUntil(() => names().includes(STD_EVENTS.CALL_INIT));
      expect(driver.methods).to.include('accept');
      expect(client.getStatus()).to.equal(Status.CONNECTING);
      driver.answer();
      expect(client.getStatus()).to.equal(Status.OPEN);
      expect(names().filter((n) => n.startsWith('call_') || n === 'incoming_call')).to.deep.equal([
        STD_EVENTS.INCOMING_CALL,
        STD_EVENTS.CALL_INIT,
        STD_EVENTS.CALL_START,
      ]);
    });

    it('notifyConfig.warmUp prepares the next call once registered (again after a re-register); off by default', async () => {
      const warm = await onlineClient({ config: { warmUp: true } });
      expect(warm.driver.methods.filter((m) => m === 'warmUp')).to.have.length(1);
      warm.driver.dropRegistration();
      warm.driver.events.emit('registered');
      expect(warm.driver.methods.filter((m) => m === 'warmUp')).to.have.length(2);
      warm.client.destroy();
      const plain = await onlineClient();
      expect(plain.driver.methods).not.to.include('warmUp');
      plain.client.destroy();
    });

    it('a parentId sent with the invite announces at once without asking the backend', async () => {
      const { driver, backend, events } = await onlineClient();
      driver.receive({ callSid: 'CAp', from: '+15559990000', params: { parentId: 'from-invite' } });
      const incoming = events.find((e) => e.event === STD_EVENTS.INCOMING_CALL);
      expect(incoming?.args[3]).to.equal('from-invite'); // synchronously: no look-up in between
      expect(backend.methods).not.to.include('getParentId');
    });

    it('skipParentId announces at once without asking the backend', async () => {
      const { driver, backend, events } = await onlineClient({ config: { skipParentId: true } });
      driver.receive({ callSid: 'CAx', from: 'client:s_other', params: { sysId: 'user-1' } });
      const incoming = events.find((e) => e.event === STD_EVENTS.INCOMING_CALL);
      expect(incoming?.args).to.deep.equal([
        'client:s_other',
        'client:fake',
        'CAx',
        undefined,
        'user-1',
        true,
      ]);
      expect(backend.methods).to.not.include('getParentId');
    });

    it('emits CALL_CANCEL when the caller gives up', async () => {
      const { client, driver, names } = await onlineClient({ config: { skipParentId: true } });
      driver.receive();
      driver.remoteCancel();
      expect(client.getStatus()).to.equal(Status.CLOSED);
      expect(names().filter((n) => n.startsWith('call_') || n === 'incoming_call')).to.deep.equal([
        STD_EVENTS.INCOMING_CALL,
        STD_EVENTS.CALL_CANCEL,
      ]);
    });

    it('hangupCall rejects a ringing incoming call', async () => {
      const { client, driver } = await onlineClient({ config: { skipParentId: true } });
      driver.receive();
      client.hangupCall();
      expect(driver.methods).to.include('reject');
      expect(driver.methods).to.not.include('hangup');
      expect(client.getStatus()).to.equal(Status.CLOSED);
    });

    it('pickupCall without an incoming call is INVALID_STATE', async () => {
      const { client, errors } = await onlineClient();
      client.pickupCall();
      expect(errors()).to.deep.equal(['INVALID_STATE']);
    });

    it('calls the legacy onIncoming and onConnect handlers', async () => {
      const incoming: unknown[][] = [];
      const statuses: string[] = [];
      const { client, driver } = await onlineClient({
        config: {
          skipParentId: true,
          onIncoming: (...args) => incoming.push(args),
          onConnect: (status) => statuses.push(status),
        },
      });
      driver.receive({ callSid: 'CAy', from: '+15559990000' });
      client.pickupCall();
      await waitUntil(() => statuses.length > 0);
      driver.answer();
      expect(incoming[0]?.[2]).to.equal('CAy');
      expect(statuses).to.deep.equal([Status.CONNECTING, Status.OPEN]);
    });
  });

  describe('destroy', () => {
    it('releases the driver, deletes the session and reports DESTROYED afterwards', async () => {
      const { client, driver, backend, names, errors } = await onlineClient();
      client.destroy();
      expect(driver.destroyed).to.equal(true);
      expect(names()).to.include(STD_EVENTS.OFFLINE);
      await waitUntil(() => backend.methods.includes('deleteSession'));
      expect(backend.sessions.size).to.equal(0);
      client.call({ phoneNumber: '+15551234567' });
      client.init();
      client.sendDtmf('1');
      client.mute(true);
      client.destroy();
      expect(errors()).to.deep.equal(['DESTROYED', 'DESTROYED', 'DESTROYED', 'DESTROYED', 'DESTROYED']);
      expect(client.getDeviceState()).to.equal('destroyed');
    });

    it('ends an active call with CALL_DISCONNECT', async () => {
      const { client, names } = await onlineClient();
      client.call({ phoneNumber: '+15551234567' });
      await waitUntil(() => names().includes(STD_EVENTS.CALL_INIT));
      client.destroy();
      expect(names()).to.include(STD_EVENTS.CALL_DISCONNECT);
      expect(client.getStatus()).to.equal(Status.CLOSED);
    });

    it('during init cleans up the session it creates', async () => {
      const { client, backend } = makeClient();
      client.setCallerId(CALLER_ID);
      client.init();
      await waitUntil(() => backend.methods.includes('createSession'));
      client.destroy();
      await waitUntil(() => backend.methods.includes('deleteSession'));
      expect(backend.sessions.size).to.equal(0);
    });
  });

  describe('heartbeat', () => {
    const beats = (backend: { methods: string[] }) => backend.methods.filter((m) => m === 'heartbeat').length;
    const online = async (heartbeatSeconds: number | undefined) => {
      const made = makeClient();
      made.backend.heartbeatSeconds = heartbeatSeconds;
      made.client.setCallerId(CALLER_ID);
      made.client.init();
      await waitUntil(() => made.client.getDeviceState() === 'online');
      return made;
    };
    /**
     * Settled, not slept on: a witness client on the same interval beats twice, so a whole interval has passed
     * since the call (timers fire in the order they are due) and a beat still scheduled would have come.
     */
    const aWholeInterval = async (seconds: number) => {
      const witness = await online(seconds);
      const from = beats(witness.backend);
      await waitUntil(() => beats(witness.backend) >= from + 2, 'the witness never beat', { timeout: 5000 });
      witness.client.destroy();
    };

    it('beats every heartbeatSeconds of the backend while online, for its own session, and stops on destroy', async () => {
      const { client, backend } = await online(0.05);
      await waitUntil(() => beats(backend) >= 3, 'no heartbeats');
      const sysId = client.getSession()!.sys_id;
      expect(backend.log.filter((e) => e.method === 'heartbeat').every((e) => e.args[0] === sysId)).to.equal(
        true,
      );
      client.destroy();
      const after = beats(backend);
      await aWholeInterval(0.05);
      expect(beats(backend)).to.equal(after);
    });

    it('keeps beating over HTTP while the vendor registration is lost; RECONNECT events, no ERROR', async () => {
      const { client, backend, driver, events, errors } = await online(0.05);
      const reconnects: unknown[][] = [];
      client.addEventListener(NOTIFY_EVENTS.RECONNECT, (...args) => reconnects.push(args));
      driver.dropRegistration();
      expect(client.getDeviceState()).to.equal('offline');
      const offline = beats(backend);
      await aWholeInterval(0.05);
      expect(beats(backend)).to.be.greaterThan(offline, 'the heartbeat stopped with the signaling');
      driver.events.emit('registered');
      expect(client.getDeviceState()).to.equal('online');
      expect(reconnects).to.deep.equal([
        ['reconnecting', undefined],
        ['reconnected', undefined],
      ]);
      expect(events.map((e) => e.event)).to.deep.equal([
        STD_EVENTS.ONLINE,
        STD_EVENTS.OFFLINE,
        STD_EVENTS.ONLINE,
      ]);
      expect(errors()).to.deep.equal([]);
    });

    it('a token renewed while the registration is lost does not go ONLINE before the vendor registers again', async () => {
      const { client, driver, backend } = await online(0.05);
      driver.dropRegistration();
      backend.tokenLifetimeMs = 1000;
      driver.tokenWillExpire(); // not due yet: nothing happens
      expect(client.getDeviceState()).to.equal('offline');
      driver.events.emit('registered');
      expect(client.getDeviceState()).to.equal('online');
    });

    it('beats at once when the network comes back (or the tab is shown), not at the next timer; not after destroy', async () => {
      const { client, backend } = await online(30);
      const before = beats(backend);
      window.dispatchEvent(new Event('online'));
      expect(beats(backend)).to.equal(before + 1);
      client.destroy();
      window.dispatchEvent(new Event('online'));
      expect(beats(backend)).to.equal(before + 1);
    });

    it('sends none when the backend asks for none (an older backend)', async () => {
      const { backend } = await online(undefined);
      await aWholeInterval(0.05);
      expect(beats(backend)).to.equal(0);
    });

    it('a session the backend dropped is replaced: new sys_id, availability kept, driver registered again, no ERROR', async () => {
      const { client, backend, driver, names, errors } = await online(0.05);
      const reconnects: unknown[][] = [];
      client.addEventListener(NOTIFY_EVENTS.RECONNECT, (...args) => reconnects.push(args));
      client.setClientAvailable(false);
      await waitUntil(() => backend.methods.includes('setAvailability'));
      const first = client.getSession()!.sys_id;
      backend.sessions.delete(first); // expired on the backend: its next heartbeat is answered 404
      await waitUntil(() => reconnects.length === 2, 'never reconnected');
      const second = client.getSession()!.sys_id;
      expect(second).to.not.equal(first);
      expect(client.getDeviceState()).to.equal('online');
      expect(reconnects).to.deep.equal([
        ['reconnecting', undefined],
        ['reconnected', undefined],
      ]);
      expect(driver.methods.filter((m) => m === 'register')).to.have.length(2);
      await waitUntil(() => backend.sessions.get(second)?.available === false, 'availability not restored');
      expect(names()).to.deep.equal([STD_EVENTS.ONLINE, STD_EVENTS.OFFLINE, STD_EVENTS.ONLINE]);
      expect(errors()).to.deep.equal([]);
      expect(backend.log.filter((e) => e.method === 'deleteSession')).to.have.length(0);
      await waitUntil(() => backend.log.some((e) => e.method === 'heartbeat' && e.args[0] === second));
      client.destroy();
    });

    it('a dropped session with a call: the call ends, SESSION_EXPIRED once, and the session is replaced', async () => {
      const { client, backend, driver, names, errors } = await online(0.05);
      driver.receive({ params: { parentId: 'CAparent' } });
      await waitUntil(() => names().includes(STD_EVENTS.INCOMING_CALL));
      backend.sessions.delete(client.getSession()!.sys_id);
      await waitUntil(() => backend.methods.filter((m) => m === 'createSession').length === 2);
      await waitUntil(() => client.getDeviceState() === 'online');
      expect(errors()).to.deep.equal(['SESSION_EXPIRED']);
      expect(client.getStatus()).to.equal(Status.CLOSED);
      client.destroy();
    });

    it('a call reconnecting that the backend knows ended is ended at once: CALL_LOST, CALL_DISCONNECT', async function () {
      this.timeout(15000);
      const { client, backend, driver, events, errors } = await online(30);
      const reconnects: unknown[][] = [];
      client.addEventListener(NOTIFY_EVENTS.RECONNECT, (...args) => reconnects.push(args));
      client.call({ phoneNumber: '+15551234567' });
      await waitUntil(() => driver.call);
      driver.answer();
      const sid = driver.call!.callSid;
      driver.reconnecting();
      expect(reconnects).to.deep.equal([['reconnecting', sid]]);
      await waitUntil(() => backend.log.some((e) => e.method === 'heartbeat' && e.args[1]), 'never asked', {
        timeout: 5000,
      });
      expect(client.getStatus()).to.equal(Status.RECONNECTING, 'not ended while the backend knows nothing');
      backend.endedCalls.add(sid);
      await waitUntil(() => errors().length > 0, 'never ended', { timeout: 5000 });
      expect(errors()).to.deep.equal(['CALL_LOST']);
      expect(events.map((e) => e.event).slice(-2)).to.deep.equal([
        STD_EVENTS.ERROR,
        STD_EVENTS.CALL_DISCONNECT,
      ]);
      expect(events.at(-1)!.args[0]).to.equal(sid);
      expect(events.at(-1)!.args[1], 'the far end ended it').to.include({ endedBy: 'remote' });
      expect(client.getStatus()).to.equal(Status.CLOSED);
      expect(reconnects).to.have.length(1);
      const asked = backend.log.filter((e) => e.method === 'heartbeat' && e.args[1]).length;
      await new Promise((resolve) => setTimeout(resolve, 2500));
      expect(backend.log.filter((e) => e.method === 'heartbeat' && e.args[1])).to.have.length(asked);
      client.destroy();
    });

    it('init() during a replacement takes over; destroy() stops it', async () => {
      const { client, backend } = await online(0.05);
      backend.createError = new NotifyError('BACKEND_UNREACHABLE');
      backend.sessions.delete(client.getSession()!.sys_id);
      await waitUntil(() => backend.methods.filter((m) => m === 'createSession').length === 2);
      backend.createError = null;
      client.init();
      await waitUntil(() => client.getDeviceState() === 'online');
      const made = backend.methods.filter((m) => m === 'createSession').length;
      await new Promise((resolve) => setTimeout(resolve, 1200)); // the replacement's next attempt was due
      expect(backend.methods.filter((m) => m === 'createSession')).to.have.length(made);
      client.destroy();
    });

    it('other heartbeat failures are retried and change nothing', async () => {
      const { client, backend, errors } = await online(0.05);
      backend.heartbeatError = new NotifyError('BACKEND_UNREACHABLE');
      await waitUntil(() => beats(backend) >= 3);
      expect(client.getDeviceState()).to.equal('online');
      expect(errors()).to.deep.equal([]);
    });
  });

  describe('legacy handlers', () => {
    it('calls onReady, onOffline and onError from notifyConfig', async () => {
      const calls: string[] = [];
      const { client } = await onlineClient({
        config: {
          onReady: () => calls.push('ready'),
          onOffline: () => calls.push('offline'),
          onError: (_message, code) => calls.push(`error:${code}`),
        },
      });
      client.sendDtmf('x');
      client.destroy();
      expect(calls).to.deep.equal(['ready', 'error:INVALID_DTMF', 'offline']);
    });
  });

  describe('backend-dependent methods', () => {
    it('getAvailableClients excludes this client and calls back', async () => {
      const { client, backend } = await onlineClient();
      backend.clients = [
        { sys_id: 'u1', name: 'Ann', identity: 's_sess1' },
        { sys_id: 'u2', name: 'Bob', identity: 's_other' },
      ];
      let list: unknown[] = [];
      const result = await client.getAvailableClients((clients) => (list = clients));
      expect(list).to.deep.equal([{ sys_id: 'u2', name: 'Bob', identity: 's_other' }]);
      expect(result).to.deep.equal(list);
    });

    it('watchAvailableClients follows the pushed list without this client until unsubscribed or destroyed', async () => {
      const { client, backend } = await onlineClient();
      backend.clients = [{ sys_id: 'u2', name: 'Bob' }];
      const seen: unknown[][] = [];
      const stop = client.watchAvailableClients((clients) => seen.push(clients));
      const other: unknown[][] = [];
      client.watchAvailableClients((clients) => other.push(clients));
      await waitUntil(() => seen.length === 1);
      backend.pushClients([
        { sys_id: 'u1', name: 'Ann', identity: 's_sess1' },
        { sys_id: 'u3', name: 'Cy', identity: 's_other' },
      ]);
      await waitUntil(() => seen.length === 2 && other.length === 2);
      expect(seen).to.deep.equal([
        [{ sys_id: 'u2', name: 'Bob' }],
        [{ sys_id: 'u3', name: 'Cy', identity: 's_other' }],
      ]);
      stop();
      backend.pushClients([]);
      await waitUntil(() => other.length === 3);
      expect(seen).to.have.length(2);
      expect(other).to.have.length(3);
      expect(backend.watchers.size).to.equal(1);
      client.destroy();
      expect(backend.watchers.size).to.equal(0);
      expect(backend.methods).to.not.include('listAvailableClients');
    });

    it('getAvailableClients reads every page', async () => {
      const { client, backend } = await onlineClient();
      backend.clients = colleagues(250);
      const list = await client.getAvailableClients();
      expect(list).to.have.length(250);
      expect(list.map((c) => c.sys_id)).to.deep.equal(backend.clients.map((c) => c.sys_id));
      expect(backend.log.filter((e) => e.method === 'listAvailableClients')).to.have.length(3);
      // Bounded: at most 20 pages.
      backend.pageSize = 1;
      expect(await client.getAvailableClients()).to.have.length(20);
    });

    it('watchAvailableClients loads the pages after the snapshot, then applies the changes', async () => {
      const { client, backend } = await onlineClient();
      backend.clients = colleagues(250);
      const seen: AvailableClient[][] = [];
      const stop = client.watchAvailableClients((clients) => seen.push(clients));
      await waitUntil(() => seen.at(-1)?.length === 250, 'the later pages were not loaded');
      expect(seen.map((list) => list.length)).to.deep.equal([100, 200, 250]);
      expect(seen.at(-1)!.map((c) => c.sys_id)).to.deep.equal(backend.clients.map((c) => c.sys_id));
      const gone = backend.clients[170];
      backend.pushAvailability(gone, false);
      await waitUntil(() => seen.length === 4);
      expect(seen[3]).to.have.length(249);
      expect(seen[3].map((c) => c.sys_id)).to.not.include(gone.sys_id);
      backend.pushAvailability({ sys_id: 'u999', name: 'Zed' }, true);
      await waitUntil(() => seen.length === 5);
      expect(seen[4]).to.have.length(250);
      expect(seen[4].at(-1)).to.deep.equal({ sys_id: 'u999', name: 'Zed' });
      expect(backend.watchers.size).to.equal(1);
      stop();
      expect(backend.watchers.size).to.equal(0);
    });

    it('watchAvailableClients keeps a change that arrives while the pages load', async () => {
      const { client, backend } = await onlineClient();
      backend.clients = colleagues(250);
      const gone = backend.clients[150];
      const list = backend.listAvailableClients.bind(backend);
      // The second page is read after the colleague on it left: it must not bring them back.
      backend.listAvailableClients = async (cursor?: string | null) => {
        const page = await list(cursor);
        if (!backend.clients.includes(gone)) return page;
        backend.pushAvailability(gone, false);
        await tick();
        return page;
      };
      const seen: AvailableClient[][] = [];
      client.watchAvailableClients((clients) => seen.push(clients));
      await waitUntil(() => backend.log.filter((e) => e.method === 'listAvailableClients').length === 2);
      await waitUntil(() => seen.at(-1)?.length === 249, 'the later pages were not loaded');
      await tick();
      expect(seen.at(-1)!.map((c) => c.sys_id)).to.not.include(gone.sys_id);
      client.destroy();
    });

    it('watchAvailableClients reconnects when a page fails', async () => {
      const { client, backend } = await onlineClient();
      backend.clients = colleagues(150);
      backend.listError = new NotifyError('BACKEND_ERROR');
      const seen: AvailableClient[][] = [];
      client.watchAvailableClients((clients) => seen.push(clients));
      await waitUntil(() => backend.methods.includes('listAvailableClients'));
      await waitUntil(() => backend.watchers.size === 0, 'the stream was not ended');
      backend.listError = null;
      await waitUntil(() => seen.at(-1)?.length === 150, 'no new snapshot', { timeout: 4000 });
      client.destroy();
    });

    it('setClientAvailable updates the session row', async () => {
      const { client, backend } = await onlineClient();
      client.setClientAvailable('false');
      await waitUntil(() => backend.methods.includes('setAvailability'));
      expect(backend.sessions.get('sess1')?.available).to.equal(false);
    });

    it('forwardCall validates and posts through the backend', async () => {
      const { client, driver, backend, names, errors } = await onlineClient();
      client.forwardCall({ type: 'number', id: '+15557654321', dtmf: '12' });
      expect(errors()).to.deep.equal(['INVALID_STATE']);
      client.call({ phoneNumber: '+15551234567' });
      await waitUntil(() => names().includes(STD_EVENTS.CALL_INIT));
      driver.answer();
      client.forwardCall({ type: 'number', id: 'bad' });
      client.forwardCall({ type: 'number', id: '+15557654321', dtmf: 'Z' });
      client.forwardCall({ type: 'number', id: '+15557654321', dtmf: '12' });
      await waitUntil(() => backend.methods.includes('forwardCall'));
      expect(errors()).to.deep.equal(['INVALID_STATE', 'INVALID_NUMBER', 'INVALID_DTMF']);
      const forwarded = backend.log.find((e) => e.method === 'forwardCall')?.args;
      expect(forwarded?.[1]).to.deep.equal({ type: 'number', id: '+15557654321', dtmf: '12' });
    });

    it('getParentId calls back with the parent or an error', async () => {
      const { client, backend } = await onlineClient();
      backend.parentIds.CA1 = 'p1';
      const found = await new Promise((resolve) => client.getParentId('CA1', resolve));
      expect(found).to.deep.equal({ parentId: 'p1' });
    });

    it('getParentId retries with backoff (250, 500, 1000 ms…), bounded to 5 attempts', async function () {
      this.timeout(10000);
      const { client, backend } = await onlineClient();
      const times: number[] = [];
      const original = backend.getParentId.bind(backend);
      backend.getParentId = async (callSid: string) => {
        times.push(Date.now());
        if (callSid === 'CAlate' && times.length === 4) backend.parentIds.CAlate = 'p-late';
        return original(callSid);
      };
      const late = await new Promise((resolve) => client.getParentId('CAlate', resolve));
      expect(late).to.deep.equal({ parentId: 'p-late' });
      const gaps = times.slice(1).map((t, i) => t - times[i]!);
      // Lower bounds only: the exact backoff is timed with fake timers in test/node/client/parent-id.test.ts.
      expect(gaps[0]).to.be.at.least(200);
      expect(gaps[1]).to.be.at.least(450);
      expect(gaps[2]).to.be.at.least(950);

      times.length = 0;
      const started = Date.now();
      const never = await new Promise<{ parentId: string | null; error?: string }>((resolve) =>
        client.getParentId('CAnever', resolve),
      );
      expect(never.parentId).to.equal(null);
      expect(never.error).to.be.a('string');
      expect(times).to.have.length(5);
      expect(Date.now() - started).to.be.at.least(3600);
    });
  });

  describe('races', () => {
    it('hangupCall() while connect() is in flight ends the call the vendor creates afterwards', async () => {
      const { client, driver, names } = await onlineClient();
      client.call({ phoneNumber: '+15551234567' });
      client.hangupCall();
      expect(client.getStatus()).to.equal(Status.CLOSED);
      await tick();
      expect(driver.call, 'the vendor call is left live').to.equal(null);
      expect(names()).to.not.include(STD_EVENTS.CALL_INIT);
      expect(client.getStatus()).to.equal(Status.CLOSED);
    });

    it('a cancel that crosses pickupCall() ends the announced call with CALL_DISCONNECT and onDisconnect', async () => {
      let disconnects = 0;
      const { client, driver, names } = await onlineClient({
        config: { skipParentId: true, onDisconnect: () => disconnects++ },
      });
      const callSid = driver.receive();
      client.pickupCall();
      await waitUntil(() => names().includes(STD_EVENTS.CALL_INIT));
      driver.remoteCancel();
      expect(names()).to.not.include(STD_EVENTS.CALL_CANCEL);
      expect(names().filter((n) => n.startsWith('call_'))).to.deep.equal([
        STD_EVENTS.CALL_INIT,
        STD_EVENTS.CALL_DISCONNECT,
      ]);
      expect(disconnects).to.equal(1);
      expect(client.getStatus()).to.equal(Status.CLOSED);
      expect(callSid).to.be.a('string');
    });

    it('setClientAvailable() while the registration is lost is applied when ONLINE again', async () => {
      const { client, driver, backend } = await onlineClient();
      driver.dropRegistration();
      expect(client.getDeviceState()).to.equal('offline');
      client.setClientAvailable(false);
      expect(backend.methods).to.not.include('setAvailability');
      driver.events.emit('registered');
      expect(client.getDeviceState()).to.equal('online');
      await waitUntil(() => backend.methods.includes('setAvailability'), 'the availability was lost');
      expect(backend.log.find((e) => e.method === 'setAvailability')?.args[1]).to.equal(false);
    });

    it('calls onConnect once with open when the vendor opens the call before CALL_INIT', async () => {
      class EagerDriver extends FakeDriver {
        override async accept(): Promise<void> {
          await super.accept();
          this.answer();
        }
      }
      const driver = new EagerDriver();
      const statuses: string[] = [];
      const { client, names } = await onlineClient({
        config: { skipParentId: true, driverFactory: () => driver, onConnect: (s) => statuses.push(s) },
      });
      driver.receive();
      client.pickupCall();
      await waitUntil(() => names().includes(STD_EVENTS.CALL_START));
      await tick();
      expect(statuses).to.deep.equal([Status.OPEN]);
      expect(names().filter((n) => n.startsWith('call_'))).to.deep.equal([
        STD_EVENTS.CALL_INIT,
        STD_EVENTS.CALL_START,
      ]);
    });
  });

  it('is exported with the constructor signature (notifyConfig, lazy)', () => {
    expect(new NotifyClient({}, true).getStatus()).to.equal(Status.CLOSED);
  });
});

/** `count` colleagues in the server's order (name, then sys_id). */
function colleagues(count: number): AvailableClient[] {
  return Array.from({ length: count }, (_, i) => {
    const n = String(i).padStart(4, '0');
    return { sys_id: `u${n}`, name: `Agent ${n}` };
  });
}
