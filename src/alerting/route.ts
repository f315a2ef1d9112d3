import type { Provider, SecretEvent, Severity } from '../events/secret-event';
import { coversMatcher, matchesEvent, type EventMatcher } from './matcher';

/**
 * Routing: which chat destinations an event goes to, with which grouping and timing. A tree
 * modelled on Alertmanager's (config `route`, README "Routing"):
 *
 * - the root receives every event and holds the defaults; its children narrow by `match`;
 * - depth first, the first matching child takes the event, unless it says `continue: true`, in
 *   which case the next matching siblings take it too; a route none of whose children match
 *   handles the event itself;
 * - a child inherits every destination, grouping and timing field it does not set (each field on
 *   its own: a child that sets only `slack_channels` still posts to its parent's DingTalk robots;
 *   `dingtalk_robots: []` stops that). A route with no destination at all tracks its events
 *   without posting them.
 *
 * Without a `route` in the config the tree is the root alone: SLACK_CHANNEL and the DingTalk robot,
 * exactly what the bot did before routing existed.
 */

export type GroupField = 'provider' | 'account' | 'region' | 'kind' | 'secretType' | 'severity' | 'secret';

export interface Grouping {
  groupBy: GroupField[];
  groupWait: number;
  groupInterval: number;
  repeatInterval: number;
  /** alerts of one group within groupInterval above which they become one summary message */
  threshold: number;
}

export type Destination = (
  { platform: 'slack'; channel: string } | { platform: 'dingtalk'; robot: string }
) & {
  /** Stable route id: the route's `name`, else its place in the tree ("root", "root.2.0"). */
  route: string;
  grouping: Grouping;
};

/** The YAML keys of group_by (`secret_type` is the event's secretType). */
export const GROUP_FIELDS: Record<string, GroupField> = {
  provider: 'provider',
  account: 'account',
  region: 'region',
  kind: 'kind',
  secret_type: 'secretType',
  severity: 'severity',
  secret: 'secret',
};

/** A route's `match`, as validated by the config schema (every field a list). */
export interface RouteMatchConfig {
  provider?: Provider[];
  account?: string[];
  region?: string[];
  secret?: string[];
  secret_regex?: string;
  secret_type?: string[];
  kind?: string[];
  severity?: Severity[];
  tags?: Record<string, string>;
}

/** One route of the `route` tree, as validated by the config schema (durations in ms). */
export interface RouteConfig {
  name?: string;
  match?: RouteMatchConfig;
  continue?: boolean;
  slack_channels?: string[];
  dingtalk_robots?: string[];
  group_by?: GroupField[];
  group_wait?: number;
  group_interval?: number;
  repeat_interval?: number;
  group_threshold?: number;
  routes?: RouteConfig[];
}

export interface RouteDefaults {
  /** SLACK_CHANNEL, when Slack is configured. */
  defaultSlackChannel?: string;
  /** The id (a hash, never the token) of the DINGTALK_WEBHOOK_URL robot, when DingTalk is configured. */
  dingtalkRobot?: string;
  /** The top-level `repeat_interval`. */
  repeatInterval: number;
}

/** The only robot name a route may use: the DINGTALK_WEBHOOK_URL robot. */
export const DEFAULT_ROBOT = 'default';

export const DEFAULT_GROUPING: Omit<Grouping, 'repeatInterval'> = {
  groupBy: ['provider', 'account', 'region', 'kind'],
  groupWait: 0,
  groupInterval: 10_000,
  threshold: 5,
};

export interface CompiledRoute {
  id: string;
  matcher: EventMatcher;
  continue: boolean;
  grouping: Grouping;
  /** Where this route's events go (empty: tracked, not posted). */
  destinations: Destination[];
  routes: CompiledRoute[];
}

export interface RouteTree {
  root: CompiledRoute;
}

function matcherOf(m: RouteMatchConfig | undefined): EventMatcher {
  if (!m) return {};
  const out: EventMatcher = {};
  if (m.provider) out.provider = m.provider;
  if (m.account) out.account = m.account;
  if (m.region) out.region = m.region;
  if (m.secret) out.secret = m.secret;
  if (m.secret_regex !== undefined) out.secretRegex = m.secret_regex;
  if (m.secret_type) out.secretType = m.secret_type;
  if (m.kind) out.kind = m.kind;
  if (m.severity) out.severity = m.severity;
  if (m.tags) out.tags = m.tags;
  return out;
}

interface Inherited {
  grouping: Grouping;
  slack: string[];
  dingtalk: string[];
}

function compileNode(
  raw: RouteConfig,
  id: string,
  parent: Inherited,
  defaults: RouteDefaults,
): CompiledRoute {
  const grouping: Grouping = {
    groupBy: raw.group_by ?? parent.grouping.groupBy,
    groupWait: raw.group_wait ?? parent.grouping.groupWait,
    groupInterval: raw.group_interval ?? parent.grouping.groupInterval,
    repeatInterval: raw.repeat_interval ?? parent.grouping.repeatInterval,
    threshold: raw.group_threshold ?? parent.grouping.threshold,
  };
  const slack = raw.slack_channels ?? parent.slack;
  const dingtalk = raw.dingtalk_robots ?? parent.dingtalk;
  const route = raw.name ?? id;
  const robots = dingtalk.filter((name) => name === DEFAULT_ROBOT && defaults.dingtalkRobot !== undefined);
  const destinations: Destination[] = [
    ...slack.map((channel): Destination => ({ platform: 'slack', channel, route, grouping })),
    ...robots.map((): Destination => ({
      platform: 'dingtalk',
      robot: defaults.dingtalkRobot!,
      route,
      grouping,
    })),
  ];
  const inherited: Inherited = { grouping, slack, dingtalk };
  return {
    id: route,
    matcher: matcherOf(raw.match),
    continue: raw.continue === true,
    grouping,
    destinations,
    routes: (raw.routes ?? []).map((child, i) => compileNode(child, `${id}.${i}`, inherited, defaults)),
  };
}

