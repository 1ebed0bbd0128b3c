#!/usr/bin/env bash
# Builds the lab's images locally (no registry is reachable): each is a small rootfs made
# from this machine's own binaries and their libraries, imported with `docker import`.
# Tags: reachmap-lab/busybox:local, reachmap-lab/node:local, reachmap-lab/nginx:local.
# An image is rebuilt only when its inputs changed (a label holds their hash).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

need() { command -v "$1" >/dev/null 2>&1 || { echo "lab images: '$1' not found (${2})" >&2; exit 1; }; }
need busybox "apt-get install busybox-static"
need nginx "apt-get install nginx-light"
need docker "the Docker CLI"
NODE_BIN="${LAB_NODE_BIN:-$(command -v node)}"
BUSYBOX_BIN="$(command -v busybox)"
NGINX_BIN="$(command -v nginx)"

copy_with_libs() { # copy_with_libs ROOT BINARY DEST
  local root=$1 bin=$2 dest=$3
  install -D -m 0755 "$bin" "$root$dest"
  ldd "$bin" 2>/dev/null | grep -oE '/[^ ]+\.so[^ ]*' | sort -u | while read -r lib; do
    install -D -m 0755 "$lib" "$root$lib"
  done
}

base_rootfs() { # base_rootfs ROOT: busybox applets, passwd, tmp
  local root=$1
  mkdir -p "$root"/{bin,etc,tmp,var/tmp,run,proc,sys,dev}
  chmod 1777 "$root/tmp" "$root/var/tmp"
  install -m 0755 "$BUSYBOX_BIN" "$root/bin/busybox"
  for applet in $("$BUSYBOX_BIN" --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\nwww-data:x:33:33:www-data:/var/www:/bin/false\nnode:x:1000:1000:node:/home/node:/bin/sh\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\nwww-data:x:33:\nnode:x:1000:\n' >"$root/etc/group"
  mkdir -p "$root/home/node" && chown 1000:1000 "$root/home/node"
}

build() { # build TAG ROOT CMD_JSON
  local tag=$1 root=$2 cmd=$3
  local hash
  # Content, modes and links of the rootfs, plus this script: any change rebuilds.
  hash=$( (cd "$root" && find . -printf '%m %y %p %l\n' | sort && find . -type f -print0 | sort -z | xargs -0 sha256sum; sha256sum "$here/build.sh") | sha256sum | cut -c1-16)
  if [ "$(docker image inspect -f '{{index .Config.Labels "reachmap.lab.hash"}}' "$tag" 2>/dev/null || true)" = "$hash" ]; then
    echo "lab image $tag is up to date"
    return
  fi
  local previous
  previous=$(docker image inspect -f '{{.Id}}' "$tag" 2>/dev/null || true)
  tar -C "$root" -c . | docker import -c "CMD $cmd" -c "LABEL reachmap.lab.hash=$hash" -c 'ENV PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin' - "$tag" >/dev/null
  # The superseded image is now untagged: remove it so repeated runs do not pile up
  # dangling copies (ignored while a container still uses it).
  [ -z "$previous" ] || docker image rm "$previous" >/dev/null 2>&1 || true
  echo "built lab image $tag"
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# busybox: sh, httpd, nc, wget, sleep…
base_rootfs "$work/busybox"
build reachmap-lab/busybox:local "$work/busybox" '["/bin/sh"]'

# node: the host's node binary and its libraries, plus busybox for a shell.
base_rootfs "$work/node"
copy_with_libs "$work/node" "$NODE_BIN" /usr/local/bin/node
build reachmap-lab/node:local "$work/node" '["node"]'

# nginx: laid out like the official image (conf.d/*.conf included from nginx.conf).
base_rootfs "$work/nginx"
copy_with_libs "$work/nginx" "$NGINX_BIN" /usr/sbin/nginx
mkdir -p "$work/nginx/etc/nginx/conf.d" "$work/nginx/var/lib/nginx"/{body,proxy,fastcgi,uwsgi,scgi} "$work/nginx/var/log/nginx" "$work/nginx/usr/share/nginx/html"
cp /etc/nginx/mime.types "$work/nginx/etc/nginx/mime.types"
cp "$here/nginx.conf" "$work/nginx/etc/nginx/nginx.conf"
ln -sf /dev/stdout "$work/nginx/var/log/nginx/access.log"
ln -sf /dev/stderr "$work/nginx/var/log/nginx/error.log"
echo '<!doctype html><title>nginx</title><h1>Welcome to nginx</h1>' >"$work/nginx/usr/share/nginx/html/index.html"
build reachmap-lab/nginx:local "$work/nginx" '["nginx","-g","daemon off;"]'

# caddy: a Caddy reverse proxy for the proxy tests, when the machine has one (provision.sh installs it).
if command -v caddy >/dev/null 2>&1; then
  base_rootfs "$work/caddy"
  copy_with_libs "$work/caddy" "$(command -v caddy)" /usr/bin/caddy
  mkdir -p "$work/caddy/etc/caddy" "$work/caddy/data" "$work/caddy/config"
  printf ':80 {\n  respond "caddy"\n}\n' >"$work/caddy/etc/caddy/Caddyfile"
  build reachmap-lab/caddy:local "$work/caddy" '["caddy","run","--config","/etc/caddy/Caddyfile","--adapter","caddyfile"]'
fi
