/**
 * @module model/ids
 * Prefixed, time-ordered identifiers (ULID) so ids sort by creation and serve as pagination cursors.
 */
import { monotonicFactory } from 'ulid';

const next = monotonicFactory();
export type IdPrefix = 'ws' | 'usr' | 'key' | 'conn' | 'log' | 'ct' | 'cid' | 'conv' | 'msg' | 'mse' | 'evt' | 'vis' | 'att' | 'tpl' | 'dlq' | 'whs' | 'whd'
  // routing area: routing rules, teams, team members, timeline events
  | 'rr' | 'team' | 'tm' | 'tev'
  // agents area: agents, agent sessions, agent turns
  | 'agt' | 'ags' | 'agturn';

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${next().toLowerCase()}`;
}
