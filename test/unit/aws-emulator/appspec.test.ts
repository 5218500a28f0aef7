import { describe, expect, it } from 'vitest';
import { appSpecFor } from '../../../activities/deployment/codedeploy-create.js';
import { parseEcsAppSpec } from '../../../emulators/aws/appspec.js';

const TASK_DEFINITION = 'arn:aws:ecs:ap-northeast-2:123456789012:task-definition/panda-service:7';

describe('ECS AppSpec reading', () => {
  it('reads the YAML form CodeDeploy documents, hooks included', () => {
    const yaml = `# appspec.yaml
version: 0.0
Resources:
  - TargetService:
      Type: AWS::ECS::Service
      Properties:
        TaskDefinition: "${TASK_DEFINITION}"
        LoadBalancerInfo:
          ContainerName: 'app'
          ContainerPort: 8080
Hooks:
  - AfterAllowTestTraffic: "SwitchyardHookForwarder"
  - BeforeAllowTraffic: Validate
`;
    expect(parseEcsAppSpec(yaml)).toEqual({
      taskDefinition: TASK_DEFINITION,
      containerName: 'app',
      containerPort: 8080,
      hooks: { AfterAllowTestTraffic: 'SwitchyardHookForwarder', BeforeAllowTraffic: 'Validate' },
    });
  });

  it('reads JSON and names the missing part when the AppSpec is incomplete', () => {
    const spec = (properties: object) =>
      JSON.stringify({ version: 0, Resources: [{ TargetService: { Type: 'AWS::ECS::Service', Properties: properties } }] });
    expect(
      parseEcsAppSpec(spec({ TaskDefinition: TASK_DEFINITION, LoadBalancerInfo: { ContainerName: 'app', ContainerPort: '8080' } }))
        .containerPort,
    ).toBe(8080);
    expect(() => parseEcsAppSpec(spec({ LoadBalancerInfo: { ContainerName: 'app', ContainerPort: 8080 } }))).toThrow('no TaskDefinition');
    expect(() => parseEcsAppSpec(spec({ TaskDefinition: TASK_DEFINITION, LoadBalancerInfo: { ContainerPort: 8080 } }))).toThrow(
      'ContainerName',
    );
    expect(() => parseEcsAppSpec('{not json')).toThrow('not valid JSON');
  });

  it('reads the hook of the AppSpec the activity writes only when a hook function is set', () => {
    const base = { taskDefinitionArn: TASK_DEFINITION, containerName: 'app', containerPort: 8080 };
    expect(parseEcsAppSpec(appSpecFor(base)).hooks).toEqual({});
    expect(JSON.parse(appSpecFor(base))).not.toHaveProperty('Hooks');
    const fn = 'arn:aws:lambda:ap-northeast-2:123456789012:function:switchyard-after-allow-test-traffic';
    expect(JSON.parse(appSpecFor({ ...base, hookFunction: fn })).Hooks).toEqual([{ AfterAllowTestTraffic: fn }]);
    expect(parseEcsAppSpec(appSpecFor({ ...base, hookFunction: fn })).hooks).toEqual({ AfterAllowTestTraffic: fn });
  });
});
