/**
 * Starts the journeys' server and fakes and keeps them up, for iterating on journeys:
 *   tsx test/web/support/serve.ts      (prints ATRIUM_WEB_URL=… ATRIUM_WEB_DATA_DIR=…)
 *   ATRIUM_WEB_URL=… ATRIUM_WEB_DATA_DIR=… npx vitest run --project web test/web/chat.test.ts
 * Stops on Ctrl-C. `npm test` does not use it: the web project's global setup starts its own.
 */
import { startJourneyServer } from "./global-setup.js";

const { provided, teardown, restart } = await startJourneyServer();
console.log(`ATRIUM_WEB_URL=${provided.baseUrl} ATRIUM_WEB_DATA_DIR=${provided.dataDir}`);
const stop = async () => {
  await teardown();
  process.exit(0);
};
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
// kill -HUP <pid>: rebuild the app if stale and restart Atrium on the same port and data.
process.on("SIGHUP", () => {
  void restart().then(() => console.log("restarted"));
});
setInterval(() => undefined, 1 << 30);