/**
 * Builds the tree from the validated `route` config (undefined: the default tree). The config
 * schema has already refused what cannot work (see routeProblems), so this never fails.
 */
export function compileRoutes(raw: RouteConfig | undefined, defaults: RouteDefaults): RouteTree {
  const root: Inherited = {
    grouping: { ...DEFAULT_GROUPING, repeatInterval: defaults.repeatInterval },
    slack: defaults.defaultSlackChannel ? [defaults.defaultSlackChannel] : [],
    dingtalk: defaults.dingtalkRobot ? [DEFAULT_ROBOT] : [],
  };
  return { root: compileNode(raw ?? {}, 'root', root, defaults) };
}

/** The tree without a `route` config and with the default repeat interval (callers given no tree). */
export function defaultRouteTree(opts: Omit<RouteDefaults, 'repeatInterval'>): RouteTree {
  return compileRoutes(undefined, { ...opts, repeatInterval: 4 * 3_600_000 });
}

/** The routes that handle `event`, in tree order (pure). */
export function matchingRoutes(event: SecretEvent, tree: RouteTree): CompiledRoute[] {
  const out: CompiledRoute[] = [];
  visit(tree.root, event, out);
  return out;
}

function visit(node: CompiledRoute, event: SecretEvent, out: CompiledRoute[]): boolean {
  if (!matchesEvent(node.matcher, event)) return false;
  let taken = false;
  for (const child of node.routes) {
    if (visit(child, event, out)) {
      taken = true;
      if (!child.continue) break;
    }
  }
  if (!taken) out.push(node);
  return true;
}

/**
 * Where `event` goes: the destinations of every route that handles it, in tree order. A channel
 * or robot that two routes name is listed once (the first route's grouping wins), so one event is
 * never posted twice into the same place.
 */
export function routeEvent(event: SecretEvent, tree: RouteTree): Destination[] {
  const seen = new Set<string>();
  const out: Destination[] = [];
  for (const route of matchingRoutes(event, tree)) {
    for (const d of route.destinations) {
      const key = d.platform === 'slack' ? `s${d.channel}` : `d${d.robot}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ ...d });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Start-up validation that needs the whole config (called from the config schema)

export interface RouteProblem {
  /** Path below `route`, e.g. ['routes', 1, 'slack_channels']. */
  path: Array<string | number>;
  message: string;
}

/**
 * What a structurally valid tree still gets wrong: destinations that are not configured, duplicate
 * names, and routes no event can reach (an earlier sibling without `continue` whose match covers
 * theirs: an empty match, the same match, or a broader one). The first problem is the one reported.
 */
export function routeProblems(
  raw: RouteConfig | undefined,
  opts: { slack: boolean; dingtalk: boolean },
): RouteProblem[] {
  if (!raw) return [];
  const problems: RouteProblem[] = [];
  const names = new Map<string, string>();
  const walk = (node: RouteConfig, path: Array<string | number>) => {
    const where = (...rest: Array<string | number>) => [...path, ...rest];
    if (node.slack_channels?.length && !opts.slack)
      problems.push({
        path: where('slack_channels'),
        message: 'Slack is not configured (SLACK_BOT_TOKEN is unset)',
      });
    for (const robot of node.dingtalk_robots ?? []) {
      if (!opts.dingtalk)
        problems.push({
          path: where('dingtalk_robots'),
          message: `DingTalk robot "${robot}" is not configured (DINGTALK_WEBHOOK_URL is unset)`,
        });
      else if (robot !== DEFAULT_ROBOT)
        problems.push({
          path: where('dingtalk_robots'),
          message: `DingTalk robot "${robot}" is not configured: the one robot is named "${DEFAULT_ROBOT}" (DINGTALK_WEBHOOK_URL)`,
        });
    }
    if (node.name !== undefined) {
      const first = names.get(node.name);
      if (first !== undefined)
        problems.push({ path: where('name'), message: `"${node.name}" is already the name of ${first}` });
      else names.set(node.name, ['route', ...path].join('.'));
    }
    const children = node.routes ?? [];
    children.forEach((child, j) => {
      const shadow = children
        .slice(0, j)
        .findIndex(
          (before) => !before.continue && coversMatcher(matcherOf(before.match), matcherOf(child.match)),
        );
      if (shadow >= 0) {
        const before = children[shadow]!;
        const label =
          ['route', ...path, 'routes', shadow].join('.') + (before.name ? ` (${before.name})` : '');
        problems.push({
          path: where('routes', j),
          message: `is unreachable: ${label} comes first, matches every event this route matches, and has no "continue: true"`,
        });
      }
      walk(child, where('routes', j));
    });
  };
  walk(raw, []);
  return problems;
}
