// A Node.js client for pigello-facade's WorkEngagementService, built at run
// time from the contract's .proto files with @grpc/proto-loader: no generated
// code, no reflection.
//
//   import { WorkEngagements } from './client.js';
//   const we = new WorkEngagements('localhost:9090');
//   console.log(await we.get({ id: '3f2b8c1e-7a4d-4e6b-9c2a-1d5e8f0a7b31' }));
//   const made = await we.create({ work_engagement: { name: 'Consultant' } });
//   for await (const one of we.listAll({ filter: 'color_code = "0a0"' })) console.log(one.id);
//   we.close();
//
// Messages are plain objects with the proto field names (snake_case), as in
// the README and grpcurl: { work_engagement: { id, color_code }, update_mask:
// { paths: ['color_code'] } }. An unset optional field is absent, int64s are
// strings, enums are names.
//
// Run as a script it prints one work engagement:
//   node client.js localhost:9090 3f2b8c1e-7a4d-4e6b-9c2a-1d5e8f0a7b31
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';
import protobuf from 'protobufjs';

const here = path.dirname(fileURLToPath(import.meta.url));

// protoDir is the proto tree `make protos` writes: the contract, its imports
// and google/rpc, the one tree every client in this repository uses.
// PIGELLO_PROTOS points elsewhere. The google/protobuf well-known types come
// bundled with protobufjs.
export const protoDir = process.env.PIGELLO_PROTOS || path.resolve(here, '../../dist/protos');
if (!existsSync(path.join(protoDir, 'pigello/accounts/v1/work_engagement.proto'))) {
  throw new Error(`no proto tree at ${protoDir}: run \`make protos\` in the repository (or set PIGELLO_PROTOS)`);
}

export const loaderOptions = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: false,
  oneofs: true,
  includeDirs: [protoDir],
};

const packageDefinition = protoLoader.loadSync('pigello/accounts/v1/work_engagement.proto', loaderOptions);
const { WorkEngagementService } = grpc.loadPackageDefinition(packageDefinition).pigello.accounts.v1;

export class WorkEngagements {
  // address is host:port. credentials defaults to plaintext (the emulator, or
  // a facade on loopback); use grpc.credentials.createSsl() for TLS. Every call
  // gets a deadline of timeoutMs unless the call passes its own.
  constructor(address, { credentials = grpc.credentials.createInsecure(), timeoutMs = 5000 } = {}) {
    this.stub = new WorkEngagementService(address, credentials);
    this.timeoutMs = timeoutMs;
  }

  // create({ work_engagement }) resolves to the new WorkEngagement as Pigello
  // stored it, with its id. name is required; read-only fields are ignored.
  // A create is never retried once it may have reached Pigello: UNAVAILABLE
  // with reason PIGELLO_OUTCOME_UNKNOWN means it may or may not exist, so
  // list before creating it again.
  create(request, options) {
    return this.#call('CreateWorkEngagement', request, options);
  }

  // list({ page_size, page_token, filter, order_by, search }) resolves to one
  // page: { work_engagements, next_page_token, total_size }. next_page_token
  // (absent on the last page) goes back as page_token, with the same filter,
  // order_by and search.
  list(request, options) {
    return this.#call('ListWorkEngagements', request, options);
  }

  // listAll(request) yields every work engagement the request matches, page
  // after page: for await (const we of client.listAll({ filter })) { ... }.
  async *listAll(request = {}, options) {
    let page_token = '';
    do {
      const page = await this.list({ ...request, page_token }, options);
      yield* page.work_engagements ?? [];
      page_token = page.next_page_token ?? '';
    } while (page_token);
  }

  // get({ id }) resolves to the WorkEngagement.
  get(request, options) {
    return this.#call('GetWorkEngagement', request, options);
  }

  // update({ work_engagement, update_mask: { paths } }) resolves to the
  // WorkEngagement as Pigello stored it. A path whose field is unset clears it.
  update(request, options) {
    return this.#call('UpdateWorkEngagement', request, options);
  }

