import { SnapshotDashboard } from '@/components/SnapshotDashboard';

// The server checked the id and that the snapshot exists before Next saw the request.
export const dynamic = 'force-dynamic';

export default async function SnapshotPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <SnapshotDashboard id={id} />;
}
