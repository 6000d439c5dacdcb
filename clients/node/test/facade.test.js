// End-to-end: build the facade, start it on its embedded Pigello emulator,
// and call Create, List, Get, Update and Delete through the Node client.
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
import { WorkEngagements, fromStruct, fromValue, statusDetails, toDate, toStruct, toValue } from '../client.js';

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

// violations returns the INVALID_REQUEST BadRequest's field violations of a
// failed call.
function violations(err) {
  const st = statusDetails(err);
  assert.equal(st.details.find((d) => d['@type'] === 'google.rpc.ErrorInfo')?.reason, 'INVALID_REQUEST');
  const badRequest = st.details.find((d) => d['@type'] === 'google.rpc.BadRequest');
  assert.ok(badRequest, `no BadRequest in ${JSON.stringify(st)}`);
  return badRequest.field_violations;
}

test('Create makes a work engagement from the writable fields and ignores read-only ones', async () => {
  const made = await client.create({
    work_engagement: {
      name: 'Node contractor', color_code: 'C0FFEE', custom_id: 'NODE-1', organization: { id: ACME },
      template_notifications: [toStruct({ id: '11111111-2222-4333-8444-555555555555' })],
      id: 'not even a UUID', tags: toValue(['ignored']), // read-only: ignored
    },
  });
  assert.match(made.id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.equal(made.name, 'Node contractor');
  assert.equal(made.color_code, 'C0FFEE');
  assert.equal(made.custom_id, 'NODE-1');
  assert.deepEqual(made.organization, { id: ACME });
  assert.deepEqual(made.template_notifications.map(fromStruct), [{ id: '11111111-2222-4333-8444-555555555555' }]);
  assert.equal(made.tags, undefined); // not what the request held
  assert.ok(toDate(made.created_at) > new Date('2024-01-01T00:00:00Z'), JSON.stringify(made.created_at));
  assert.deepEqual(await client.get({ id: made.id }), made);
});

test('Create without a name is INVALID_ARGUMENT on work_engagement.name', async () => {
  const err = await rejectsWith(client.create({ work_engagement: { color_code: 'abc' } }), status.INVALID_ARGUMENT);
  assert.deepEqual(violations(err).map((v) => v.field), ['work_engagement.name']);
});

test('List with a filter finds what Create made', async () => {
  const made = await client.create({ work_engagement: { name: 'Node filter target', color_code: 'BADA55' } });
  const page = await client.list({ filter: 'color_code = "BADA55" AND created_at >= "2024-01-01T00:00:00Z"', page_size: 10 });
  assert.deepEqual(page.work_engagements.map((we) => we.id), [made.id]);
  assert.deepEqual(page.work_engagements[0], made); // each item as Get reads it
  assert.equal(page.next_page_token ?? '', '');
  const none = await client.list({ filter: 'NOT color_code = "BADA55" AND color_code = "BADA5*"' });
  assert.deepEqual(none.work_engagements ?? [], []);
});

test('List pages through with page_token, as listAll does', async () => {
  for (const name of ['Node page 1', 'Node page 2', 'Node page 3']) {
    await client.create({ work_engagement: { name } });
  }
  const request = { order_by: 'created_at desc, id' };
  const all = (await client.list({ ...request, page_size: 500 })).work_engagements.map((we) => we.id);
  assert.ok(all.length >= 6, `only ${all.length} work engagements`);

  const paged = [];
  let page_token = '';
  let pages = 0;
  do {
    const page = await client.list({ ...request, page_size: 2, page_token });
    assert.ok((page.work_engagements ?? []).length <= 2, JSON.stringify(page));
    paged.push(...(page.work_engagements ?? []).map((we) => we.id));
    page_token = page.next_page_token ?? '';
    pages++;
  } while (page_token);
  assert.deepEqual(paged, all);
  assert.ok(pages >= 3, `${pages} pages`);

  const iterated = [];
  for await (const we of client.listAll({ ...request, page_size: 4 })) iterated.push(we.id);
  assert.deepEqual(iterated, all);
});

test('a page_token is bound to the filter it was made for', async () => {
  const first = await client.list({ page_size: 1 });
  assert.ok(first.next_page_token, JSON.stringify(first));
  const err = await rejectsWith(
    client.list({ page_size: 1, page_token: first.next_page_token, filter: 'color_code = "abc"' }),
    status.INVALID_ARGUMENT,
  );
  assert.deepEqual(violations(err).map((v) => v.field), ['page_token']);
});

test('a filter List cannot apply is INVALID_ARGUMENT with a BadRequest on filter', async () => {
  for (const [filter, mentions] of [
    ['name = "Internship"', /name/],
    ['color_code = "abc" OR color_code = "def"', /OR/],
    ['created_at > "yesterday"', /created_at/],
  ]) {
    const err = await rejectsWith(client.list({ filter }), status.INVALID_ARGUMENT);
    const [violation, ...more] = violations(err);
    assert.equal(violation.field, 'filter', filter);
    assert.match(violation.description, mentions, filter);
    assert.deepEqual(more, [], filter);
  }
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
