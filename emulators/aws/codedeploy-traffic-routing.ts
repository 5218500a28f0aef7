// CodeDeploy deployment configurations: the predefined ones (ECS all-at-once, canary and linear;
// the Server defaults) and custom ones from CreateDeploymentConfig, with CodeDeploy's exceptions,
// and the production traffic shifts an ECS configuration's trafficRoutingConfig implies.
import { AwsError } from './aws-error.js';
import type { CodeDeployApplication } from './codedeploy-model.js';
import { uuid } from './random-ids.js';

export interface TrafficRoutingConfig {
  type: 'AllAtOnce' | 'TimeBasedCanary' | 'TimeBasedLinear';
  timeBasedCanary?: { canaryPercentage: number; canaryInterval: number };
  timeBasedLinear?: { linearPercentage: number; linearInterval: number };
}

export interface DeploymentConfigRecord {
  id: string;
  name: string;
  computePlatform: CodeDeployApplication['computePlatform'];
  createTime: Date;
  trafficRoutingConfig?: TrafficRoutingConfig;
  minimumHealthyHosts?: { type: string; value: number };
  predefined: boolean;
}

/** Green's production weight after each shift, and the minutes CodeDeploy waits before the next. */
export interface TrafficShift {
  weight: number;
  waitMinutes: number;
}

const EPOCH = new Date('2014-11-12T00:00:00Z');
const predefined = (
  name: string,
  computePlatform: DeploymentConfigRecord['computePlatform'],
  rest: Partial<DeploymentConfigRecord>,
): DeploymentConfigRecord => ({ id: uuid(), name, computePlatform, createTime: EPOCH, predefined: true, ...rest });
const canary = (canaryPercentage: number, canaryInterval: number): TrafficRoutingConfig => ({
  type: 'TimeBasedCanary',
  timeBasedCanary: { canaryPercentage, canaryInterval },
});
const linear = (linearPercentage: number, linearInterval: number): TrafficRoutingConfig => ({
  type: 'TimeBasedLinear',
  timeBasedLinear: { linearPercentage, linearInterval },
});

function predefinedConfigs(): DeploymentConfigRecord[] {
  return [
    predefined('CodeDeployDefault.ECSAllAtOnce', 'ECS', { trafficRoutingConfig: { type: 'AllAtOnce' } }),
    predefined('CodeDeployDefault.ECSCanary10Percent5Minutes', 'ECS', { trafficRoutingConfig: canary(10, 5) }),
    predefined('CodeDeployDefault.ECSCanary10Percent15Minutes', 'ECS', { trafficRoutingConfig: canary(10, 15) }),
    predefined('CodeDeployDefault.ECSLinear10PercentEvery1Minutes', 'ECS', { trafficRoutingConfig: linear(10, 1) }),
    predefined('CodeDeployDefault.ECSLinear10PercentEvery3Minutes', 'ECS', { trafficRoutingConfig: linear(10, 3) }),
    predefined('CodeDeployDefault.OneAtATime', 'Server', { minimumHealthyHosts: { type: 'FLEET_PERCENT', value: 100 } }),
    predefined('CodeDeployDefault.HalfAtATime', 'Server', { minimumHealthyHosts: { type: 'FLEET_PERCENT', value: 50 } }),
    predefined('CodeDeployDefault.AllAtOnce', 'Server', { minimumHealthyHosts: { type: 'HOST_COUNT', value: 0 } }),
  ];
}

const NAME = /^[\w.@+=,-]{1,100}$/;
const badRouting = (message: string) => new AwsError('InvalidTrafficRoutingConfigurationException', message);
const isInt = (value: unknown, min: number, max: number): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;

function routing(input: unknown): TrafficRoutingConfig {
  const raw = (input && typeof input === 'object' ? input : {}) as Record<string, Record<string, unknown> | string | undefined>;
  const type = raw.type ?? 'AllAtOnce';
  if (type === 'AllAtOnce') return { type };
  if (type === 'TimeBasedCanary') {
    const c = (raw.timeBasedCanary ?? {}) as Record<string, unknown>;
    if (!isInt(c.canaryPercentage, 1, 99) || !isInt(c.canaryInterval, 1, 2880)) {
      throw badRouting('timeBasedCanary needs an integer canaryPercentage from 1 to 99 and a canaryInterval in minutes.');
    }
    return canary(c.canaryPercentage, c.canaryInterval);
  }
  if (type === 'TimeBasedLinear') {
    const l = (raw.timeBasedLinear ?? {}) as Record<string, unknown>;
    if (!isInt(l.linearPercentage, 1, 99) || !isInt(l.linearInterval, 1, 2880)) {
      throw badRouting('timeBasedLinear needs an integer linearPercentage from 1 to 99 and a linearInterval in minutes.');
    }
    return linear(l.linearPercentage, l.linearInterval);
  }
  throw badRouting(`The traffic routing type ${String(type)} is invalid.`);
}

export class DeploymentConfigs {
  readonly custom = new Map<string, DeploymentConfigRecord>();
  readonly #predefined = new Map(predefinedConfigs().map((c) => [c.name, c]));

  find(name: string): DeploymentConfigRecord | undefined {
    return this.#predefined.get(name) ?? this.custom.get(name);
  }

