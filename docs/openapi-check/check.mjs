// Checks the facade's OpenAPI description with tools written elsewhere, as a
// client team would use it: swagger-parser validates it against the OpenAPI
// 3.1 schema and its own rules, and openapi-typescript (a typed-client
// generator that refuses Swagger 2.0) generates TypeScript types from it.
// The checks on those types are the ones typed clients rely on: Pigello's
// nulls and free-form templates.
//
// Usage: node check.mjs FILE
import SwaggerParser from '@apidevtools/swagger-parser';
import openapiTS, { astToString } from 'openapi-typescript';
import { pathToFileURL } from 'node:url';

const file = process.argv[2];
if (!file) {
  console.error('usage: node check.mjs FILE');
  process.exit(2);
}

const api = await SwaggerParser.validate(file);
if (!api.openapi?.startsWith('3.1.')) {
  throw new Error(`${file}: openapi is ${api.openapi}, want 3.1.x`);
}
console.log(`swagger-parser: ${file} is valid OpenAPI ${api.openapi}`);

const types = astToString(await openapiTS(pathToFileURL(file)));
const workEngagement = block(types, 'WorkEngagement: {');
for (const want of [
  'organization?: components["schemas"]["Organization"] | null;',
  'custom_id?: string | null;',
  'color_code?: string | null;',
]) {
  if (!workEngagement.includes(want)) {
    throw new Error(`openapi-typescript: WorkEngagement lacks ${want}\n${workEngagement}`);
  }
}
if (workEngagement.includes('Record<string, never>')) {
  throw new Error(`openapi-typescript: WorkEngagement has an object that can hold no key\n${workEngagement}`);
}
console.log(`openapi-typescript: ${types.split('\n').length} lines of types; WorkEngagement's nulls and free-form JSON as described`);

// block returns the text from the line holding start to its closing brace.
function block(text, start) {
  const from = text.indexOf(start);
  if (from < 0) {
    throw new Error(`openapi-typescript: no "${start}" in the types`);
  }
  let depth = 0;
  for (let i = text.indexOf('{', from); i < text.length; i++) {
    if (text[i] === '{') depth++;
    if (text[i] === '}' && --depth === 0) return text.slice(from, i + 1);
  }
  throw new Error(`openapi-typescript: "${start}" is not closed`);
}
