// How long a demo backend takes to answer. Real service times are right-skewed: most requests are fast,
// a few are several times slower. A lognormal fitted to a median and a 99th percentile reproduces that
// with two numbers a reader can check against the service's metrics.

export interface ServiceTime {
  /** Median service time in milliseconds. */
  p50Ms: number;
  /** 99th percentile service time in milliseconds. */
  p99Ms: number;
}

/** The z-score of the 99th percentile of a standard normal distribution. */
const Z_P99 = 2.326;

/**
 * Returns a sampler of service times. Samples are capped at twice the p99 so that one unlucky draw
 * cannot look like an injected fault: slowness beyond that belongs to the fault proxy, not the model.
 * `random` is injectable so tests can check the shape deterministically.
 */
export function serviceTimeSampler(time: ServiceTime, random: () => number = Math.random): () => number {
  if (!(time.p50Ms > 0) || !(time.p99Ms >= time.p50Ms)) {
    throw new RangeError(`service time needs 0 < p50 <= p99, got p50=${time.p50Ms}ms p99=${time.p99Ms}ms`);
  }
  const mu = Math.log(time.p50Ms);
  const sigma = (Math.log(time.p99Ms) - mu) / Z_P99;
  const cap = time.p99Ms * 2;
  return () => {
    // Box–Muller; 1 - random() keeps the logarithm's argument in (0, 1].
    const normal = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    return Math.min(cap, Math.exp(mu + sigma * normal));
  };
}
