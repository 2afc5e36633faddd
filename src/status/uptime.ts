import type { Store } from '../store/engine.js';
import { changes, type StatusChange } from './facts.js';
import { worst, type Status } from './status.js';

// Uptime from the facts: how long each component spent in each status, day by day. A day that is over
// becomes one row (status_days) so the 90-day bars read 90 rows, not 90 days of changes. Uptime is the
// share of measured time that was operational or degraded; "no data" is shown, and left out of the share
// (we do not claim downtime we did not measure, nor uptime). Time that an `exclude` says is not to count —
// drills, once the incidents module marks them — is left out of the share as well.

export type TimeInStatus = Record<Status, number>;
export interface Interval {
  fromMs: number;
  toMs: number;
}

/**
 * Time a component is not to be counted in uptime (e.g. a drill); the incidents module provides it.
 * `settleMs`: how long what excluded time broke stays in the component's SLI windows (its longest window),
 * which the exclusion carries on for, since the red shown then is still its doing. The intervals come
 * back sorted and joined (mergeIntervals), so no time is subtracted twice.
 */
export type UptimeExclusions = (component: string, fromMs: number, toMs: number, settleMs: number) => Promise<Interval[]>;

/** The intervals sorted and joined where they overlap or touch, so no time is counted twice. */
export function mergeIntervals(intervals: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  for (const interval of [...intervals].sort((a, b) => a.fromMs - b.fromMs)) {
    const last = out.at(-1);
    if (last && interval.fromMs <= last.toMs) last.toMs = Math.max(last.toMs, interval.toMs);
    else out.push({ fromMs: interval.fromMs, toMs: interval.toMs });
  }
  return out;
}

export const DAY_MS = 86_400_000;


function empty(): TimeInStatus {
  return { operational: 0, no_data: 0, degraded_performance: 0, partial_outage: 0, major_outage: 0 };
}

/**
 * Time in each status within [fromMs, toMs), given the status at fromMs (`initial`, from the change before
 * it; "no data" when there was none) and the changes after it, oldest first.
 */
export function timeInStatus(initial: Status, ordered: readonly Pick<StatusChange, 'atMs' | 'to'>[], fromMs: number, toMs: number): TimeInStatus {
  const time = empty();
  let status = initial;
  let at = fromMs;
  for (const change of ordered) {
    if (change.atMs < fromMs) {
      status = change.to;
      continue;
    }
    if (change.atMs >= toMs) break;
    time[status] += change.atMs - at;
    status = change.to;
    at = change.atMs;
  }
  if (toMs > at) time[status] += toMs - at;
  return time;
}

/** Uptime as a fraction, or null when nothing was measured. */
export function uptimeOf(time: TimeInStatus): number | null {
  const up = time.operational + time.degraded_performance;
  const measured = up + time.partial_outage + time.major_outage;
  return measured === 0 ? null : up / measured;
}

export function subtract(a: TimeInStatus, b: TimeInStatus): TimeInStatus {
  const out = empty();
  for (const key of Object.keys(out) as Status[]) out[key] = Math.max(0, a[key] - b[key]);
  return out;
}

export function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export interface UptimeDay {
  day: string;
  time: TimeInStatus;
  uptime: number | null;
  /** The worst status measured that day (what the bar's colour says); "no data" when nothing was. */
  worst: Status;
}

async function statusBefore(store: Store, component: string, atMs: number): Promise<Status> {
  const row = await store.get<{ to_status: Status }>('SELECT to_status FROM status_changes WHERE component = ? AND at_ms < ? ORDER BY at_ms DESC, seq DESC LIMIT 1', [component, atMs]);
  return row?.to_status ?? 'no_data';
}

/** Time in status of one component over [fromMs, toMs), from the changes. */
export async function measureTime(store: Store, component: string, fromMs: number, toMs: number): Promise<TimeInStatus> {
  const initial = await statusBefore(store, component, fromMs);
  return timeInStatus(initial, await changes(store, { components: [component], fromMs, toMs }), fromMs, toMs);
}

/** Writes a row for every whole day before `nowMs` that a component has none for (once its first change exists). */
export async function rollUpDays(store: Store, components: readonly string[], nowMs: number): Promise<number> {
  const today = Math.floor(nowMs / DAY_MS) * DAY_MS;
  let written = 0;
  for (const component of components) {
    const last = await store.get<{ day: string | null }>('SELECT MAX(day) AS day FROM status_days WHERE component = ?', [component]);
    const first = await store.get<{ at_ms: number | null }>('SELECT MIN(at_ms) AS at_ms FROM status_changes WHERE component = ?', [component]);
    if (first?.at_ms === null || first?.at_ms === undefined) continue;
    let day = last?.day ? Date.parse(`${last.day}T00:00:00Z`) + DAY_MS : Math.floor(Number(first.at_ms) / DAY_MS) * DAY_MS;
    for (; day < today; day += DAY_MS) {
      const time = await measureTime(store, component, day, day + DAY_MS);
      await store.run(
        `INSERT INTO status_days (component, day, operational_ms, no_data_ms, degraded_performance_ms, partial_outage_ms, major_outage_ms) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
        [component, dayOf(day), time.operational, time.no_data, time.degraded_performance, time.partial_outage, time.major_outage],
      );
      written++;
    }
  }
  return written;
}

/** The last `days` days of each component, oldest first: whole days from their rows, today from the changes. */
export async function uptimeDays(
  store: Store,
  components: readonly string[],
  days: number,
  nowMs: number,
  exclude?: UptimeExclusions,
  settleMs: (component: string) => number = () => 0,
): Promise<Map<string, UptimeDay[]>> {
  const today = Math.floor(nowMs / DAY_MS) * DAY_MS;
  const firstDay = today - (days - 1) * DAY_MS;
  const rows = await store.all<Record<string, string | number>>(
    'SELECT component, day, operational_ms, no_data_ms, degraded_performance_ms, partial_outage_ms, major_outage_ms FROM status_days WHERE day >= ?',
    [dayOf(firstDay)],
  );
  const stored = new Map(rows.map((row) => [`${row.component} ${row.day}`, row]));
  const out = new Map<string, UptimeDay[]>();
  for (const component of components) {
    const list: UptimeDay[] = [];
    for (let day = firstDay; day <= today; day += DAY_MS) {
      const row = stored.get(`${component} ${dayOf(day)}`);
      let time: TimeInStatus;
      if (day === today) time = await measureTime(store, component, day, nowMs);
      else if (row) {
        time = {
          operational: Number(row.operational_ms),
          no_data: Number(row.no_data_ms),
          degraded_performance: Number(row.degraded_performance_ms),
          partial_outage: Number(row.partial_outage_ms),
          major_outage: Number(row.major_outage_ms),
        };
      } else time = { ...empty(), no_data: DAY_MS };
      if (exclude) {
        for (const interval of await exclude(component, day, Math.min(day + DAY_MS, nowMs), settleMs(component))) {
          time = subtract(time, await measureTime(store, component, Math.max(day, interval.fromMs), Math.min(day + DAY_MS, interval.toMs)));
        }
      }
      // The bar says the worst that was measured; a day with nothing measured says "no data".
      const measured = (Object.keys(time) as Status[]).filter((status) => status !== 'no_data' && time[status] > 0);
      list.push({ day: dayOf(day), time, uptime: uptimeOf(time), worst: worst(measured) });
    }
    out.set(component, list);
  }
  return out;
}
