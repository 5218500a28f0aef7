// The web console: static ES modules served as they are (no build step), public like the docs;
// the page signs in with an API key (exchanged for a session cookie) and uses the same API as
// every other client.
import { readFileSync } from 'node:fs';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { SwitchyardEnv } from '../auth.js';

const MODULES = ['console', 'api', 'ui', 'chart', 'release', 'services', 'distributions', 'freezes', 'delivery', 'live'];
const FILES: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/console.css': { file: 'console.css', type: 'text/css; charset=utf-8' },
  ...Object.fromEntries(MODULES.map((name) => [`/${name}.js`, { file: `${name}.js`, type: 'text/javascript; charset=utf-8' }])),
};

export function registerConsoleRoutes(app: OpenAPIHono<SwitchyardEnv>) {
  for (const [path, { file, type }] of Object.entries(FILES)) {
    const content = readFileSync(new URL(`../../web/${file}`, import.meta.url), 'utf8');
    app.get(path, (c) =>
      c.body(content, 200, {
        'content-type': type,
        'cache-control': 'no-cache',
        'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'",
      }),
    );
  }
}
