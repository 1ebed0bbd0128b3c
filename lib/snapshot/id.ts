import { randomBytes } from 'node:crypto';
import { SNAPSHOT_ID_RE } from '../model/snapshot';

/** 16 random bytes (128 bits) as base64url: the id is the link's whole capability. */
export function newSnapshotId(): string {
  return randomBytes(16).toString('base64url');
}

export function isSnapshotId(s: string): boolean {
  return SNAPSHOT_ID_RE.test(s);
}
