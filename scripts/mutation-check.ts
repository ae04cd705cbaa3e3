/**
 * A small mutation check: puts plausible bugs into the product code, one at a time, in a temporary copy of
 * the work tree, and runs the tests that should catch each. A mutation the tests miss is a hole in the suite.
 *
 *   npx tsx scripts/mutation-check.ts            # every mutation
 *   npx tsx scripts/mutation-check.ts timer-frozen forward-lookup-wrong-status
 *
 * Needs what `npm test` needs (Chromium, PostgreSQL, Redis). Each mutation that touches src/ rebuilds the
 * bundles in the copy first. The exit code is the number of mutations that survived (or no longer apply).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface Mutation {
  name: string;
  /** The bug, as a person would describe it. */
  bug: string;
  file: string;
  search: string;
  replace: string;
  /** Node test files (node --test) that should fail. */
  nodeTests?: string[];
  /** Browser test files (web-test-runner, WTR_FILES) that should fail. */
  browserTests?: string[];
}

const MUTATIONS: Mutation[] = [
  {
    name: 'phone-hangup-unregisters',
    bug: 'a phone-side hang-up unregisters the Device, so the agent silently stops receiving calls',
    file: 'src/drivers/twilio/twilio-driver.ts',
    search: "call.on('disconnect', () => end('callDisconnected'));",
    replace:
      "call.on('disconnect', () => {\n      end('callDisconnected');\n      void this.#device?.unregister();\n    });",
    browserTests: ['test/browser/e2e/walking-skeleton.test.ts'],
  },
  {
    name: 'forward-lookup-wrong-status',
    bug: 'forwarding a placed call looks for the child leg with the wrong status, so it finds no party',
    file: 'server/calls/parties.ts',
    search: "status: 'in-progress',",
    replace: "status: 'ringing',",
    nodeTests: ['server/test/routing.test.ts'],
    browserTests: ['test/browser/e2e/notify-api-routing.test.ts'],
  },
  {
    name: 'timer-frozen',
    bug: 'the call timer stays at 0:00',
    file: 'src/element/parts/call-timer.ts',
    search: 'const elapsed = (options.now ?? Date.now()) - startedAt;',
    replace: 'const elapsed = 0 * ((options.now ?? Date.now()) - startedAt);',
    browserTests: ['test/browser/e2e/element-phone.test.ts'],
  },
  {
    name: 'parent-refused-own-call',
    bug: 'the backend refuses a user the parent of a call they placed themselves',
    file: 'server/routes/calls.ts',
    search: 'if (session?.user !== currentUser(request).sys_id) throw',
    replace: 'if (session?.user !== currentUser(request).sys_id || !call.parent_sys_id) throw',
    browserTests: ['test/browser/e2e/notify-api-bad-input.test.ts'],
  },
  {
    name: 'duration-dropped-postgres',
    bug: 'the PostgreSQL store drops the call duration when it updates a row',
    file: 'server/store/postgres-calls.ts',
    search: '      call.duration ?? null,',
    replace: '      null,',
    browserTests: ['test/browser/e2e/two-instances.test.ts'],
  },
  {
    name: 'mute-does-nothing',
    bug: 'mute fires CALL_MUTE but the microphone keeps sending',
    file: 'src/drivers/twilio/twilio-driver.ts',
    search: 'this.#live(handle)?.mute(muted);',
    replace: 'void muted;',
    browserTests: ['test/browser/e2e/notify-api-client.test.ts'],
  },
  {
    name: 'forward-not-bridged',
    bug: 'a call forwarded to a number rings the target but carries no audio between the two phones',
    file: 'emulator/media/bridge.ts',
    search: "if (a.kind === 'phone' && b.kind === 'phone') {",
    replace: "if (a.kind === 'phone' && b.kind === 'phone' && a === b) {",
    browserTests: ['test/browser/e2e/notify-api-routing.test.ts'],
  },
  {
    name: 'hold-not-on-server',
    bug: 'hold never reaches the conference participant: the caller hears silence instead of the hold tone',
    file: 'server/calls/conference.ts',
    search:
      'await Promise.all(callSids.map((callSid) => conference.participants(callSid).update({ hold })));',
    replace: 'void conference;',
    browserTests: ['test/browser/e2e/hold-and-transfer.test.ts'],
  },
  {
    name: 'busy-agent-rings',
    bug: "an agent on a call is offered the next call although call waiting is 'busy'",
    file: 'server/routing.ts',
    search: 'return sessions.filter((session) => !busy.has(session.sys_id));',
    replace: 'return busy.size >= 0 ? sessions : [];',
    nodeTests: ['server/test/routing.test.ts'],
  },
];

const root = fileURLToPath(new URL('..', import.meta.url));

function run(command: string, args: string[], cwd: string, env: Record<string, string> = {}): boolean {
  const result = spawnSync(command, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return result.status === 0;
}

/** A copy of the tracked and untracked (not ignored) files, sharing node_modules with this work tree. */
function copyWorkTree(): string {
  const copy = mkdtempSync(join(tmpdir(), 'notify-mutation-'));
  const listed = spawnSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: root });
  for (const file of listed.stdout.toString().split('\0').filter(Boolean)) {
    if (file === 'node_modules') continue;
    cpSync(join(root, file), join(copy, file), { recursive: true });
  }
  symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'));
  return copy;
}

const wanted = process.argv.slice(2);
const selected = wanted.length ? MUTATIONS.filter((m) => wanted.includes(m.name)) : MUTATIONS;
const copy = copyWorkTree();
let survived = 0;
try {
  if (!run('npm', ['run', 'build:js'], copy)) throw new Error('the unmutated copy does not build');
  for (const mutation of selected) {
    const path = join(copy, mutation.file);
    const original = readFileSync(path, 'utf8');
    if (!original.includes(mutation.search)) {
      console.log(`NOT APPLICABLE  ${mutation.name}: "${mutation.search}" is no longer in ${mutation.file}`);
      survived++;
      continue;
    }
    writeFileSync(path, original.replace(mutation.search, mutation.replace));
    try {
      const rebuild = mutation.file.startsWith('src/');
      if (rebuild && !run('npm', ['run', 'build:js'], copy)) {
        console.log(`CAUGHT          ${mutation.name}: the build fails`);
        continue;
      }
      const caughtBy: string[] = [];
      for (const file of mutation.nodeTests ?? []) {
        if (!run('node', ['--import', 'tsx', '--test', file], copy)) caughtBy.push(file);
      }
      for (const file of mutation.browserTests ?? []) {
        const wtr = ['--import', 'tsx', 'node_modules/@web/test-runner/dist/bin.js'];
        if (!run('node', wtr, copy, { WTR_FILES: file, WTR_PORT: '8300' })) caughtBy.push(file);
      }
      if (caughtBy.length) console.log(`CAUGHT          ${mutation.name}: by ${caughtBy.join(', ')}`);
      else {
        survived++;
        console.log(`SURVIVED        ${mutation.name}: ${mutation.bug}`);
      }
    } finally {
      writeFileSync(path, original);
      if (mutation.file.startsWith('src/')) run('npm', ['run', 'build:js'], copy);
    }
  }
} finally {
  rmSync(copy, { recursive: true, force: true });
}
console.log(`mutations: ${selected.length - survived} caught, ${survived} survived`);
process.exit(survived);
