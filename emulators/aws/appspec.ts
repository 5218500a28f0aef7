// Reads the parts of an ECS AppSpec that CodeDeploy acts on: the target task definition, the
// container and port that take traffic, and the named lifecycle hooks. AppSpec content arrives as
// JSON or YAML; the YAML reader covers the block style AppSpec files use (maps, "- " lists,
// scalars), not the whole YAML language.
import { AwsError } from './aws-error.js';
import { HOOKABLE_EVENTS } from './codedeploy-model.js';
import type { EcsAppSpec } from './codedeploy-model.js';

export function parseEcsAppSpec(content: string): EcsAppSpec {
  const document = parseDocument(content);
  const resources = field(document, 'Resources');
  const first = Array.isArray(resources) ? resources[0] : undefined;
  const targetService = field(first, 'TargetService');
  if (field(targetService, 'Type') !== 'AWS::ECS::Service') {
    throw invalid('The AppSpec must name one AWS::ECS::Service resource under Resources[0].TargetService.');
  }
  const properties = field(targetService, 'Properties');
  const taskDefinition = field(properties, 'TaskDefinition');
  const loadBalancerInfo = field(properties, 'LoadBalancerInfo');
  const containerName = field(loadBalancerInfo, 'ContainerName');
  const containerPort = Number(field(loadBalancerInfo, 'ContainerPort'));
  if (typeof taskDefinition !== 'string' || !taskDefinition) throw invalid('The AppSpec has no TaskDefinition.');
  if (typeof containerName !== 'string' || !containerName) throw invalid('The AppSpec has no LoadBalancerInfo.ContainerName.');
  if (!Number.isInteger(containerPort) || containerPort <= 0) throw invalid('The AppSpec has no valid LoadBalancerInfo.ContainerPort.');

  return { taskDefinition, containerName, containerPort, hooks: readHooks(field(document, 'Hooks')) };
}

/**
 * `Hooks` is a list of `{ <lifecycle event>: <function> }`. Only the five events an ECS
 * deployment can hook are valid, each at most once ("each hook is executed once per deployment");
 * anything else is refused rather than silently never run.
 */
function readHooks(hookList: unknown): Record<string, string> {
  const hooks: Record<string, string> = {};
  if (hookList === undefined || hookList === null) return hooks;
  if (!Array.isArray(hookList)) throw invalid('The AppSpec Hooks section must be a list of { <lifecycle event>: <Lambda function> }.');
  for (const entry of hookList) {
    if (!entry || typeof entry !== 'object' || Array.isArray(entry))
      throw invalid('Each AppSpec hook must be { <lifecycle event>: <Lambda function> }.');
    for (const [event, fn] of Object.entries(entry)) {
      if (!HOOKABLE_EVENTS.has(event)) {
        throw invalid(
          `The AppSpec names a hook for ${event}, which is not a lifecycle event of an Amazon ECS deployment (${[...HOOKABLE_EVENTS].join(', ')}).`,
        );
      }
      if (typeof fn !== 'string' || !fn) throw invalid(`The AppSpec hook for ${event} must name a Lambda function.`);
      if (hooks[event] !== undefined) throw invalid(`The AppSpec names more than one hook for ${event}.`);
      hooks[event] = fn;
    }
  }
  return hooks;
}

const invalid = (message: string) => new AwsError('InvalidRevisionException', message);

function field(value: unknown, name: string): unknown {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>)[name] : undefined;
}

function parseDocument(content: string): unknown {
  const trimmed = content.trim();
  if (trimmed.startsWith('{')) {
    try {
      return JSON.parse(trimmed);
    } catch {
      throw invalid('The AppSpec content is not valid JSON.');
    }
  }
  return parseBlockYaml(content);
}

interface Line {
  indent: number;
  text: string;
}

/** A block-style YAML subset: nested maps, `- ` lists (of scalars or maps) and plain or quoted scalars. */
export function parseBlockYaml(content: string): unknown {
  const lines: Line[] = content
    .split(/\r?\n/)
    .map((raw) => raw.replace(/\s+#.*$/, '').replace(/^#.*$/, ''))
    .filter((raw) => raw.trim() !== '' && raw.trim() !== '---')
    .map((raw) => ({ indent: raw.length - raw.trimStart().length, text: raw.trim() }));
  const [value, next] = parseBlock(lines, 0, lines[0]?.indent ?? 0);
  if (next !== lines.length) throw invalid(`The AppSpec YAML could not be read near "${lines[next]?.text}".`);
  return value;
}

function parseBlock(lines: Line[], start: number, indent: number): [unknown, number] {
  const first = lines[start];
  if (!first) return [null, start];
  if (first.text.startsWith('- ') || first.text === '-') return parseList(lines, start, indent);
  return parseMap(lines, start, indent);
}

function parseList(lines: Line[], start: number, indent: number): [unknown[], number] {
  const items: unknown[] = [];
  let i = start;
  while (i < lines.length && lines[i]!.indent === indent && (lines[i]!.text.startsWith('- ') || lines[i]!.text === '-')) {
    const rest = lines[i]!.text.slice(1).trimStart();
    if (rest === '') {
      const [value, next] = parseBlock(lines, i + 1, lines[i + 1]?.indent ?? indent + 2);
      items.push(value);
      i = next;
    } else if (/^[^'"][^:]*:(\s|$)/.test(rest)) {
      // "- key: value" starts a map whose further keys sit at the column after "- ".
      const column = indent + (lines[i]!.text.length - rest.length);
      const shifted = [...lines];
      shifted[i] = { indent: column, text: rest };
      const [value, next] = parseMap(shifted, i, column);
      items.push(value);
      i = next;
    } else {
      items.push(scalar(rest));
      i += 1;
    }
  }
  return [items, i];
}

function parseMap(lines: Line[], start: number, indent: number): [Record<string, unknown>, number] {
  const map: Record<string, unknown> = {};
  let i = start;
  while (i < lines.length && lines[i]!.indent === indent) {
    const line = lines[i]!;
    const match = /^("[^"]*"|'[^']*'|[^:]+?)\s*:(?:\s+(.*))?$/.exec(line.text);
    if (!match) throw invalid(`The AppSpec YAML could not be read near "${line.text}".`);
    const key = String(scalar(match[1]!));
    const inline = match[2];
    if (inline !== undefined && inline !== '') {
      map[key] = scalar(inline);
      i += 1;
    } else {
      const child = lines[i + 1];
      // A list may sit at the same indentation as its key ("Hooks:\n- X: y").
      if (child && (child.indent > indent || (child.indent === indent && child.text.startsWith('-')))) {
        const [value, next] = parseBlock(lines, i + 1, child.indent);
        map[key] = value;
        i = next;
      } else {
        map[key] = null;
        i += 1;
      }
    }
  }
  return [map, i];
}

function scalar(text: string): unknown {
  const value = text.trim();
  if (/^".*"$/.test(value)) return JSON.parse(value);
  if (/^'.*'$/.test(value)) return value.slice(1, -1).replace(/''/g, "'");
  if (/^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (value === 'true' || value === 'false') return value === 'true';
  if (value === 'null' || value === '~') return null;
  return value;
}
