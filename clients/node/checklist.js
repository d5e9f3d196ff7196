'use strict';
// The runner both Node.js client scripts share: arguments, one line per check, a deadline per check,
// and the --hold protocol for migrations. The checks themselves live in each client's script, written
// the way that library's users write them.

const CHECK_TIMEOUT_MS = 10_000;
const PIPELINE_COMMANDS = 1000;
const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const LIST = ['a', 'b', 'c'];
// redis-server 7.0.15's words for HELLO before AUTH on a password-protected server, and for a wrong password.
const NOAUTH_HELLO = 'NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH '
  + '<user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time';
const WRONGPASS = 'WRONGPASS invalid username-password pair or user is disabled.';

function usage(script) {
  process.stderr.write(`usage: node ${script} HOST PORT [--password PASSWORD] [--hold]\n`);
  process.exit(2);
}

/** HOST PORT [--password PASSWORD] [--hold] */
function parseArgs(script, argv) {
  const args = [...argv];
  let password;
  let hold = false;
  const h = args.indexOf('--hold');
  if (h >= 0) {
    args.splice(h, 1);
    hold = true;
  }
  const p = args.indexOf('--password');
  if (p >= 0) {
    if (p + 1 >= args.length) usage(script);
    password = args[p + 1];
    args.splice(p, 2);
  }
  if (args.length !== 2 || !/^[0-9]+$/.test(args[1])) usage(script);
  return { host: args[0], port: Number(args[1]), password, hold };
}

function oneLine(text) {
  return String(text).split(/\s+/).join(' ').trim();
}

function expect(what, expected, actual) {
  const e = JSON.stringify(expected, bufferAsHex);
  const a = JSON.stringify(actual, bufferAsHex);
  if (e !== a) throw new Error(`${what}: expected ${e}, got ${a}`);
}

function bufferAsHex(key, value) {
  if (value && value.type === 'Buffer' && Array.isArray(value.data)) return `<hex ${Buffer.from(value.data).toString('hex')}>`;
  return value;
}

class Runner {
  constructor() {
    this.failures = 0;
    this.timedOut = undefined; // the check that got no reply: the connection is out of step, later checks are not run
  }

  /** Runs fn (async, returns a detail or throws) within the deadline and prints its line. */
  async check(name, fn) {
    if (this.timedOut !== undefined) {
      this.failures++;
      process.stdout.write(`FAIL ${name} not run: check '${this.timedOut}' got no reply within ${CHECK_TIMEOUT_MS / 1000} s\n`);
      return false;
    }
    let timer;
    let late = false;
    const deadline = new Promise((_, reject) => {
      timer = setTimeout(() => {
        late = true;
        reject(new Error(`no reply within ${CHECK_TIMEOUT_MS / 1000} s`));
      }, CHECK_TIMEOUT_MS);
    });
    try {
      const detail = await Promise.race([fn(), deadline]);
      process.stdout.write(`PASS ${name} ${oneLine(detail)}\n`);
      return true;
    } catch (e) {
      this.failures++;
      if (late) this.timedOut = name;
      const type = e && e.constructor ? e.constructor.name : 'Error';
      process.stdout.write(`FAIL ${name} ${type}: ${oneLine(e && e.message !== undefined ? e.message : e)}\n`);
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * The --hold protocol: INCR a counter in a loop (paced, on the checklist's connection), print HOLD, wait
   * for a line on stdin, then check the counter, the connection, the data kept, and run the checklist again.
   */
  async hold({ clientId, incr, get, kept, again }) {
    const before = {};
    await this.check('client-id', async () => {
      before.id = await clientId();
      return 'CLIENT ID before the move';
    });
    const loop = { acked: 0, error: undefined, stopping: false };
    let started;
    const ten = new Promise((resolve) => { started = resolve; });
    const running = (async () => {
      while (!loop.stopping) {
        let n;
        try {
          n = Number(await incr());
        } catch (e) {
          loop.error = `${e.constructor.name}: ${oneLine(e.message)} after ${loop.acked} INCRs`;
          break;
        }
        loop.acked++;
        if (n !== loop.acked) {
          loop.error = `INCR number ${loop.acked} returned ${n}`;
          break;
        }
        if (loop.acked >= 10) started();
        await new Promise((resolve) => setTimeout(resolve, 5)); // pacing: a trickle of writes, not a load test
      }
      started();
    })();
    await Promise.race([ten, new Promise((resolve) => setTimeout(resolve, CHECK_TIMEOUT_MS))]);
    process.stdout.write('HOLD\n');
    await readLine();
    loop.stopping = true;
    const counted = await this.check('writes-during-move', async () => {
      await running;
      if (loop.error) throw new Error(loop.error);
      return `${loop.acked} INCRs acknowledged`;
    });
    if (counted) {
      await this.check('writes-counted-once', async () => {
        expect('counter', String(loop.acked), String(await get()));
        return 'GET equals the acknowledged INCRs';
      });
    }
    await this.check('connection-kept', async () => {
      expect('CLIENT ID', before.id, await clientId());
      return 'CLIENT ID unchanged';
    });
    await this.check('data-kept', kept);
    await again();
  }

  finish(library) {
    process.stdout.write(`${library}: ${this.failures === 0 ? 'all checks passed' : `${this.failures} check(s) failed`}\n`);
    return this.failures === 0 ? 0 : 1;
  }
}

function readLine() {
  return new Promise((resolve) => {
    let seen = '';
    const onData = (chunk) => {
      seen += chunk.toString();
      if (seen.includes('\n')) done();
    };
    const done = () => {
      process.stdin.off('data', onData);
      process.stdin.off('end', done);
      process.stdin.pause();
      resolve();
    };
    process.stdin.on('data', onData);
    process.stdin.on('end', done);
  });
}

module.exports = {
  ALL_BYTES, LIST, NOAUTH_HELLO, PIPELINE_COMMANDS, Runner, WRONGPASS, expect, parseArgs,
};
