// The one name of an ECS service, however a request spells it: a cluster or service ARN and its
// plain name are the same service, so one-deployment-per-service cannot be side-stepped by
// writing `arn:aws:ecs:…:cluster/panda-cluster` where the default is `panda-cluster`.

/** The last path segment of an ECS ARN (`…:cluster/NAME`, `…:service/CLUSTER/NAME`), or the name itself. */
function ecsName(value: string): string {
  if (!value.startsWith('arn:')) return value;
  const resource = value.split(':').slice(5).join(':');
  return resource.split('/').pop() ?? value;
}

export function canonicalServiceKey(cluster: string, service: string): string {
  return `${ecsName(cluster)}/${ecsName(service)}`;
}

/** Workflow id of the service's admission workflow. */
export function serviceWorkflowId(serviceKey: string): string {
  return `deploy-service:${serviceKey}`;
}