  // delete({ id, allow_missing }) resolves to {} (google.protobuf.Empty).
  delete(request, options) {
    return this.#call('DeleteWorkEngagement', request, options);
  }

  close() {
    this.stub.close();
  }

  // options: { timeoutMs, metadata } — metadata is a plain object, for example
  // { authorization: 'Bearer ...' } when the facade checks tokens.
  #call(method, request, { timeoutMs = this.timeoutMs, metadata = {} } = {}) {
    const md = new grpc.Metadata();
    for (const [key, value] of Object.entries(metadata)) md.set(key, value);
    const deadline = new Date(Date.now() + timeoutMs);
    return new Promise((resolve, reject) => {
      this.stub[method](request, md, { deadline }, (err, response) => (err ? reject(err) : resolve(response)));
    });
  }
}

// The google.rpc types the facade puts in grpc-status-details-bin, from the
// same proto tree.
const rpcRoot = new protobuf.Root();
rpcRoot.loadSync(
  [path.join(protoDir, 'google/rpc/status.proto'), path.join(protoDir, 'google/rpc/error_details.proto')],
  { keepCase: true },
);
const Status = rpcRoot.lookupType('google.rpc.Status');

// statusDetails(err) decodes the google.rpc.Status of a failed call:
// { code, message, details: [{ '@type': 'google.rpc.ErrorInfo', reason, ... }] }.
// It returns null when the error carries no details.
export function statusDetails(err) {
  const [bin] = err.metadata?.get('grpc-status-details-bin') ?? [];
  if (!bin) return null;
  const status = Status.decode(bin);
  const details = status.details.map((any) => {
    const name = any.type_url.slice(any.type_url.lastIndexOf('/') + 1);
    const type = rpcRoot.lookup(name);
    if (!(type instanceof protobuf.Type)) return { '@type': name };
    return { '@type': name, ...type.toObject(type.decode(any.value), { longs: String, enums: String }) };
  });
  return { code: status.code, message: status.message, details };
}

// google.protobuf.Struct and Value come from protobufjs's bundled well-known
// types, whose fields are camelCase even with keepCase: { fields: { id: {
// stringValue: '…' } } }. fromValue/fromStruct turn them (tags,
// customer_columns, the template lists) into plain JSON; toValue/toStruct go
// the other way, for writing templates.
export function fromValue(v) {
  if (!v) return undefined;
  switch (v.kind) {
    case 'nullValue': return null;
    case 'numberValue': return v.numberValue;
    case 'stringValue': return v.stringValue;
    case 'boolValue': return v.boolValue;
    case 'structValue': return fromStruct(v.structValue);
    case 'listValue': return (v.listValue.values ?? []).map(fromValue);
    default: return undefined;
  }
}

export function fromStruct(s) {
  return Object.fromEntries(Object.entries(s?.fields ?? {}).map(([k, v]) => [k, fromValue(v)]));
}

export function toValue(json) {
  if (json === null || json === undefined) return { nullValue: 'NULL_VALUE' };
  if (Array.isArray(json)) return { listValue: { values: json.map(toValue) } };
  switch (typeof json) {
    case 'number': return { numberValue: json };
    case 'string': return { stringValue: json };
    case 'boolean': return { boolValue: json };
    default: return { structValue: toStruct(json) };
  }
}

export function toStruct(obj) {
  return { fields: Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, toValue(v)])) };
}

// toDate turns a google.protobuf.Timestamp ({ seconds: '…', nanos }) into a
// Date (millisecond precision).
export function toDate(ts) {
  return ts ? new Date(Number(ts.seconds ?? 0) * 1000 + Math.floor((ts.nanos ?? 0) / 1e6)) : undefined;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [address, id] = process.argv.slice(2);
  if (!address || !id) {
    console.error('usage: node client.js HOST:PORT WORK_ENGAGEMENT_ID');
    process.exit(2);
  }
  const client = new WorkEngagements(address);
  try {
    console.log(JSON.stringify(await client.get({ id }), null, 2));
  } catch (err) {
    console.error(err.message, JSON.stringify(statusDetails(err), null, 2));
    process.exitCode = 1;
  } finally {
    client.close();
  }
}
