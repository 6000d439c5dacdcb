// End-to-end: build the facade, start it on its embedded Pigello emulator,
// and call Get, Update and Delete through the Node client.
//
// FACADE_BIN=/path/to/pigello-facade skips the go build.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { status } from '@grpc/grpc-js';
import { WorkEngagements, fromStruct, fromValue, statusDetails, toDate, toStruct } from '../client.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const FULL = '3f2b8c1e-7a4d-4e6b-9c2a-1d5e8f0a7b31'; // the emulator's demo record with every field set
const ACME = '0b7e3c2a-5f1d-4a8e-b6c4-2e9f1a3d5c70';

let buildDir;
let facade;
let client;

before(async () => {
  let bin = process.env.FACADE_BIN;
  if (!bin) {
    buildDir = mkdtempSync(path.join(tmpdir(), 'pigello-facade-node-'));
    bin = path.join(buildDir, 'pigello-facade');
    execFileSync('go', ['build', '-o', bin, './cmd/pigello-facade'], { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'] });
  }
  facade = spawn(bin, ['--emulator', '--grpc-addr', '127.0.0.1:0', '--http-addr', '127.0.0.1:0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  client = new WorkEngagements(await grpcAddress(facade), { timeoutMs: 5000 });
}, { timeout: 600_000 }); // a cold go build downloads modules

after(async () => {
  client?.close();
  if (facade && facade.exitCode === null && facade.signalCode === null) {
    const exited = once(facade, 'exit');
    facade.kill('SIGTERM');
    const killer = setTimeout(() => facade.kill('SIGKILL'), 20_000);
    const [code, signal] = await exited;
    clearTimeout(killer);
    assert.equal(code, 0, `facade exit on SIGTERM: code ${code}, signal ${signal}`);
  }
  if (buildDir) rmSync(buildDir, { recursive: true, force: true });
});

// Never leave the facade or its build behind, even when this process ends
// early: an uncaught error, Ctrl-C, CI stopping the job, or the runner
// dying (output piped to head). Only a SIGKILL of this process can orphan it.
function abandon() {
  if (facade?.exitCode === null && facade.signalCode === null) facade.kill('SIGKILL');
  if (buildDir) rmSync(buildDir, { recursive: true, force: true });
}
process.on('exit', abandon);
process.stdout.on('error', () => { // EPIPE: the runner is gone
  abandon();
  process.exit(1);
});
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(sig, () => {
    abandon();
    process.exit(128 + constants.signals[sig]);
  });
}

// grpcAddress waits for the "gRPC:  ADDR" line of the facade's banner.
function grpcAddress(child) {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const fail = (why) => reject(new Error(`${why}\nstdout:\n${out}\nstderr:\n${err}`));
    const timer = setTimeout(() => fail('no gRPC address within 30s'), 30_000);
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      out += chunk;
      const m = out.match(/^\s*gRPC:\s+(\S+)\r?\n/m);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk) => { err += chunk; }); // keep draining: the facade logs here
    child.on('error', (e) => { clearTimeout(timer); fail(`cannot start the facade: ${e.message}`); });
    child.on('exit', (code, signal) => { clearTimeout(timer); fail(`facade exited (${code ?? signal}) before its banner`); });
  });
}

// rejectsWith asserts that a call fails with the given gRPC status code and
// returns the error.
async function rejectsWith(promise, code) {
  const err = await promise.then(
    (res) => assert.fail(`expected status ${code}, got ${JSON.stringify(res)}`),
    (e) => e,
  );
  assert.equal(err.code, code, err.message);
  return err;
}

test('Get returns the demo work engagement', async () => {
  const we = await client.get({ id: FULL });
  assert.equal(we.id, FULL);
  assert.equal(we.name, 'Full-time employment');
  assert.equal(we.color_code, '1E90ff');
  assert.equal(we.custom_id, 'WE-0001');
  assert.deepEqual(we.organization, { id: ACME });
  assert.deepEqual(we.created_at, { seconds: String(Date.parse('2024-01-15T09:30:00Z') / 1000), nanos: 123456000 });
  assert.equal(toDate(we.created_at).toISOString(), '2024-01-15T09:30:00.123Z');
  assert.deepEqual(fromValue(we.tags), [{ id: '2c4e6a8b-1d3f-4e5a-b7c9-0a2b4c6d8e0f', name: 'Priority' }]);
  assert.deepEqual(fromValue(we.customer_columns), { cost_center: '4100', headcount: 12 });
  assert.deepEqual(we.template_sms_notifications.map(fromStruct), [{ id: '9b8a7c6d-5e4f-4d3c-a2b1-0f9e8d7c6b5a' }]);
});

test('Update sets color_code', async () => {
  const we = await client.update({
    work_engagement: { id: FULL, color_code: 'abc' },
    update_mask: { paths: ['color_code'] },
  });
  assert.equal(we.color_code, 'abc');
  assert.equal(we.name, 'Full-time employment'); // untouched
  assert.equal((await client.get({ id: FULL })).color_code, 'abc');
});

test('Update with color_code in the mask but unset clears it', async () => {
  const we = await client.update({ work_engagement: { id: FULL }, update_mask: { paths: ['color_code'] } });
  assert.equal(we.color_code, undefined);
  assert.equal('color_code' in we, false);
  assert.equal(we.custom_id, 'WE-0001'); // untouched
});

test('Update writes a template list (Struct values)', async () => {
  const templates = [{ id: '11111111-2222-4333-8444-555555555555', enabled: true, n: 2 }];
  const we = await client.update({
    work_engagement: { id: FULL, template_notifications: templates.map(toStruct) },
    update_mask: { paths: ['template_notifications'] },
  });
  assert.deepEqual(we.template_notifications.map(fromStruct), templates);
});

test('an invalid id is INVALID_ARGUMENT with ErrorInfo and BadRequest', async () => {
  const err = await rejectsWith(client.get({ id: 'not-a-uuid' }), status.INVALID_ARGUMENT);
  assert.match(err.details, /id/);
  const st = statusDetails(err);
  assert.equal(st.code, status.INVALID_ARGUMENT);
  assert.equal(st.message, err.details);
  const info = st.details.find((d) => d['@type'] === 'google.rpc.ErrorInfo');
  assert.equal(info?.domain, 'pigello.io');
  assert.equal(info?.reason, 'INVALID_REQUEST');
  const badRequest = st.details.find((d) => d['@type'] === 'google.rpc.BadRequest');
  assert.deepEqual(badRequest?.field_violations.map((v) => v.field), ['id']);
});

test('Delete, then Get is NOT_FOUND, then Delete with allow_missing succeeds', async () => {
  assert.deepEqual(await client.delete({ id: FULL }), {});
  const err = await rejectsWith(client.get({ id: FULL }), status.NOT_FOUND);
  assert.equal(statusDetails(err).details.find((d) => d['@type'] === 'google.rpc.ErrorInfo')?.reason, 'PIGELLO_NOT_FOUND');
  await rejectsWith(client.delete({ id: FULL }), status.NOT_FOUND);
  assert.deepEqual(await client.delete({ id: FULL, allow_missing: true }), {});
});

test('every call has a deadline', async () => {
  const err = await rejectsWith(client.get({ id: FULL }, { timeoutMs: 0 }), status.DEADLINE_EXCEEDED);
  assert.match(err.message, /Deadline/i);
});
