import { DiffDashboard } from '@/components/snapshot/DiffDashboard';

// The server checked both sides (snapshot ids, or "now" behind the token) before Next saw it.
export const dynamic = 'force-dynamic';

export default async function DiffPage({ params }: { params: Promise<{ a: string; b: string }> }) {
  const { a, b } = await params;
  return <DiffDashboard a={a} b={b} />;
}
