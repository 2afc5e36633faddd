import { pino, type Logger } from 'pino';

// Structured logs go to stderr so that stdout stays free for summaries and JSON a user may pipe.
// GAMEDAY_LOG_LEVEL=debug shows everything; tests keep it quiet with "silent".
export function createLogger(component: string, level = process.env.GAMEDAY_LOG_LEVEL ?? 'info'): Logger {
  return pino({ name: component, level, base: { component } }, pino.destination(2));
}

export type { Logger };
