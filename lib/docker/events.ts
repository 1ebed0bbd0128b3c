import { EventEmitter } from 'node:events';
import { type DockerClient, describeError } from './client';
import { DockerEvent } from './schemas';

export type EngineStatus = 'connecting' | 'connected' | 'unreachable';

export interface EngineStateChange {
  status: EngineStatus;
  error?: string;
  /** When the next reconnect attempt happens, while unreachable. */
  retryInMs?: number;
}

interface FeedEvents {
  event: [DockerEvent];
  state: [EngineStateChange];
}

const BACKOFF_MS = [250, 500, 1000, 2000, 5000];

/**
 * Docker's /events stream with what dockerode leaves out: reconnect with backoff, resume
 * with `since` so nothing is missed, and duplicate suppression for the replayed events.
 * Consumers must treat every `connected` as "resync from scratch": the engine replays only
 * its last 256 events and none across a daemon restart (security-lessons.md).
 */
export class EventFeed extends EventEmitter<FeedEvents> {
  private stopped = false;
  private current: NodeJS.ReadableStream | null = null;
  private lastSeenSeconds = 0;
  private recent = new Set<string>();
  private attempt = 0;
  private wake: (() => void) | null = null;

  constructor(private readonly client: DockerClient) {
    super();
  }

  start(): void {
    void this.loop();
  }

  stop(): void {
    this.stopped = true;
    this.wake?.();
    const s = this.current as (NodeJS.ReadableStream & { destroy?: () => void }) | null;
    s?.destroy?.();
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      this.emit('state', { status: 'connecting' });
      try {
        const stream = await this.client.openEventStream(this.lastSeenSeconds || undefined);
        if (this.stopped) {
          (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
          return;
        }
        this.current = stream;
        this.attempt = 0;
        this.emit('state', { status: 'connected' });
        await this.consume(stream);
        if (!this.stopped)
          this.emit('state', {
            status: 'unreachable',
            error: 'event stream closed by the engine',
            retryInMs: BACKOFF_MS[0],
          });
      } catch (e) {
        const retryInMs = BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)] as number;
        if (!this.stopped) this.emit('state', { status: 'unreachable', error: describeError(e), retryInMs });
      }
      this.current = null;
      const delay = BACKOFF_MS[Math.min(this.attempt++, BACKOFF_MS.length - 1)] as number;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, delay);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  }

  private consume(stream: NodeJS.ReadableStream): Promise<void> {
    return new Promise((resolve) => {
      let buf = '';
      stream.on('data', (chunk: Buffer | string) => {
        buf += chunk.toString();
        let nl = buf.indexOf('\n');
        while (nl >= 0) {
          this.handleLine(buf.slice(0, nl));
          buf = buf.slice(nl + 1);
          nl = buf.indexOf('\n');
        }
      });
      stream.on('end', () => resolve());
      stream.on('close', () => resolve());
      stream.on('error', () => resolve());
    });
  }

  private handleLine(line: string): void {
    if (!line.trim()) return;
    let parsed: DockerEvent;
    try {
      parsed = DockerEvent.parse(JSON.parse(line));
    } catch {
      return; // not an event we understand; the periodic resync covers us
    }
    const key = `${parsed.timeNano}/${parsed.Type}/${parsed.Action}/${parsed.Actor.ID}`;
    if (this.recent.has(key)) return;
    this.recent.add(key);
    if (this.recent.size > 2048) this.recent = new Set([...this.recent].slice(-1024));
    if (parsed.time) this.lastSeenSeconds = parsed.time;
    this.emit('event', parsed);
  }
}
