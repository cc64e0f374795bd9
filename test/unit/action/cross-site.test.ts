import assert from "node:assert/strict";
import type { IncomingMessage } from "node:http";
import { test } from "node:test";
import { crossSiteRefusal } from "../../../action/http/cross-site.js";

function req(method: string, headers: Record<string, string>): IncomingMessage {
  return { method, headers: { host: "ailab.lab.example:8080", ...headers } } as unknown as IncomingMessage;
}

const PUBLIC = "https://ailab.example.org/";

test("a state change from the server's own origin, or from no browser at all, goes on", () => {
  assert.equal(crossSiteRefusal(req("POST", {}), PUBLIC), undefined, "git and the CLI send no Origin");
  assert.equal(crossSiteRefusal(req("POST", { origin: "http://ailab.lab.example:8080", "sec-fetch-site": "same-origin" }), PUBLIC), undefined);
  assert.equal(crossSiteRefusal(req("POST", { origin: "https://ailab.example.org" }), PUBLIC), undefined, "the public URL behind a proxy");
  assert.equal(crossSiteRefusal(req("DELETE", { "sec-fetch-site": "none" }), PUBLIC), undefined, "typed into the address bar");
});

test("a state change from another site is refused; reading is not", () => {
  assert.match(crossSiteRefusal(req("POST", { origin: "https://evil.example" }), PUBLIC) ?? "", /evil\.example/);
  assert.ok(crossSiteRefusal(req("POST", { "sec-fetch-site": "cross-site" }), PUBLIC));
  assert.ok(crossSiteRefusal(req("PUT", { "sec-fetch-site": "same-site", origin: "https://other.example.org" }), PUBLIC), "a sibling subdomain is another origin");
  assert.ok(crossSiteRefusal(req("POST", { origin: "null" }), PUBLIC), "a sandboxed page");
  assert.equal(crossSiteRefusal(req("GET", { origin: "https://evil.example", "sec-fetch-site": "cross-site" }), PUBLIC), undefined);
});
