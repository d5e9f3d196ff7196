'use strict';
// ioredis (version in package.json) with its default settings against one Redis-compatible endpoint:
// HELLO 3 first (RESP3; RESP2 only when the server does not know HELLO), CLIENT SETINFO, a ready check (INFO),
// offline queue, reconnection with resend of unanswered commands.
//
// usage: node ioredis-check.js HOST PORT [--password PASSWORD] [--hold]
// One line per check, "PASS name detail" or "FAIL name detail"; exit 1 if any failed. See clients/README.md.

const Redis = require('ioredis');
const { version } = require('ioredis/package.json');
const {
  ALL_BYTES, LIST, NOAUTH_HELLO, PIPELINE_COMMANDS, Runner, WRONGPASS, expect, parseArgs,
} = require('./checklist');

const HASH = { f1: 'v1', f2: '', f3: 'ünïcode ✓' };
const opts = parseArgs('ioredis-check.js', process.argv.slice(2));
const prefix = `clients:ioredis:${process.pid}:${process.hrtime.bigint()}:`;
const run = new Runner();
const clients = [];

function newClient(password, extra = {}) {
  // Only host, port and password are set: the rest is ioredis's default.
  const client = new Redis({ host: opts.host, port: opts.port, password, ...extra });
  client.on('error', (e) => process.stderr.write(`ioredis error event: ${e.message}\n`));
  clients.push(client);
  return client;
}

async function checklist(r, phase) {
  const k = (name) => `${prefix}${phase}:${name}`;

  await run.check('set-get', async () => {
    expect('SET', 'OK', await r.set(k('s'), 'value-1'));
    expect('GET', 'value-1', await r.get(k('s')));
    expect('GET of a missing key', null, await r.get(k('s:missing')));
    return 'SET then GET round-trips; a missing key is null';
  });
  await run.check('binary', async () => {
    const key = Buffer.concat([Buffer.from(k('bin-')), ALL_BYTES]);
    expect('SET', 'OK', await r.set(key, ALL_BYTES));
    expect('GET', ALL_BYTES, await r.getBuffer(key));
    return 'a key and a value holding all 256 byte values round-trip (getBuffer)';
  });
  await run.check('pipeline', async () => {
    const p = r.pipeline();
    const expected = [];
    for (let i = 0; i < PIPELINE_COMMANDS / 2; i++) {
      p.set(k(`p:${i}`), String(i)).get(k(`p:${i}`));
      expected.push([null, 'OK'], [null, String(i)]);
    }
    expect(`${PIPELINE_COMMANDS} replies`, expected, await p.exec());
    return `pipeline() of ${PIPELINE_COMMANDS} commands, replies in order`;
  });
  await run.check('transaction', async () => {
    expect('EXEC replies', [[null, 'OK'], [null, 2], [null, '2']],
      await r.multi().set(k('tx'), '1').incr(k('tx')).get(k('tx')).exec());
    return "multi().set().incr().get().exec(): [[null, 'OK'], [null, 2], [null, '2']]";
  });
  await run.check('transaction-watch', async () => {
    await r.set(k('watched'), 'original');
    const other = newClient(opts.password);
    try {
      await r.watch(k('watched'));
      await other.set(k('watched'), 'changed-by-other');
      const result = await r.multi().set(k('watched'), 'mine').exec();
      if (result !== null) throw new Error(`EXEC ran although a watched key changed: ${JSON.stringify(result)}`);
    } finally {
      other.disconnect();
    }
    expect('value after the aborted EXEC', 'changed-by-other', await r.get(k('watched')));
    return 'watch(), a write by another connection, exec() resolved to null';
  });
  await run.check('expire-ttl', async () => {
    await r.set(k('ttl'), 'v');
    await r.set(k('no-ttl'), 'v');
    expect('EXPIRE', 1, await r.expire(k('ttl'), 100));
    const ttl = await r.ttl(k('ttl'));
    if (!(ttl >= 90 && ttl <= 100)) throw new Error(`TTL after EXPIRE 100: expected 90..100, got ${ttl}`);
    expect('TTL of a key without expiry', -1, await r.ttl(k('no-ttl')));
    expect('TTL of a missing key', -2, await r.ttl(k('missing')));
    return `TTL ${ttl} after EXPIRE 100; -1 without expiry; -2 when missing`;
  });
  await run.check('hash', async () => {
    expect('HSET of 3 new fields', 3, await r.hset(k('h'), HASH));
    expect('HGETALL', HASH, await r.hgetall(k('h')));
    expect('HGET', 'v1', await r.hget(k('h'), 'f1'));
    return 'hset of an object with 3 fields, hgetall and hget';
  });
  await run.check('list', async () => {
    expect('RPUSH', 3, await r.rpush(k('l'), ...LIST));
    expect('LRANGE 0 -1', LIST, await r.lrange(k('l'), 0, -1));
    expect('LRANGE 1 1', ['b'], await r.lrange(k('l'), 1, 1));
    return 'rpush a b c, lrange';
  });
  if (opts.password !== undefined) {
    await run.check('auth', async () => {
      await expectRefused(undefined, 'without the password', NOAUTH_HELLO);
      await expectRefused(`${opts.password}-wrong`, 'with a wrong password', WRONGPASS);
      return 'NOAUTH without the password, WRONGPASS with a wrong one';
    });
  }
}

