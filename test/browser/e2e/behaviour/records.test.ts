/**
 * Behaviour suite (issue 15), call records, run unchanged for every vendor (behaviour/vendors.ts): what the
 * backend recorded from the vendor's reports (Twilio's webhooks, the SIP proxy's call reports) as the user reads
 * it: the call history entry of an outgoing and an incoming call, the parent id of an incoming call, and
 * another user's call refused. Phone slot 2 is this file's alone (no other file dials it).
 */
import { expect } from '@open-wc/testing';
import { VENDORS, reportFailures, until } from './vendors.js';
import { STD_EVENTS, callPhone, count, errorCodes, fired, hangUp, newAgent, type Agent } from './agents.js';

const SLOT = 2;
const SYS_ID = /^[0-9a-f]{32}$/;

interface HistoryEntry {
  sys_id: string;
  callSid: string;
  parentCallSid: string | null;
  direction: string;
  outcome: string;
  duration: number | null;
  number: string | null;
  colleague: { sys_id: string } | null;
}

const history = async (agent: Agent) =>
  ((await agent.client.getCallHistory()) as { calls: HistoryEntry[] }).calls;

/** The agent's only call once it is over (a new user has no other). */
async function settledEntry(agent: Agent): Promise<HistoryEntry> {
  await until(async () => {
    const [entry] = await history(agent);
    return entry && entry.outcome !== 'active' && entry.duration !== null;
  }, 'the call never settled in the history');
  const calls = await history(agent);
  expect(calls, 'one entry for the one call').to.have.length(1);
  return calls[0]!;
}

/** Keeps the call connected past one whole second, so its recorded duration cannot round to 0. */
const talkPastOneSecond = (since: number) =>
  until(() => Date.now() - since > 1500, 'the call never lasted a second');

for (const vendor of VENDORS) {
  describe(`behaviour (${vendor.name}): call records, history and parent ids`, function () {
    this.timeout(60000);
    const agents: Agent[] = [];
    const online = async () => {
      const agent = await newAgent(vendor);
      agents.push(agent);
      return agent;
    };
    before(function () {
      if (vendor.skip) this.skip();
    });
    reportFailures(vendor);
    afterEach(async () => {
      await vendor.destroy(agents.splice(0).map((agent) => agent.client));
    });

    it('an outgoing call to a phone: one entry, outbound, the number dialled, answered, duration > 0', async () => {
      const agent = await online();
      const call = await callPhone(vendor, agent, SLOT);
      await talkPastOneSecond(Date.now());
      await hangUp(agent, call);

      const entry = await settledEntry(agent);
      expect(entry.callSid).to.equal(call.callId);
      expect(entry.direction).to.equal('outbound');
      expect(entry.number).to.equal(call.number);
      expect(entry.colleague).to.equal(null);
      expect(entry.outcome).to.equal('answered');
      expect(entry.duration).to.be.greaterThan(0);
      expect(entry.parentCallSid).to.equal(null);
      expect(errorCodes(agent)).to.deep.equal([]);
    });

    it("an incoming call: inbound from the caller, answered, duration > 0; getParentId names the caller's leg", async () => {
      const agent = await online();
      const caller = vendor.phoneNumber(SLOT);
      const far = await vendor.watch(caller);
      await vendor.dialIn(caller, vendor.number);
      await until(() => count(agent.log, STD_EVENTS.INCOMING_CALL) === 1, 'the agent never rang');
      const [, , callId, announced] = fired(agent.log, STD_EVENTS.INCOMING_CALL)[0]!.args as string[];
      expect(announced, 'the invite carried the parent id').to.match(SYS_ID);
      agent.client.pickupCall();
      await until(() => count(agent.log, STD_EVENTS.CALL_START) === 1, 'the call never started');
      await talkPastOneSecond(Date.now());
      const looked = await agent.client.getParentId(callId!);
      expect(looked).to.deep.equal({ parentId: announced });
      await far.hangup();
      await until(() => count(agent.log, STD_EVENTS.CALL_DISCONNECT) === 1, 'no CALL_DISCONNECT');

      const entry = await settledEntry(agent);
      expect(entry.direction).to.equal('inbound');
      expect(entry.number).to.equal(caller);
      expect(entry.outcome).to.equal('answered');
      expect(entry.duration).to.be.greaterThan(0);
      expect(entry.parentCallSid, "the caller's leg").to.be.a('string').and.not.equal(entry.callSid);
      expect(errorCodes(agent)).to.deep.equal([]);
    });

    it('a caller who gives up while the agent rings: a missed entry, no duration, the agent free again', async () => {
      const agent = await online();
      const caller = vendor.phoneNumber(SLOT);
      const far = await vendor.watch(caller);
      await vendor.dialIn(caller, vendor.number);
      await until(() => count(agent.log, STD_EVENTS.INCOMING_CALL) === 1, 'the agent never rang');
      await far.hangup();
      await until(() => count(agent.log, STD_EVENTS.CALL_CANCEL) === 1, 'no CALL_CANCEL');

      const entry = await settledEntry(agent);
      expect(entry.direction).to.equal('inbound');
      expect(entry.number).to.equal(caller);
      expect(entry.outcome).to.equal('missed');
      expect(entry.duration).to.equal(0);
      // The record ended: the agent is not busy, the next call rings them.
      await vendor.dialIn(caller, vendor.number);
      await until(() => count(agent.log, STD_EVENTS.INCOMING_CALL) === 2, 'the agent never rang again');
      await far.hangup();
      await until(() => count(agent.log, STD_EVENTS.CALL_CANCEL) === 2, 'no second CALL_CANCEL');
    });

    it("a colleague's call: the callee's parent is the caller's entry; a third user is refused (FORBIDDEN) and sees neither", async () => {
      const a = await online();
      const b = await online();
      const c = await online();
      a.client.call({ userId: b.user.sys_id });
      await until(() => count(b.log, STD_EVENTS.INCOMING_CALL) === 1, 'B never rang');
      const [, , callIdB] = fired(b.log, STD_EVENTS.INCOMING_CALL)[0]!.args as string[];
      b.client.pickupCall();
      await until(() => count(a.log, STD_EVENTS.CALL_START) === 1, "A's call never started");
      const callIdA = fired(a.log, STD_EVENTS.CALL_START)[0]!.args[0] as string;
      await talkPastOneSecond(Date.now());
      a.client.hangupCall();
      await until(() => count(b.log, STD_EVENTS.CALL_DISCONNECT) === 1, 'B never saw the end');

      const placed = await settledEntry(a);
      expect(placed.direction).to.equal('outbound');
      expect(placed.colleague?.sys_id).to.equal(b.user.sys_id);
      expect(placed.outcome).to.equal('answered');
      const taken = await settledEntry(b);
      expect(taken.direction).to.equal('inbound');
      expect(taken.colleague?.sys_id).to.equal(a.user.sys_id);
      expect((await b.client.getParentId(callIdB!)).parentId).to.equal(placed.sys_id);

      const refused = await c.client.getParentId(callIdA);
      expect(refused.parentId).to.equal(null);
      await until(() => errorCodes(c).includes('FORBIDDEN'), 'C was not refused with FORBIDDEN');
      expect(await history(c)).to.deep.equal([]);
    });
  });
}
