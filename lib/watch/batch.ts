/** The batch id of the watch's own probe results: logs and the page tell them apart by it. */
export const WATCH_BATCH = 'watch';
