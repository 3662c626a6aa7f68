import { Node } from "@rivulet/node";

const node = new Node();
for await (const event of node) {
  if (event.type !== "INPUT") continue;
  const { frame, camera, tags } = event.metadata.parameters;
  const boxes = event.value; // a StructVector
  const fields = boxes.type.children.map((field: { name: string }) => field.name).join(",");
  console.log(`frame ${frame} from ${camera} (tags ${JSON.stringify(tags)}): ${boxes.length} boxes, fields ${fields}`);
  for (const box of boxes) {
    const { label, score, x, y, w, h } = box!.toJSON();
    console.log(`  ${label} ${score.toFixed(2)} at (${x}, ${y}) ${w}x${h}`);
  }
}
