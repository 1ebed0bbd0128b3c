'use client';
import { useEffect } from 'react';
import { startLive } from '@/lib/client/socket';
import { Dashboard } from './Dashboard';

// The socket opens when this module loads, not after hydration: on a large host the first
// topology is over a megabyte, and its download then overlaps React's start-up.
startLive();

/** The live dashboard: the shared view, fed by the server's socket. */
export function LiveDashboard() {
  // Usually already open (above); after a client-side remount it opens here.
  useEffect(() => startLive(), []);
  return <Dashboard />;
}
