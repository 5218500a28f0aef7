// Every workflow the worker hosts. The worker bundles this file; keep it free of anything but
// workflow code (the lint config enforces no Node built-ins and type-only activity imports).
export { workerProbeWorkflow } from './worker-probe.js';
export { distributionWorkflow } from './distribution/workflow.js';
export { deploymentWorkflow } from './deployment/workflow.js';
export { serviceDeploymentsWorkflow } from './service/workflow.js';
export { freezesWorkflow } from './freeze/workflow.js';
