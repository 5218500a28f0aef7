#!/usr/bin/env node
// The `switchyard` command (package.json "bin"; cli/main.js runs this file through tsx in a
// checkout, `npm run build` compiles it to dist/cli/main.js).
import { text } from 'node:stream/consumers';
import { createProgram } from './program.js';

const { run } = createProgram({
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  readStdin: () => text(process.stdin),
});
process.exitCode = await run(process.argv.slice(2));