  get(name: string | undefined): DeploymentConfigRecord {
    if (!name) throw new AwsError('DeploymentConfigNameRequiredException', 'The deployment configuration name was not specified.');
    if (!NAME.test(name))
      throw new AwsError('InvalidDeploymentConfigNameException', `The deployment configuration name ${name} is invalid.`);
    const config = this.find(name);
    if (!config)
      throw new AwsError(
        'DeploymentConfigDoesNotExistException',
        `The deployment configuration ${name} does not exist with the user or AWS account.`,
      );
    return config;
  }

  /** A config a deployment on `platform` may use (CreateDeploymentGroup, CreateDeployment). */
  forPlatform(name: string, platform: DeploymentConfigRecord['computePlatform']): DeploymentConfigRecord {
    const config = this.get(name);
    if (config.computePlatform !== platform) {
      throw new AwsError(
        'InvalidDeploymentConfigNameException',
        `The deployment configuration ${name} is for the ${config.computePlatform} compute platform, not ${platform}.`,
      );
    }
    return config;
  }

  create(input: Record<string, unknown>): DeploymentConfigRecord {
    const name = typeof input.deploymentConfigName === 'string' ? input.deploymentConfigName : '';
    if (!name) throw new AwsError('DeploymentConfigNameRequiredException', 'The deployment configuration name was not specified.');
    if (!NAME.test(name))
      throw new AwsError('InvalidDeploymentConfigNameException', `The deployment configuration name ${name} is invalid.`);
    if (this.find(name))
      throw new AwsError(
        'DeploymentConfigAlreadyExistsException',
        `A deployment configuration with the name ${name} already exists with the user or AWS account.`,
      );
    const computePlatform = (input.computePlatform ?? 'Server') as DeploymentConfigRecord['computePlatform'];
    if (!['Server', 'Lambda', 'ECS'].includes(computePlatform))
      throw new AwsError('InvalidComputePlatformException', `The computePlatform is invalid: ${String(computePlatform)}`);
    const record: DeploymentConfigRecord = { id: uuid(), name, computePlatform, createTime: new Date(), predefined: false };
    if (computePlatform === 'Server') {
      const hosts = input.minimumHealthyHosts as { type?: string; value?: number } | undefined;
      if (
        !hosts ||
        !['HOST_COUNT', 'FLEET_PERCENT'].includes(hosts.type ?? '') ||
        !isInt(hosts.value, 0, hosts.type === 'FLEET_PERCENT' ? 99 : 10_000)
      ) {
        throw new AwsError(
          'InvalidMinimumHealthyHostValueException',
          'The minimum healthy instance value was specified in an invalid format.',
        );
      }
      if (input.trafficRoutingConfig !== undefined) throw badRouting('A Server deployment configuration does not route traffic.');
      record.minimumHealthyHosts = { type: hosts.type!, value: hosts.value };
    } else {
      if (input.minimumHealthyHosts !== undefined) {
        throw new AwsError(
          'InvalidMinimumHealthyHostValueException',
          `minimumHealthyHosts applies only to the Server compute platform, not ${computePlatform}.`,
        );
      }
      record.trafficRoutingConfig = routing(input.trafficRoutingConfig);
    }
    this.custom.set(name, record);
    return record;
  }

  delete(name: string | undefined, inUse: (name: string) => boolean): void {
    const config = this.get(name);
    if (config.predefined)
      throw new AwsError('InvalidOperationException', `The predefined deployment configuration ${config.name} cannot be deleted.`);
    if (inUse(config.name))
      throw new AwsError('DeploymentConfigInUseException', `The deployment configuration ${config.name} is still in use.`);
    this.custom.delete(config.name);
  }

  names(): string[] {
    return [...this.#predefined.keys(), ...this.custom.keys()];
  }
}

/** The production traffic shifts of an ECS config; undefined for all-at-once (one switch). */
export function trafficShifts(config: DeploymentConfigRecord): TrafficShift[] | undefined {
  const routingConfig = config.trafficRoutingConfig;
  if (routingConfig?.timeBasedCanary) {
    const { canaryPercentage, canaryInterval } = routingConfig.timeBasedCanary;
    return [
      { weight: canaryPercentage, waitMinutes: canaryInterval },
      { weight: 100, waitMinutes: 0 },
    ];
  }
  if (routingConfig?.timeBasedLinear) {
    const { linearPercentage, linearInterval } = routingConfig.timeBasedLinear;
    const shifts: TrafficShift[] = [];
    for (let weight = linearPercentage; weight < 100; weight += linearPercentage) shifts.push({ weight, waitMinutes: linearInterval });
    return [...shifts, { weight: 100, waitMinutes: 0 }];
  }
  return undefined;
}

export function deploymentConfigJson(config: DeploymentConfigRecord) {
  return {
    deploymentConfigId: config.id,
    deploymentConfigName: config.name,
    ...(config.minimumHealthyHosts ? { minimumHealthyHosts: config.minimumHealthyHosts } : {}),
    createTime: config.createTime.getTime() / 1000,
    computePlatform: config.computePlatform,
    ...(config.trafficRoutingConfig ? { trafficRoutingConfig: config.trafficRoutingConfig } : {}),
  };
}
