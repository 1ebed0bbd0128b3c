// The image's HEALTHCHECK: healthy when the server answers /healthz and reaches its engine
// ("degraded" — the engine unreachable — reports unhealthy so `docker ps` shows it).
const host = process.env.REACHMAP_HOST ?? '127.0.0.1';
// A wildcard bind is reached on loopback; an IPv6 literal needs brackets in a URL.
const target = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
const port = process.env.REACHMAP_PORT ?? '7391';
const base = process.env.REACHMAP_BASE_PATH ?? '';
try {
  const res = await fetch(`http://${target}:${port}${base}/healthz`, { signal: AbortSignal.timeout(4000) });
  const body = await res.json();
  console.log(JSON.stringify(body));
  process.exit(res.ok && body.status === 'ok' ? 0 : 1);
} catch (e) {
  console.log(
    `no answer from http://${target}:${port}${base}/healthz: ${e instanceof Error ? e.message : e}`,
  );
  process.exit(1);
}
