/**
 * The machine's Chromium as Reachmap launches it (PNG exports), and as the tests and the
 * benchmark do: Debian's package (Playwright cannot download browsers here), and without the
 * background-networking flags Chromium dials out.
 */
export const CHROMIUM_LAUNCH = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
  ],
};
