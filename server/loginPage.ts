import { createHash } from 'node:crypto';

/**
 * The one page served without a session: a static form that reads the token from the URL
 * fragment (never sent to the server), exchanges it for an HttpOnly cookie, and forgets it.
 */

const script = (base: string) => `
const base = ${JSON.stringify(base)};
const form = document.getElementById('f');
const input = document.getElementById('t');
const msg = document.getElementById('m');
async function signIn(token) {
  msg.textContent = 'Signing in…';
  const r = await fetch(base + '/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });
  if (r.ok) {
    const body = await r.json();
    localStorage.setItem('reachmap.binding', body.binding);
    location.replace(next);
    return;
  }
  const body = await r.json().catch(() => ({}));
  msg.textContent = body.error || ('Sign-in failed: HTTP ' + r.status);
}
// Back to the page that asked for sign-in: a page of this dashboard only, as the browser will
// parse it (it drops tabs and newlines: "/\t/evil" is "//evil"), never the sign-in itself.
function backTo(asked) {
  try {
    const u = new URL(asked, location.origin);
    const inside = u.pathname === base || u.pathname.startsWith(base + '/');
    if (u.origin === location.origin && inside && !u.pathname.startsWith(base + '/login') && asked.length < 4096)
      return u.pathname + u.search + u.hash;
  } catch {}
  return base + '/';
}
const next = backTo(new URLSearchParams(location.search).get('next') || base + '/');
const m = /(?:^#|&)token=([A-Za-z0-9_-]+)/.exec(location.hash);
history.replaceState(null, '', location.pathname + location.search);
if (m) signIn(m[1]);
form.addEventListener('submit', (e) => { e.preventDefault(); signIn(input.value.trim()); });
`;

const STYLE = `
body{font:14px/1.5 system-ui,sans-serif;background:#0b1020;color:#e2e8f0;display:grid;place-items:center;min-height:100vh;margin:0}
main{background:#111827;border:1px solid #334155;border-radius:10px;padding:28px;max-width:420px;width:100%}
h1{font-size:18px;margin:0 0 6px} p{color:#94a3b8;margin:0 0 16px}
input{width:100%;box-sizing:border-box;padding:8px;border-radius:6px;border:1px solid #475569;background:#0f172a;color:#e2e8f0}
button{margin-top:10px;padding:8px 14px;border-radius:6px;border:0;background:#2563eb;color:white;cursor:pointer}
#m{margin-top:12px;color:#fbbf24;min-height:1.5em} code{color:#cbd5e1}
`;

const hash = (s: string) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`;

/** The page and its CSP (the inline script's hash) for a base path (REACHMAP_BASE_PATH). */
export function loginPage(base: string): { html: string; csp: string } {
  const SCRIPT = script(base);
  const csp = `default-src 'none'; script-src ${hash(SCRIPT)}; style-src ${hash(STYLE)}; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`;
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Reachmap — sign in</title><style>${STYLE}</style></head>
<body><main>
<h1>Reachmap</h1>
<p>This dashboard reads the Docker socket, which is root on the host. Open the URL printed at start-up, or paste the token (<code>npx reachmap url</code> prints it again).</p>
<form id="f"><input id="t" type="password" autocomplete="off" placeholder="access token" aria-label="access token"><button type="submit">Sign in</button></form>
<div id="m" role="status"></div>
</main><script>${SCRIPT}</script></body></html>`;
  return { html, csp };
}
