import { describe, expect, it } from "vitest";
import { TopicFilter, topicFilterProblem } from "../src/topic-filter.js";
import { TopicTemplate, topicTemplateProblem } from "../src/topic-template.js";

describe("TopicFilter", () => {
  it("captures each + level in order", () => {
    const filter = new TopicFilter("sensors/+/room/+/temperature");
    expect(filter.wildcards).toBe(2);
    expect(filter.match("sensors/dev-1/room/kitchen/temperature")).toEqual(["dev-1", "kitchen"]);
    expect(filter.match("sensors/dev-1/room/kitchen/humidity")).toBeUndefined();
    expect(filter.match("sensors/dev-1/room/kitchen/temperature/extra")).toBeUndefined();
    expect(filter.match("sensors/dev-1/room")).toBeUndefined();
  });

  it("# matches the parent level and everything below it, and captures the + before it", () => {
    const filter = new TopicFilter("zigbee/+/#");
    expect(filter.match("zigbee/lamp")).toEqual(["lamp"]);
    expect(filter.match("zigbee/lamp/state/brightness")).toEqual(["lamp"]);
    expect(filter.match("other/lamp")).toBeUndefined();
  });

  it("an empty level is a level; exact filters match exactly", () => {
    expect(new TopicFilter("a/+/c").match("a//c")).toEqual([""]);
    expect(new TopicFilter("a/b").match("a/b")).toEqual([]);
    expect(new TopicFilter("a/b").match("a/bb")).toBeUndefined();
  });

  it("a leading wildcard does not match $ topics", () => {
    expect(new TopicFilter("#").match("$SYS/broker/uptime")).toBeUndefined();
    expect(new TopicFilter("+/broker/uptime").match("$SYS/broker/uptime")).toBeUndefined();
    expect(new TopicFilter("$SYS/#").match("$SYS/broker/uptime")).toEqual([]);
  });

  it("refuses wildcards that are not whole levels and # before the end", () => {
    expect(topicFilterProblem("sensors/dev+/t")).toMatch(/whole levels/);
    expect(topicFilterProblem("sensors/#/t")).toMatch(/last level/);
    expect(topicFilterProblem("a#")).toMatch(/whole levels/);
    expect(topicFilterProblem("")).toMatch(/empty/);
    expect(topicFilterProblem("a/+/#")).toBeUndefined();
    expect(() => new TopicFilter("a/b#")).toThrow(RangeError);
  });
});

describe("TopicTemplate", () => {
  it("renders {name} from the parameters, numbers and booleans as text", () => {
    const template = new TopicTemplate("alerts/{device}/{level}/x{n}");
    expect(template.names).toEqual(["device", "level", "n"]);
    expect(template.render({ device: "dev-1", level: "high", n: 3 })).toEqual({ topic: "alerts/dev-1/high/x3" });
  });

  it("reports missing, empty, list and level-breaking values as missing", () => {
    const template = new TopicTemplate("alerts/{device}/{room}");
    expect(template.render({ room: "k" })).toEqual({ missing: ["device"] });
    expect(template.render({ device: "", room: ["a"] })).toEqual({ missing: ["device", "room"] });
    expect(template.render({ device: "a/b", room: "+" })).toEqual({ missing: ["device", "room"] });
  });

  it("refuses wildcards, stray braces and bad names", () => {
    expect(topicTemplateProblem("alerts/+/x")).toMatch(/wildcards/);
    expect(topicTemplateProblem("alerts/#")).toMatch(/wildcards/);
    expect(topicTemplateProblem("alerts/{device")).toMatch(/braces/);
    expect(topicTemplateProblem("alerts/{1x}")).toMatch(/not a parameter name/);
    expect(topicTemplateProblem("alerts/{}")).toMatch(/not a parameter name/);
    expect(topicTemplateProblem("alerts/{device}")).toBeUndefined();
    expect(() => new TopicTemplate("a/+")).toThrow(RangeError);
  });
});
