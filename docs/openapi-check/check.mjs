// Checks the facade's OpenAPI description with tools written elsewhere, as a
// client team would use it: swagger-parser validates it against the OpenAPI
// 3.1 schema and its own rules, and openapi-typescript (a typed-client
// generator that refuses Swagger 2.0) generates TypeScript types from it.
// The checks on those types are the ones typed clients rely on: Pigello's
// nulls and free-form templates, Create's body and List's query and page.
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
// Create's body: name required, the read-only fields readonly, the template
// lists nullable (the gateway reads null as none). List: its query and page.
const create = block(types, 'WorkEngagementService_CreateWorkEngagement: {');
const list = block(types, 'WorkEngagementService_ListWorkEngagements: {');
const page = block(types, 'ListWorkEngagementsResponse: {');
for (const [name, text, wants] of [
  ['CreateWorkEngagement', create, ['name: string;', 'readonly id?: string;', 'readonly created_at?: string | null;']],
  ['ListWorkEngagements', list, ['page_size?: number;', 'page_token?: string;', 'filter?: string;', 'order_by?: string;', 'search?: string;',
    '"application/json": components["schemas"]["ListWorkEngagementsResponse"];']],
  ['ListWorkEngagementsResponse', page, ['work_engagements?: components["schemas"]["WorkEngagement"][];', 'next_page_token?: string;', 'total_size?: number;']],
]) {
  for (const want of wants) {
    if (!text.includes(want)) {
      throw new Error(`openapi-typescript: ${name} lacks ${want}\n${text}`);
    }
  }
}
if (!/template_notifications\?: \{\s*\[key: string\]: unknown;\s*\}\[\] \| null;/.test(create)) {
  throw new Error(`openapi-typescript: CreateWorkEngagement's template_notifications is not a nullable list\n${create}`);
}
console.log(`openapi-typescript: ${types.split('\n').length} lines of types; WorkEngagement's nulls and free-form JSON, Create's body and List's query and page as described`);

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
