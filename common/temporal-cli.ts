// The Temporal CLI lookup lives in scripts/ (plain JS, usable before `npm ci`); this re-export
// gives TypeScript code one import path for it.
export { findTemporalCli, HOW_TO_INSTALL_TEMPORAL } from '../scripts/temporal-binaries.mjs';
