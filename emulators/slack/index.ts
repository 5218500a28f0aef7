// The Slack emulator's public surface.
export { createSlackEmulatorApp } from './app.js';
export { startSlackEmulator } from './server.js';
export type { RunningSlackEmulator, SlackEmulatorOptions } from './server.js';
export { SlackEmulatorState, RESPONSE_URL_MAX_POSTS, RESPONSE_URL_LIFETIME_MS } from './state.js';
export type { SlackMessage, SlackMessageVersion, SlackEphemeral, ResponseUrlRecord } from './state.js';
