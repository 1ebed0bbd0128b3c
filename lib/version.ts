import pkg from '../package.json';

/** Reachmap's version, from package.json (the CLI, the server and the dashboard show it). */
export const VERSION: string = pkg.version;
