// The AWS emulator's public surface: start it, seed it, find the blue/green probe URLs.
export { startAwsEmulator, createAwsEmulatorApp, blueGreenUrls } from './server.js';
export type { AwsEmulatorOptions, RunningAwsEmulator } from './server.js';
export { seed } from './seed.js';
export type { AwsSeedOptions, AwsSeedResult } from './seed.js';
export { AwsEmulatorState } from './emulator-state.js';
export type { AwsEmulatorStateOptions } from './emulator-state.js';
export type { LifecycleHookEvent, LifecycleHookName, DeploymentStatus } from './codedeploy-model.js';
export type { LambdaHandler, EcsLambdaHandler } from './lambda-functions.js';
export { UNHEALTHY_IMAGE_MARKER, degradedAt } from './bluegreen-app.js';
export { seedEcsNativeService } from './seed-ecs-native.js';
export type { EcsNativeSeedOptions } from './seed-ecs-native.js';
export type { EcsHookPayload, ServiceDeploymentStatus, LifecycleStage } from './ecs-deployment-model.js';
export { ACCOUNT_ID, DEFAULT_REGION } from './aws-identity.js';
export { SANDBOX_DEPLOY_ROLE, roleArn } from './sessions.js';
export type { EmulatedRole } from './sessions.js';
