// The emulator reads the shipped template the way GitHub does: dispatchable, four required
// inputs and an optional `sha`, and a run-name that renders to "switchyard build <correlation id>".
import { describe, expect, it } from 'vitest';
import { buildWorkflowTemplate } from '../../../emulators/github/index.js';
import { readWorkflowFile, renderRunName } from '../../../emulators/github/workflow-file.js';

describe('workflow file reader', () => {
  it('reads the template users copy into their repository', () => {
    const file = readWorkflowFile(buildWorkflowTemplate());
    expect(file.name).toBe('Switchyard build');
    expect(file.dispatchable).toBe(true);
    expect(Object.fromEntries(file.inputs)).toEqual({
      correlation_id: { required: true },
      ecr_repository: { required: true },
      image_tag: { required: true },
      aws_region: { required: true },
      sha: { required: false, default: '' },
    });
    const inputs = { correlation_id: 'dep_abc123defg' };
    expect(renderRunName(file.runName!, { inputs, refName: 'main', actor: 'x', workflow: 'Switchyard build', sha: 'f'.repeat(40) })).toBe(
      'switchyard build dep_abc123defg',
    );
  });

  it('reads other trigger forms, defaults, and renders unknown expressions as empty', () => {
    expect(readWorkflowFile('on: [push, workflow_dispatch]\n').dispatchable).toBe(true);
    expect(readWorkflowFile('on: push\n').dispatchable).toBe(false);
    const file = readWorkflowFile(
      [
        'name: deploy # comment',
        'on:',
        '  push:',
        '    branches: [main]',
        '  workflow_dispatch:',
        '    inputs:',
        '      env:',
        '        default: "staging"',
        '      note:',
        '        required: false',
        'jobs:',
        '  x:',
        '    steps:',
        '      - run: |',
        '          echo hi',
        '',
      ].join('\n'),
    );
    expect(file).toMatchObject({ name: 'deploy', dispatchable: true, runName: undefined });
    expect(Object.fromEntries(file.inputs)).toEqual({ env: { required: false, default: 'staging' }, note: { required: false } });
    expect(
      renderRunName('${{ github.ref_name }}/${{ github.event.inputs.env }}/${{ secrets.X }}!', {
        inputs: { env: 'prod' },
        refName: 'v1',
        actor: 'a',
        workflow: 'w',
        sha: 's',
      }),
    ).toBe('v1/prod/!');
  });
});
