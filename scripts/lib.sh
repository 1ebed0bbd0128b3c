# Shared shell helpers for start.sh / test.sh (sourced, not run).
# Reachmap targets Node 24 LTS; machines that ship an older Node get one from the npm
# registry's `node` package, kept in .tools/ (nothing system-wide changes).

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
export NEXT_TELEMETRY_DISABLED=1

log() { printf '\033[1;34m[reachmap]\033[0m %s\n' "$*" >&2; }

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

ensure_node() {
  if [ -x "$TOOLS/node/node_modules/.bin/node" ]; then
    export PATH="$TOOLS/node/node_modules/.bin:$PATH"
  fi
  if [ "$(node_major)" -ge 22 ]; then return; fi
  command -v npm >/dev/null || { echo "npm is required to install Node 24 (apt-get install nodejs npm)" >&2; exit 1; }
  log "Node $(node -v 2>/dev/null || echo none) is too old; installing Node 24 into .tools/node"
  mkdir -p "$TOOLS/node"
  npm install --prefix "$TOOLS/node" --no-audit --no-fund --loglevel=error node@24 >/dev/null
  export PATH="$TOOLS/node/node_modules/.bin:$PATH"
  log "using Node $(node -v)"
}

ensure_deps() {
  cd "$ROOT"
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    log "installing npm packages (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

# The base path a Next build was made for (REACHMAP_BASE_PATH bakes into it).
built_base_path() { node -p 'try { require("./.next/routes-manifest.json").basePath || "" } catch { "?" }' 2>/dev/null || echo '?'; }

# Rebuild when any source is newer than the last build, or the base path changed.
ensure_build() {
  cd "$ROOT"
  local stamp=.next/BUILD_ID
  if [ -f "$stamp" ] && [ -f dist/server.js ] && [ -f dist/cli.js ] && \
     [ "$(built_base_path)" = "${REACHMAP_BASE_PATH:-}" ] && \
     [ -z "$(find app components lib server cli public next.config.mjs package-lock.json -newer "$stamp" -type f 2>/dev/null | head -1)" ]; then
    return
  fi
  log "building (next build + server bundle)"
  npm run build --silent
}
