// Behind a reverse proxy under a path prefix (README "Behind a reverse proxy"): Next bakes
// the prefix into the build, and the server refuses to start with another one.
const basePath = process.env.REACHMAP_BASE_PATH ?? '';
if (!/^(\/[A-Za-z0-9._~-]+)*$/.test(basePath))
  throw new Error(
    `invalid setting REACHMAP_BASE_PATH: expected "" or /path without a trailing slash (got "${basePath}")`,
  );

/** @type {import('next').NextConfig} */
const nextConfig = {
  // The custom server (server/main.ts) serves Next; nothing here may bypass its auth.
  poweredByHeader: false,
  reactStrictMode: true,
  // The dashboard is a live client-side view: no build-time data, no image optimizer.
  images: { unoptimized: true },
  typedRoutes: false,
  basePath,
  env: { NEXT_PUBLIC_REACHMAP_BASE_PATH: basePath },
  // A second build beside the main one (the base-path test): REACHMAP_NEXT_DIST=.next-…
  distDir: process.env.REACHMAP_NEXT_DIST || '.next',
};

export default nextConfig;
