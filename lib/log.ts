import pino from 'pino';

/**
 * The server's log (pino): JSON lines when stdout is not a terminal (systemd, docker logs,
 * a collector), readable lines on a terminal. Levels via REACHMAP_LOG_LEVEL. Fields named like
 * credentials are masked, and callers log facts, never headers or bodies.
 */

const tty = process.stdout.isTTY === true;

export const log = pino(
  {
    base: undefined,
    level: 'info',
    redact: {
      paths: [
        'token',
        '*.token',
        'cookie',
        '*.cookie',
        'authorization',
        '*.authorization',
        'binding',
        '*.binding',
      ],
      censor: '‹redacted›',
    },
  },
  tty
    ? pino.transport({
        target: 'pino-pretty',
        options: { colorize: !process.env.NO_COLOR, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' },
      })
    : undefined,
);
