// Limits come from the environment; a malformed one stops the node with a message naming it.
import { describe, expect, it } from "vitest";
import { limitsFromEnv, LimitsError } from "./limits.ts";

describe("limits from the environment", () => {
  it("are strict by default", () => {
    const limits = limitsFromEnv({});
    expect(limits).toMatchObject({ roomsPerAddress: 3, joinsPerMinute: 30, messagesPerSecond: 40, trustProxy: false, allowedOrigins: [], metricsToken: "" });
  });

  it("read each setting, and the proxies to trust as express reads them", () => {
    const limits = limitsFromEnv({ ROOMS_PER_ADDRESS: "7", TRUST_PROXY: "loopback, 10.0.0.0/8", ALLOWED_ORIGINS: "https://a.example, https://b.example" });
    expect(limits.roomsPerAddress).toBe(7);
    expect(limits.trustProxy).toBe("loopback, 10.0.0.0/8");
    expect(limits.allowedOrigins).toEqual(["https://a.example", "https://b.example"]);
    expect(limitsFromEnv({ TRUST_PROXY: "2" }).trustProxy).toBe(2);
  });

  it("refuse a malformed value with an error naming the variable", () => {
    expect(() => limitsFromEnv({ JOINS_PER_MINUTE: "lots" })).toThrow(LimitsError);
    expect(() => limitsFromEnv({ JOINS_PER_MINUTE: "lots" })).toThrow(/JOINS_PER_MINUTE/);
    expect(() => limitsFromEnv({ ROOMS_PER_ADDRESS: "-1" })).toThrow(/ROOMS_PER_ADDRESS/);
    expect(() => limitsFromEnv({ TRUST_PROXY: "10.0.0.0/33" })).toThrow(/TRUST_PROXY/);
  });
});
