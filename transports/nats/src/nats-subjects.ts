/** The NATS subjects of one channel: frames go on `data`, subscribers say hello and bye on `hello`. */
export interface ChannelSubjects {
  data: string;
  hello: string;
}

/**
 * One subject token for any string: letters, digits and `_` stay, every other UTF-8 byte
 * becomes `-` and two hex digits (`-` itself is `-2D`, `.` is `-2E`). Injective, so two
 * names never share a token, and the result never holds `.`, `*`, `>` or whitespace.
 */
export function subjectToken(name: string): string {
  if (name === "") return "-";
  let token = "";
  for (const byte of Buffer.from(name, "utf8")) {
    const c = String.fromCharCode(byte);
    token += /[A-Za-z0-9_]/.test(c) ? c : `-${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return token;
}

/** The default prefix of a dataflow's subjects: `rivulet.<dataflow id as one token>`. */
export function defaultPrefix(dataflowId: string): string {
  return `rivulet.${subjectToken(dataflowId)}`;
}

/**
 * The subjects of channel `producer/output` under `prefix`: `<prefix>.<producer>.<output>.d`
 * and `.h`, each id escaped as one token (`cam/image` → `<prefix>.cam.image.d`).
 */
export function channelSubjects(prefix: string, producer: string, output: string): ChannelSubjects {
  const base = `${prefix}.${subjectToken(producer)}.${subjectToken(output)}`;
  return { data: `${base}.d`, hello: `${base}.h` };
}
