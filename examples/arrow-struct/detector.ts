import { Node } from "@rivulet/node";
import { vectorFromArray } from "apache-arrow";

const node = new Node();
for (let frame = 0; frame < 3; frame++) {
  const boxes = vectorFromArray([
    { label: "person", score: 0.9, x: 10 + frame, y: 20, w: 30, h: 60 },
    { label: "dog", score: 0.75, x: 50, y: 40 + frame, w: 25, h: 20 },
  ]);
  await node.sendOutput("boxes", boxes, { frame, camera: "front", tags: ["a", "b"] });
}
