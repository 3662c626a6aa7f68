/**
 * How the native addon is built. The package's `install` script is `SHM_NODE_GYP_COMMAND`
 * (a spec checks they agree): it compiles against the system's Node headers in
 * /usr/include/node and downloads nothing.
 */
export const SHM_NODE_GYP_COMMAND = "node-gyp rebuild --nodedir=/usr";

/** Runs the install script again, from the project root. */
export const SHM_REBUILD_COMMAND = "npm rebuild @rivulet/transport-shm";
