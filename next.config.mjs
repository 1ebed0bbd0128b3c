/** @type {import('next').NextConfig} */
const nextConfig = {
  // The custom server (server/main.ts) serves Next; nothing here may bypass its auth.
  poweredByHeader: false,
  reactStrictMode: true,
  // The dashboard is a live client-side view: no build-time data, no image optimizer.
  images: { unoptimized: true },
  typedRoutes: false,
};

export default nextConfig;
