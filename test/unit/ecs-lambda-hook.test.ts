// The ECS-native hook Lambda rules admission applies (domain/ecs-lambda-hook.ts): ECS names the
// function by ARN and needs a role to invoke it, as UpdateService checks.
import { describe, expect, it } from 'vitest';
import { ecsHookRefusal, iamRoleArn } from '../../domain/ecs-lambda-hook.js';
import { ecsHookUrl, isEcsHookEvent } from '../../lambda/after-allow-test-traffic/ecs-handler.js';

const ARN = 'arn:aws:lambda:ap-northeast-2:123456789012:function:CodeDeployHook_switchyard';
const ROLE = 'arn:aws:iam::123456789012:role/ecsLambdaHookRole';

describe('ecsHookRefusal', () => {
  it('passes no hook, and a function ARN (qualified or not, any partition) with a role', () => {
    expect(ecsHookRefusal({})).toBeUndefined();
    expect(ecsHookRefusal({ hookRoleArn: ROLE })).toBeUndefined();
    for (const fn of [
      ARN,
      `${ARN}:live`,
      'arn:aws-cn:lambda:cn-north-1:123456789012:function:f',
      'arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:f',
    ])
      expect(ecsHookRefusal({ hookFunction: fn, hookRoleArn: ROLE }), fn).toBeUndefined();
  });

  it('refuses a function that is not an ARN (what a CodeDeploy AppSpec accepts), naming the rule', () => {
    for (const fn of ['CodeDeployHook_switchyard', 'CodeDeployHook_switchyard:live', '123456789012:function:f', 'arn:aws:s3:::bucket'])
      expect(ecsHookRefusal({ hookFunction: fn, hookRoleArn: ROLE })?.rule, fn).toBe('ecs-hook-function-not-arn');
  });

  it('refuses a function ARN without a role', () => {
    expect(ecsHookRefusal({ hookFunction: ARN })).toMatchObject({
      rule: 'ecs-hook-role-missing',
      message: expect.stringContaining('DEPLOY_HOOK_ROLE_ARN'),
    });
  });

  it('takes only IAM role ARNs as the role', () => {
    expect(iamRoleArn.safeParse(ROLE).success).toBe(true);
    expect(iamRoleArn.safeParse('arn:aws:iam::123456789012:role/service-role/ecs.hooks@x').success).toBe(true);
    for (const bad of ['ecsLambdaHookRole', 'arn:aws:iam::123456789012:user/u', 'arn:aws:iam::12345:role/r', `${ROLE} `])
      expect(iamRoleArn.safeParse(bad).success, bad).toBe(false);
  });
});

describe('the hook Lambda, for ECS', () => {
  it("posts ECS's payloads to the door beside SWITCHYARD_HOOK_URL; a value that is no URL counts as unset", () => {
    expect(ecsHookUrl('https://switchyard.example/api/v1/hooks/codedeploy')).toBe('https://switchyard.example/api/v1/hooks/ecs');
    expect(ecsHookUrl(undefined)).toBeUndefined();
    expect(ecsHookUrl('not a url')).toBeUndefined();
  });

  it("tells ECS's payload from CodeDeploy's event", () => {
    expect(isEcsHookEvent({ executionId: 'x', lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT', resourceArn: 'arn' })).toBe(true);
    expect(isEcsHookEvent({ DeploymentId: 'd-ABCDEFGHI', LifecycleEventHookExecutionId: 'h' })).toBe(false);
    expect(isEcsHookEvent(null)).toBe(false);
  });
});
