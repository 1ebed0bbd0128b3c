/** Log levels REACHMAP_LOG_LEVEL accepts (kept apart from lib/log so the CLI never loads pino). */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
