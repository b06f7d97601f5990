// Fetches a feed over HTTP and parses it with @rowanmanning/feed-parser,
// as a feed reader would, printing the parsed feed as JSON.
// Usage: node feed-parser.cjs FEED_URL
"use strict";
const { parseFeed } = require("@rowanmanning/feed-parser");

async function main() {
  const res = await fetch(process.argv[2]);
  if (!res.ok) throw new Error(`${process.argv[2]}: ${res.status}`);
  const feed = parseFeed(await res.text());
  process.stdout.write(JSON.stringify(feed.toJSON()));
}

main().catch((err) => {
  console.error(err.stack || String(err));
  process.exit(1);
});
