// The one AWS account and region the emulator pretends to be, and the ARNs and URIs built from
// them. Every service uses these so that an ARN returned by one service resolves in another.
export const ACCOUNT_ID = '123456789012';
export const DEFAULT_REGION = 'ap-northeast-2';

/** The IAM user behind every accepted access key (what GetCallerIdentity reports). */
export const EMULATED_USER_NAME = 'test';
export const EMULATED_USER_ARN = `arn:aws:iam::${ACCOUNT_ID}:user/${EMULATED_USER_NAME}`;

export const arn = (region: string, service: string, resource: string): string => `arn:aws:${service}:${region}:${ACCOUNT_ID}:${resource}`;

export const ecrRepositoryUri = (region: string, name: string): string => `${ACCOUNT_ID}.dkr.ecr.${region}.amazonaws.com/${name}`;

/** awsJson timestamps are epoch seconds (fractions allowed). */
export const epochSeconds = (date: Date): number => date.getTime() / 1000;

/** The last path segment of an ARN like `arn:aws:ecs:…:cluster/name`, or the input when it is a plain name. */
export function nameFromArnOrName(value: string): string {
  if (!value.startsWith('arn:')) return value;
  const resource = value.split(':').slice(5).join(':');
  return resource.slice(resource.lastIndexOf('/') + 1);
}