/** A GET on a client with this password must fail with this message. */
async function expectRefused(password, how, message) {
  // Reconnection is turned off only here: this client is meant to fail, and by default it would retry forever.
  const c = newClient(password, { retryStrategy: () => null, maxRetriesPerRequest: 0 });
  const firstError = new Promise((resolve) => c.once('error', resolve));
  try {
    const reply = await c.get('any');
    throw new Error(`GET ${how} answered ${JSON.stringify(reply)}`);
  } catch (e) {
    // ioredis reports a refused AUTH on its 'error' event and fails the queued GET as the connection closes.
    const seen = e.message === message ? e : await firstError;
    expect(`error ${how}`, message, seen.message);
  } finally {
    c.disconnect();
  }
}

async function kept(r, phase) {
  const k = (name) => `${prefix}${phase}:${name}`;
  expect('binary value', ALL_BYTES, await r.getBuffer(Buffer.concat([Buffer.from(k('bin-')), ALL_BYTES])));
  expect('hash', HASH, await r.hgetall(k('h')));
  expect('list', LIST, await r.lrange(k('l'), 0, -1));
  const p = r.pipeline();
  const expected = [];
  for (let i = 0; i < PIPELINE_COMMANDS / 2; i++) {
    p.get(k(`p:${i}`));
    expected.push([null, String(i)]);
  }
  expect('pipelined keys', expected, await p.exec());
  const ttl = await r.ttl(k('ttl'));
  if (!(ttl >= 1 && ttl <= 100)) throw new Error(`TTL of the expiring key: expected 1..100, got ${ttl}`);
  return 'binary value, hash, list, 500 pipelined keys and a TTL are intact';
}

async function main() {
  const r = newClient(opts.password);
  const connected = await run.check('connect', async () => {
    // By default ioredis queues commands and reconnects forever after a failed connect; its error event says why.
    const firstError = new Promise((_, reject) => {
      r.once('error', (e) => reject(new Error(`error event while connecting: ${e.message}`)));
    });
    expect('PING', 'PONG', await Promise.race([r.ping(), firstError]));
    return 'PING answered';
  });
  if (connected) {
    await checklist(r, 'a');
    if (opts.hold) {
      const counter = `${prefix}moving:counter`;
      await run.hold({
        clientId: () => r.client('ID'),
        incr: () => r.incr(counter),
        get: () => r.get(counter),
        kept: () => kept(r, 'a'),
        again: () => checklist(r, 'b'),
      });
    }
  }
  for (const c of clients) c.disconnect();
  return run.finish(`ioredis ${version}`);
}

main().then((code) => process.exit(code), (e) => {
  process.stdout.write(`FAIL script ${e.stack}\n`);
  process.exit(1);
});
