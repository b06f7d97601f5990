// Validates instances against a JSON Schema with Ajv, the validator of
// the JSON Schema ecosystem (draft-07 by default, like the YAML language
// server), as an independent check of castor's exported schema.
//
// usage: node ajv.cjs NODE_DIR INPUT.json
//   NODE_DIR: the folder whose node_modules holds ajv and ajv-formats
//   INPUT: {"schema": {...}, "instances": [{"name": "...", "data": ...}]}
// prints: [{"name": "...", "valid": bool, "errors": ["path: message", ...]}]
'use strict';
const fs = require('fs');
const path = require('path');
const { createRequire } = require('module');

const [nodeDir, input] = process.argv.slice(2);
const req = createRequire(path.join(path.resolve(nodeDir), 'package.json'));
const Ajv = req('ajv');
const addFormats = req('ajv-formats');

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
