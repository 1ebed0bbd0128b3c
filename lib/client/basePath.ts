import { withBasePath } from '../basePath';

/** The prefix the dashboard was built for (next.config.mjs inlines it; "" when none). */
export const BASE_PATH: string = process.env.NEXT_PUBLIC_REACHMAP_BASE_PATH ?? '';

/** A server path ("/api/…", "/s/…") as this page must request it. */
export const at = (path: string): string => withBasePath(path, BASE_PATH);
