#!/usr/bin/env node
// `npx switchyard` in a checkout: runs the TypeScript CLI (cli/main.ts) through tsx. `npm run
// build` compiles cli/main.ts to dist/cli/main.js, which replaces this file there (the build's
// package.json names the same path), so the built CLI needs no tsx.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
