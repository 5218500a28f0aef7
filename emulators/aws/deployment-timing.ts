// How fast the emulated deployments run (CodeDeploy's lifecycle and ECS's service deployments):
// one shared setting, in a module of its own so that both runners and the states that make them
// can name it without importing each other.
export interface DeploymentTiming {
  /** Time between lifecycle steps. */
  stepMs: number;
  /** How long one of CodeDeploy's "minutes" lasts (ready wait, hook timeout). */
  minuteMs: number;
}
