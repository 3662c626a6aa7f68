import { Node } from "@rivulet/node";

const node = new Node();
for await (const event of node) {
  switch (event.type) {
    case "INPUT":
      console.log(`Received ${event.id}: ${event.value.toArray().join(", ")}`);
      break;
    case "INPUT_CLOSED":
      console.log(`Input ${event.id} closed`);
      break;
    case "STOP":
      break; // the loop ends after STOP
  }
}
