#!/usr/bin/env node
// Check the form-2 (RFC 8785) chain of an incidentbot JSON export with Node.js alone:
//   node verify_export.mjs EXPORT.json
// A second implementation, in another language, of docs/evidence.md "The chain, byte for
// byte": ECMAScript's own JSON.stringify writes numbers and strings as RFC 8785 asks, and keys
// are sorted by UTF-16 code units (JavaScript's default sort). Events of form 1 (recorded
// before RFC 8785 was adopted) use Python's number format and are left to verify_export.py.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";

const FIELDS = ["incident", "seq", "at", "actor", "kind", "phase", "text", "data", "link"];

function jcs(value) {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return "[" + value.map(jcs).join(",") + "]";
  const keys = Object.keys(value).sort();
  return "{" + keys.map((k) => JSON.stringify(k) + ":" + jcs(value[k])).join(",") + "}";
}

function fail(message) {
  process.stderr.write(message + "\n");
  process.exit(1);
}

const path = process.argv[2];
if (!path) fail("usage: node verify_export.mjs EXPORT.json");
let data;
try {
  data = JSON.parse(readFileSync(path, "utf8").replace(/^\uFEFF/, ""));
} catch (err) {
  fail(`${path}: cannot be read as JSON (${err.message})`);
}
const ref = data.incident.ref;
let prev = "0".repeat(64);
let legacy = 0;
data.timeline.forEach((event, i) => {
  const expected = i + 1;
  if (event.seq !== expected) fail(`${ref}: event #${expected} is missing (deleted)`);
  if (event.prev_hash !== prev) fail(`${ref}: event #${event.seq} does not follow event #${i}`);
  if ((event.form ?? 1) === 2) {
    const body = {};
    for (const name of FIELDS) body[name] = name === "incident" ? (event.incident ?? ref) : (event[name] ?? null);
    body.data = event.data ?? {};
    body.prev_hash = prev;
    body.v = 2;
    const digest = createHash("sha256").update(jcs(body), "utf8").digest("hex");
    if (digest !== event.hash) fail(`${ref}: event #${event.seq} was altered (its hash does not match its content)`);
  } else {
    legacy += 1;
  }
  prev = event.hash;
});
if (data.timeline.length && prev !== data.chain.head) fail(`${ref}: the export's head is not its last event's hash`);
const note = legacy ? `, ${legacy} form-1 event(s) left to verify_export.py` : "";
process.stdout.write(`OK: ${ref}, ${data.timeline.length} events, head ${prev}${note}.\n`);
