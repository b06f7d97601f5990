// Reads every /api/v2 file of a status page through the statuspage.io npm
// client, as a user of that client would, and prints what it got as one
// JSON object. Usage: node statuspage-client.cjs BASE_URL [UPTIME_PATH...]
"use strict";
const { Statuspage } = require("statuspage.io");
const { Endpoint } = require("statuspage.io/dist/Endpoints");

async function main() {
  const [base, ...uptime] = process.argv.slice(2);
  // The client wants a page id and builds https://<id>.statuspage.io
  // from it; setApiUrl points it at the page under test instead.
  const sp = new Statuspage("castortest00");
  sp.setApiUrl(base);
  const get = async (path) => (await sp.apiClient.get(path)).data;
  const out = {
    summary: await sp.api.getSummary(),
    status: await sp.api.getStatus(),
    components: await sp.api.getComponents(),
    incidents: await sp.api.incidents.getAll(),
    unresolved: await sp.api.incidents.getUnresolved(),
    upcoming: await sp.api.scheduledMaintenances.getUpcoming(),
    // statuspage.io 3.3.8's getActive and getAll both ask for
    // upcoming.json (its endpoint table maps them there): the two other
    // maintenance files are read through the client's own HTTP client,
    // at the paths of its endpoint table and of Statuspage's API.
    active: await get("/api/v2/scheduled-maintenances/active.json"),
    maintenances: await get(Endpoint.ScheduledMaintenances.all()),
    uptime: {},
  };
  for (const p of uptime) out.uptime[p] = await get("/" + p);
  process.stdout.write(JSON.stringify(out));
}

main().catch((err) => {
  console.error(err.stack || String(err));
  process.exit(1);
});
