import { Gauge, Registry } from 'prom-client';
import type { Fleet } from './fleet.js';

/** The fleet's Prometheus metrics, read from its instances at scrape time (own registry per fleet). */
export function fleetMetrics(fleet: Fleet): Registry {
  const registry = new Registry();
  new Gauge({
    name: 'gameday_fleet_instances',
    help: 'Instances by service, region and state (starting, healthy, unhealthy, draining, stopped).',
    labelNames: ['service', 'region', 'state'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const i of fleet.instances()) this.inc({ service: i.service, region: i.region, state: i.state });
    },
  });
  new Gauge({
    name: 'gameday_fleet_instance_restarts',
    help: 'Times each instance was restarted by its policy since the fleet started.',
    labelNames: ['instance', 'service', 'region'] as const,
    registers: [registry],
    collect() {
      for (const i of fleet.instances()) this.set({ instance: i.id, service: i.service, region: i.region }, i.restarts);
    },
  });
  new Gauge({
    name: 'gameday_fleet_cpu_stress_cores',
    help: 'CPU cores being burned by cpu-stress faults, by region.',
    labelNames: ['region'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const region of fleet.regions()) this.set({ region }, 0);
      for (const s of fleet.cpuStresses()) this.inc({ region: s.region }, s.cores);
    },
  });
  return registry;
}
