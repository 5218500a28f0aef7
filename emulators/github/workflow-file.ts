// Reads what GitHub itself reads from a workflow file when it is dispatched: its `name`, its
// `run-name` (rendered into the run's display_title), whether `on` includes workflow_dispatch,
// and the declared inputs (to reject unknown ones, require required ones and fill defaults).
//
// The project has no YAML parser among its dependencies, so this reads the block-mapping subset
// workflow files are written in: `key: value` lines nested by indentation, comments, quoted
// scalars, flow lists (`on: [push, workflow_dispatch]`); sequences and block scalars (`run: |`)
// are skipped over, which is all the keys above need.

type YamlValue = string | YamlMap;
interface YamlMap {
  [key: string]: YamlValue;
}

export interface WorkflowInput {
  required: boolean;
  default?: string;
}

export interface WorkflowFile {
  name?: string;
  runName?: string;
  dispatchable: boolean;
  inputs: Map<string, WorkflowInput>;
}

export function readWorkflowFile(text: string): WorkflowFile {
  const root = parseBlockMappings(text);
  const on = root.on ?? root['"on"'] ?? root.true; // YAML 1.1 readers turn a bare `on` into true
  const dispatch = typeof on === 'string' ? undefined : on?.workflow_dispatch;
  const dispatchable = typeof on === 'string' ? flowList(on).includes('workflow_dispatch') : on !== undefined && 'workflow_dispatch' in on;
  const inputs = new Map<string, WorkflowInput>();
  const declared = typeof dispatch === 'object' ? dispatch.inputs : undefined;
  if (typeof declared === 'object') {
    for (const [key, spec] of Object.entries(declared)) {
      const required = typeof spec === 'object' && spec.required === 'true';
      const defaultValue = typeof spec === 'object' && typeof spec.default === 'string' ? spec.default : undefined;
      inputs.set(key, defaultValue === undefined ? { required } : { required, default: defaultValue });
    }
  }
  return {
    name: typeof root.name === 'string' ? root.name : undefined,
    runName: typeof root['run-name'] === 'string' ? root['run-name'] : undefined,
    dispatchable,
    inputs,
  };
}

/** Values available to `${{ }}` expressions in run-name for a workflow_dispatch event. */
export interface RunNameContext {
  inputs: Record<string, string>;
  refName: string;
  actor: string;
  workflow: string;
  sha: string;
}

/**
 * Renders `${{ inputs.x }}`, `${{ github.event.inputs.x }}` and the github.* values a run-name
 * may use. Like GitHub, a property that does not exist renders as an empty string.
 */
export function renderRunName(template: string, context: RunNameContext): string {
  const github: Record<string, string> = {
    ref_name: context.refName,
    actor: context.actor,
    triggering_actor: context.actor,
    event_name: 'workflow_dispatch',
    workflow: context.workflow,
    sha: context.sha,
  };
  return template.replace(/\$\{\{\s*([^}]*?)\s*\}\}/g, (_, expression: string) => {
    const path = expression.split('.');
    if (path[0] === 'inputs' && path.length === 2) return context.inputs[path[1]!] ?? '';
    if (path[0] === 'github' && path[1] === 'event' && path[2] === 'inputs' && path.length === 4) return context.inputs[path[3]!] ?? '';
    if (path[0] === 'github' && path.length === 2) return github[path[1]!] ?? '';
    return '';
  });
}

function parseBlockMappings(text: string): YamlMap {
  const root: YamlMap = {};
  // Open mappings by indentation; a key with no inline value opens a child mapping.
  const stack: { indent: number; map: YamlMap }[] = [{ indent: -1, map: root }];
  let skipDeeperThan: number | undefined; // inside a block scalar or a sequence

  for (const raw of text.split(/\r?\n/)) {
    if (/^\s*(#.*)?$/.test(raw)) continue;
    const indent = raw.length - raw.trimStart().length;
    if (skipDeeperThan !== undefined) {
      if (indent > skipDeeperThan) continue;
      skipDeeperThan = undefined;
    }
    const line = raw.trim();
    if (line.startsWith('- ') || line === '-') {
      skipDeeperThan = indent;
      continue;
    }
    const match = /^("[^"]*"|'[^']*'|[^:#]+?)\s*:(?:\s+(.*))?$/.exec(line);
    if (!match) continue;
    while (stack.length > 1 && stack.at(-1)!.indent >= indent) stack.pop();
    const parent = stack.at(-1)!.map;
    const key = unquote(match[1]!);
    const value = stripComment(match[2] ?? '');
    if (value === '') {
      const child: YamlMap = {};
      parent[key] = child;
      stack.push({ indent, map: child });
    } else if (/^[|>][+-]?\d*$/.test(value)) {
      parent[key] = '';
      skipDeeperThan = indent;
    } else {
      parent[key] = unquote(value);
    }
  }
  return root;
}

function stripComment(value: string): string {
  if (value.startsWith('"') || value.startsWith("'")) return value;
  return value.replace(/\s+#.*$/, '').trim();
}

function unquote(value: string): string {
  const v = value.trim();
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) return v.slice(1, -1).replace(/\\"/g, '"');
  if (v.length >= 2 && v.startsWith("'") && v.endsWith("'")) return v.slice(1, -1).replace(/''/g, "'");
  return v;
}

function flowList(value: string): string[] {
  const inner = value.startsWith('[') && value.endsWith(']') ? value.slice(1, -1) : value;
  return inner.split(',').map((s) => unquote(s));
}
