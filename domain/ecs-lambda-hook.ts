// The "waiting for test" Lambda on an ECS-native service: ECS's AWS_LAMBDA lifecycle hook names its
// function by ARN only and needs an IAM role to invoke it (UpdateService refuses anything else with
// InvalidParameterException). Pure rules, shared by configuration, request validation and admission,
// so a target ECS would refuse is refused before anything is built. CodeDeploy's AppSpec takes the
// function as Lambda's Invoke does (a name is fine there), so none of this applies to it.
import { z } from 'zod';

/** A Lambda function ARN (optionally qualified), as ECS's `hookTargetArn` must be. */
export const LAMBDA_FUNCTION_ARN =
  /^arn:aws[a-zA-Z-]*:lambda:[a-z]{2}(?:-gov)?-[a-z]+-\d:\d{12}:function:[a-zA-Z0-9_-]{1,64}(?::[a-zA-Z0-9_$-]+)?$/;
/** An IAM role ARN (IAM's role path and name characters), as ECS's `roleArn` must be. */
export const IAM_ROLE_ARN = /^arn:aws[a-zA-Z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

export const iamRoleArn = z.string().max(2048).regex(IAM_ROLE_ARN, 'must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)');

export interface EcsHookRefusal {
  rule: 'ecs-hook-function-not-arn' | 'ecs-hook-role-missing';
  message: string;
}

/** Why ECS would refuse this target's Lambda hook, or undefined (no hook, or a valid one). */
export function ecsHookRefusal(target: {
  hookFunction?: string | undefined;
  hookRoleArn?: string | undefined;
}): EcsHookRefusal | undefined {
  if (!target.hookFunction) return undefined;
  if (!LAMBDA_FUNCTION_ARN.test(target.hookFunction)) {
    return {
      rule: 'ecs-hook-function-not-arn',
      message: `ECS invokes a Lambda lifecycle hook by its function ARN only, and the hook function is ${target.hookFunction}: set DEPLOY_HOOK_FUNCTION to the function's ARN (arn:aws:lambda:<region>:<account>:function:<name>)`,
    };
  }
  if (!target.hookRoleArn) {
    return {
      rule: 'ecs-hook-role-missing',
      message:
        "ECS needs an IAM role to invoke the hook function (the Lambda hook's roleArn): set DEPLOY_HOOK_ROLE_ARN or target.hookRoleArn to a role ECS may assume with lambda:InvokeFunction on it",
    };
  }
  return undefined;
}
