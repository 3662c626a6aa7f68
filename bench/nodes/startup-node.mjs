// Start-up cost, node side: joins the dataflow and exits at its first timer tick.
import { Node } from "@rivulet/node";

const node = new Node();
for await (const event of node) if (event.type === "INPUT") break;
