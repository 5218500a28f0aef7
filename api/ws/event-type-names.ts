// Why: clients name event types in the WatchHamster API's words too; mapping them is apart from subscribing.
import { EVENT_TYPES, type EventType } from './protocol.js';

/**
 * The WatchHamster API's own event type names, mapped onto Switchyard's: `status_update` (state changes) and
 * `service_event` (a service started, stopped, failed, recovered) both become `deployment_event`,
 * since a deployment's events are what a service's status changes are here. Names with no
 * equivalent (`log_update`: there is no log stream) are acknowledged with a warning, not rejected.
 */
export const WATCHHAMSTER_EVENT_TYPE_ALIASES: Readonly<Record<string, EventType>> = {
  status_update: 'deployment_event',
  service_event: 'deployment_event',
};

/** Splits requested event type names into Switchyard's event types and the names it does not know. */
export function resolveEventTypes(names: readonly string[]): { types: EventType[]; unknown: string[] } {
  const types = new Set<EventType>();
  const unknown: string[] = [];
  for (const name of names) {
    if ((EVENT_TYPES as readonly string[]).includes(name)) types.add(name as EventType);
    else if (Object.hasOwn(WATCHHAMSTER_EVENT_TYPE_ALIASES, name)) types.add(WATCHHAMSTER_EVENT_TYPE_ALIASES[name]!);
    else if (!unknown.includes(name)) unknown.push(name);
  }
  return { types: [...types], unknown };
}

/** The ack's `warnings` (and `unknown_event_types`) for event type names Switchyard has no equivalent of. */
export function unknownWarnings(unknown: readonly string[]): Record<string, unknown> {
  if (unknown.length === 0) return {};
  return {
    unknown_event_types: [...unknown],
    warnings: [`event types not supported, ignored: ${unknown.join(', ')}`],
  };
}
