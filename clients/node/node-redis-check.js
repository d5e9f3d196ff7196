'use strict';
// node-redis (npm `redis`, version in package.json) with its default settings against one Redis-compatible
// endpoint: RESP3 (it sends HELLO 3 first, with no fallback), auto-pipelining, reconnection.
//
// usage: node node-redis-check.js HOST PORT [--password PASSWORD] [--hold]
// One line per check, "PASS name detail" or "FAIL name detail"; exit 1 if any failed. See clients/README.md.

const { createClient, RESP_TYPES, WatchError } = require('redis');
const { version } = require('redis/package.json');
const {
  ALL_BYTES, LIST, NOAUTH_HELLO, PIPELINE_COMMANDS, Runner, WRONGPASS, expect, parseArgs,
} = require('./checklist');

const HASH = { f1: 'v1', f2: '', f3: 'ünïcode ✓' };
const opts = parseArgs('node-redis-check.js', process.argv.slice(2));
const prefix = `clients:node-redis:${process.pid}:${process.hrtime.bigint()}:`;
const run = new Runner();
const clients = [];

function newClient(password) {
  // Only host, port and password are set: the rest is node-redis's default.
  const client = createClient({ socket: { host: opts.host, port: opts.port }, password });
  client.on('error', (e) => process.stderr.write(`node-redis error event: ${e.message}\n`));
  clients.push(client);
  return client;
}

async function checklist(r, phase) {
  const k = (name) => `${prefix}${phase}:${name}`;
  const bin = r.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });

  await run.check('set-get', async () => {
    expect('SET', 'OK', await r.set(k('s'), 'value-1'));
    expect('GET', 'value-1', await r.get(k('s')));
    expect('GET of a missing key', null, await r.get(k('s:missing')));
    return 'SET then GET round-trips; a missing key is null';
  });
  await run.check('binary', async () => {
    const key = Buffer.concat([Buffer.from(k('bin-')), ALL_BYTES]);
    expect('SET', 'OK', await bin.set(key, ALL_BYTES));
    expect('GET', ALL_BYTES, await bin.get(key));
    return 'a key and a value holding all 256 byte values round-trip (Buffer type mapping)';
  });
  await run.check('pipeline', async () => {
    // node-redis pipelines every command issued in the same tick.
    const sent = [];
    const expected = [];
    for (let i = 0; i < PIPELINE_COMMANDS / 2; i++) {
      sent.push(r.set(k(`p:${i}`), String(i)), r.get(k(`p:${i}`)));
      expected.push('OK', String(i));
    }
    expect(`${PIPELINE_COMMANDS} replies`, expected, await Promise.all(sent));
    return `${PIPELINE_COMMANDS} commands in one tick (auto-pipelined), replies in order`;
  });
  await run.check('transaction', async () => {
    expect('EXEC replies', ['OK', 2, '2'], await r.multi().set(k('tx'), '1').incr(k('tx')).get(k('tx')).exec());
    return "multi().set().incr().get().exec(): ['OK', 2, '2']";
  });
  await run.check('transaction-watch', async () => {
    await r.set(k('watched'), 'original');
    const other = newClient(opts.password);
    await other.connect();
    try {
      await r.watch(k('watched'));
      await other.set(k('watched'), 'changed-by-other');
      let aborted = false;
      try {
        await r.multi().set(k('watched'), 'mine').exec();
      } catch (e) {
        if (!(e instanceof WatchError)) throw e;
        aborted = true;
      }
      if (!aborted) throw new Error('EXEC ran although a watched key changed');
    } finally {
      other.destroy();
    }
    expect('value after the aborted EXEC', 'changed-by-other', await r.get(k('watched')));
    return 'watch(), a write by another connection, exec() rejected with WatchError';
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
    expect('HSET of 3 new fields', 3, await r.hSet(k('h'), HASH));
    expect('HGETALL', HASH, { ...(await r.hGetAll(k('h'))) });
    expect('HGET', 'v1', await r.hGet(k('h'), 'f1'));
    return 'hSet of an object with 3 fields, hGetAll and hGet';
  });
  await run.check('list', async () => {
    expect('RPUSH', 3, await r.rPush(k('l'), LIST));
    expect('LRANGE 0 -1', LIST, await r.lRange(k('l'), 0, -1));
    expect('LRANGE 1 1', ['b'], await r.lRange(k('l'), 1, 1));
    return 'rPush a b c, lRange';
  });
  if (opts.password !== undefined) {
    await run.check('auth', async () => {
      await expectRefused(undefined, 'without the password', NOAUTH_HELLO);
      await expectRefused(`${opts.password}-wrong`, 'with a wrong password', WRONGPASS);
      return 'connect() refused with NOAUTH without the password, WRONGPASS with a wrong one';
    });
  }
}

/** connect() with this password must fail with this message (the first error it reports). */
async function expectRefused(password, how, message) {
  // Reconnection is turned off only here: this client is meant to fail, and by default it would retry forever.
  const c = createClient({ socket: { host: opts.host, port: opts.port, reconnectStrategy: false }, password });
  c.on('error', () => { });
  try {
    await c.connect();
    const reply = await c.get('any');
    throw new Error(`connected ${how} and GET answered ${JSON.stringify(reply)}`);
  } catch (e) {
    expect(`error ${how}`, message, e.message);
  } finally {
    if (c.isOpen) c.destroy();
  }
}

async function kept(r, phase) {
  const k = (name) => `${prefix}${phase}:${name}`;
  const bin = r.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
  expect('binary value', ALL_BYTES, await bin.get(Buffer.concat([Buffer.from(k('bin-')), ALL_BYTES])));
  expect('hash', HASH, { ...(await r.hGetAll(k('h'))) });
  expect('list', LIST, await r.lRange(k('l'), 0, -1));
  const gets = [];
  const expected = [];
  for (let i = 0; i < PIPELINE_COMMANDS / 2; i++) {
    gets.push(r.get(k(`p:${i}`)));
    expected.push(String(i));
  }
  expect('pipelined keys', expected, await Promise.all(gets));
  const ttl = await r.ttl(k('ttl'));
  if (!(ttl >= 1 && ttl <= 100)) throw new Error(`TTL of the expiring key: expected 1..100, got ${ttl}`);
  return 'binary value, hash, list, 500 pipelined keys and a TTL are intact';
}

async function main() {
  const r = newClient(opts.password);
  const connected = await run.check('connect', async () => {
    // By default node-redis retries a failed handshake forever; its first error event says why.
    const firstError = new Promise((_, reject) => {
      r.once('error', (e) => reject(new Error(`error event while connecting: ${e.message}`)));
    });
    await Promise.race([r.connect(), firstError]);
    expect('PING', 'PONG', await r.ping());
    return 'connect() and PING answered';
  });
  if (connected) {
    await checklist(r, 'a');
    if (opts.hold) {
      const counter = `${prefix}moving:counter`;
      await run.hold({
        clientId: () => r.clientId(),
        incr: () => r.incr(counter),
        get: () => r.get(counter),
        kept: () => kept(r, 'a'),
        again: () => checklist(r, 'b'),
      });
    }
  }
  for (const c of clients) {
    if (c.isOpen) c.destroy();
  }
  return run.finish(`node-redis ${version}`);
}

main().then((code) => process.exit(code), (e) => {
  process.stdout.write(`FAIL script ${e.stack}\n`);
  process.exit(1);
});
