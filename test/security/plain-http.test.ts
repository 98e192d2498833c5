/**
 * A bearer token or a client secret never travels in clear: `http://` is accepted only for loopback
 * (the emulator, tests), for the workspace host and for any token endpoint.
 */
import { describe, expect, it } from "vitest";
import { createLakebaseClient } from "../../src/index.js";
import { oauthM2MCredentials } from "../../src/auth/index.js";

const REFUSED = [
  "http://example.com",
  "http://10.0.0.1:8080",
  "http://localhost.evil.example",
  "http://127.0.0.1.nip.io",
  "http://[::2]",
  "ftp://example.com",
  "https://user:pass@example.com",
];
const LOOPBACK = ["http://localhost:8080", "http://127.0.0.1:1", "http://[::1]:9"];

describe("plain http only on loopback", () => {
  it.each(REFUSED)("createLakebaseClient refuses %s before any request", (host) => {
    let sent = 0;
    expect(() => createLakebaseClient({ host, auth: "dapi0123456789abcdef01", fetch: async () => ((sent += 1), new Response("{}")) })).toThrow(TypeError);
    expect(sent).toBe(0);
  });

  it.each(LOOPBACK)("accepts %s", (host) => {
    expect(createLakebaseClient({ host, auth: "t" }).host).toBe(host);
  });

  it.each(REFUSED.slice(0, 5))("the m2m provider refuses %s as host and as token endpoint", (url) => {
    expect(() => oauthM2MCredentials({ host: url, clientId: "sp", clientSecret: "dose0123456789abcdef" })).toThrow();
    expect(() => oauthM2MCredentials({ host: "https://ws.example.com", clientId: "sp", clientSecret: "dose0123456789abcdef", tokenEndpoint: `${url}/oidc/v1/token` })).toThrow(/https/);
  });
});
