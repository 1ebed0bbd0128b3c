import { LiveDashboard } from '@/components/LiveDashboard';

// The dashboard is live data over socket.io: render on the client, never at build time.
export const dynamic = 'force-dynamic';

export default function Page() {
  return <LiveDashboard />;
}
