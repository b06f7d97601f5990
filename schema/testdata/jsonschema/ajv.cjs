// Validates instances against a JSON Schema with Ajv, the validator of
// the JSON Schema ecosystem (draft-07 by default, like the YAML language
// server), as an independent check of castor's exported schema.
//
// usage: NODE_PATH=.ci/node/node_modules node ajv.cjs INPUT.json
//   INPUT: {"schema": {...}, "instances": [{"name": "...", "data": ...}]}
// prints: [{"name": "...", "valid": bool, "errors": ["path: message", ...]}]
'use strict';
const fs = require('fs');
const Ajv = require('ajv');
const addFormats = require('ajv-formats');

const [input] = process.argv.slice(2);

const { schema, instances } = JSON.parse(fs.readFileSync(input, 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: true });
addFormats(ajv);
const validate = ajv.compile(schema);
const out = instances.map(({ name, data }) => {
  const valid = validate(data);
  const errors = (validate.errors || []).map((e) => `${e.instancePath || '/'}: ${e.message}`);
  return { name, valid, errors };
});
process.stdout.write(JSON.stringify(out));
