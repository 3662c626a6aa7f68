/*
 * POSIX shared-memory segments for Node.js, as external ArrayBuffers.
 *
 * create(name, byteLength) -> ArrayBuffer  shm_open(O_CREAT|O_EXCL|O_RDWR, 0600), reserve, mmap
 * open(name)               -> ArrayBuffer  shm_open(O_RDWR), size from fstat, mmap
 * unlink(name)             -> undefined    shm_unlink
 * mapSlot(name, offset, length, generation, mask) -> ArrayBuffer
 *                                          maps one slot of a segment on its own (offset a
 *                                          multiple of the page size); when the buffer is
 *                                          collected, clears `mask` from the slot's holder word
 *                                          if the slot is still at `generation`, then unmaps
 *
 * The returned ArrayBuffer is a view over a MAP_SHARED mapping; its finalizer unmaps it once
 * no JavaScript value references the buffer any more. The file descriptor is closed right after
 * mmap: the mapping keeps the object alive, the descriptor is not needed.
 *
 * Syscall failures throw an Error whose `code` is the errno name ("EEXIST", "ENOENT", ...), with
 * `errno` (the positive number), `syscall` and `segmentName` properties; the TypeScript layer
 * turns them into named Rivulet errors. Argument checks here are a second line of defence: the
 * TypeScript layer validates first and throws its own named errors.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <node_api.h>
#include <uv.h>

/* Permissions of a created segment: owner read and write only. */
#define SEGMENT_MODE 0600

/*
 * The part after the leading slash becomes a file name in /dev/shm, so it holds at most
 * NAME_MAX bytes (255 on Linux; a longer one fails with ENAMETOOLONG).
 */
#define SEGMENT_NAME_MAX_BYTES NAME_MAX

/* The largest integer a JavaScript number holds exactly (2^53 - 1). */
#define MAX_SAFE_INTEGER 9007199254740991.0

/* Room for the slash, the longest name, one byte to detect a longer one, and the terminator. */
#define NAME_BUFFER_BYTES (SEGMENT_NAME_MAX_BYTES + 3)

#define CHECK_NAPI(env, call)                                                        \
  do {                                                                               \
    if ((call) != napi_ok) {                                                         \
      throw_pending_or_generic((env), #call);                                        \
      return NULL;                                                                   \
    }                                                                                \
  } while (0)

static void throw_pending_or_generic(napi_env env, const char* what) {
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (!pending) {
    napi_throw_error(env, "ERR_SHM_NAPI", what);
  }
}

/* Sets a string property; failures leave the error without that field, nothing worse. */
static void set_string(napi_env env, napi_value object, const char* key, const char* value) {
  napi_value v;
  if (napi_create_string_utf8(env, value, NAPI_AUTO_LENGTH, &v) == napi_ok) {
    napi_set_named_property(env, object, key, v);
  }
}

/* Throws an Error for a failed syscall: code is the errno name, as Node's own fs errors. */
static void throw_errno(napi_env env, int err, const char* syscall, const char* name) {
  const char* code = uv_err_name(-err);
  char message[NAME_BUFFER_BYTES + 160];
  snprintf(message, sizeof message, "%s: %s, %s '%s'", code, strerror(err), syscall, name);

  napi_value code_value, message_value, error, errno_value;
  if (napi_create_string_utf8(env, code, NAPI_AUTO_LENGTH, &code_value) != napi_ok ||
      napi_create_string_utf8(env, message, NAPI_AUTO_LENGTH, &message_value) != napi_ok ||
      napi_create_error(env, code_value, message_value, &error) != napi_ok) {
    throw_pending_or_generic(env, message);
    return;
  }
  if (napi_create_int32(env, err, &errno_value) == napi_ok) {
    napi_set_named_property(env, error, "errno", errno_value);
  }
  set_string(env, error, "syscall", syscall);
  set_string(env, error, "segmentName", name);
  napi_throw(env, error);
}

/*
 * Reads argument `index` as a segment name into `out` (NAME_BUFFER_BYTES long). Returns false
 * with a TypeError or RangeError thrown when it is not a string, or not "/" followed by
 * 1..SEGMENT_NAME_MAX_BYTES bytes without another "/" (nor "." or "..").
 */
static bool read_name(napi_env env, napi_value value, char* out) {
  napi_valuetype type;
  if (napi_typeof(env, value, &type) != napi_ok || type != napi_string) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "segment name must be a string");
    return false;
  }
  size_t length = 0;
  if (napi_get_value_string_utf8(env, value, out, NAME_BUFFER_BYTES, &length) != napi_ok) {
    throw_pending_or_generic(env, "napi_get_value_string_utf8");
    return false;
  }
  bool valid = length >= 2 && length <= SEGMENT_NAME_MAX_BYTES + 1 && out[0] == '/' &&
               strchr(out + 1, '/') == NULL && strlen(out) == length &&
               strcmp(out, "/.") != 0 && strcmp(out, "/..") != 0;
  if (!valid) {
    napi_throw_range_error(env, "ERR_INVALID_ARG_VALUE",
                           "segment name must be '/' followed by 1 to NAME_MAX bytes, no other '/'");
    return false;
  }
  return true;
}

/*
 * Reads the call's first `count` arguments into `argv` and the first one, a segment name, into
 * `name`. Returns false with a TypeError (naming the `usage`) or the name's error thrown.
 */
static bool read_args(napi_env env, napi_callback_info info, size_t count, napi_value* argv, char* name, const char* usage) {
  size_t argc = count;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) {
    throw_pending_or_generic(env, "napi_get_cb_info");
    return false;
  }
  if (argc < count) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", usage);
    return false;
  }
  return read_name(env, argv[0], name);
}

/*
 * What the finalizer of a mapping needs. A segment mapping only unmaps; a slot mapping (see
 * mapSlot) first clears its subscriber's `mask` bits from the slot's holder word, its first
 * 8 bytes, if the slot is still at `generation`: every view of a received frame derives from that
 * one ArrayBuffer, so when it is collected no view is left, and a slot given back earlier and
 * reused since keeps the bits that belong to its new frame.
 */
typedef struct {
  size_t length;
  bool slot;
  uint32_t generation;
  uint32_t mask;
} mapping_hint;

static void finalize_mapping(napi_env env, void* data, void* hint) {
  mapping_hint* mapping = (mapping_hint*)hint;
  if (mapping->slot) {
    uint64_t* word = (uint64_t*)data;
    uint64_t old = __atomic_load_n(word, __ATOMIC_SEQ_CST);
    while ((uint32_t)(old >> 32) == mapping->generation && (old & mapping->mask) != 0) {
      uint64_t cleared = old & ~(uint64_t)mapping->mask;
      if (__atomic_compare_exchange_n(word, &old, cleared, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) break;
    }
  }
  munmap(data, mapping->length);
  int64_t adjusted;
  napi_adjust_external_memory(env, -(int64_t)mapping->length, &adjusted);
  free(mapping);
}

/*
 * Maps `length` bytes of `fd` from `offset`, shared, and wraps them in an external ArrayBuffer
 * finalized as `slot` says (generation and mask for a slot). Closes `fd` in every case. Returns
 * NULL with an exception pending on failure.
 */
static napi_value map_fd(napi_env env, int fd, off_t offset, size_t length, const char* name, bool slot,
                         uint32_t generation, uint32_t mask) {
  void* data = mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, offset);
  int err = errno;
  close(fd);
  if (data == MAP_FAILED) {
    throw_errno(env, err, "mmap", name);
    return NULL;
  }
  mapping_hint* hint = malloc(sizeof *hint);
  if (hint == NULL) {
    munmap(data, length);
    throw_errno(env, ENOMEM, "malloc", name);
    return NULL;
  }
  *hint = (mapping_hint){.length = length, .slot = slot, .generation = generation, .mask = mask};
  napi_value buffer;
  if (napi_create_external_arraybuffer(env, data, length, finalize_mapping, hint, &buffer) != napi_ok) {
    munmap(data, length);
    free(hint);
    throw_pending_or_generic(env, "napi_create_external_arraybuffer");
    return NULL;
  }
  /*
   * Tells V8 the mapping is memory it holds, so that dropped ones get collected: for a slot,
   * though the segment holds the pages, each mapping is a kernel VMA until it is collected, and
   * without the pressure a fast stream of frames could pile them up towards vm.max_map_count.
   */
  int64_t adjusted;
  napi_adjust_external_memory(env, (int64_t)length, &adjusted);
  return buffer;
}

static napi_value shm_create(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  char name[NAME_BUFFER_BYTES];
  if (!read_args(env, info, 2, argv, name, "create(name, byteLength)")) return NULL;
  double byte_length = 0;
  if (napi_get_value_double(env, argv[1], &byte_length) != napi_ok || !(byte_length >= 1) ||
      byte_length > MAX_SAFE_INTEGER || byte_length != (double)(int64_t)byte_length) {
    napi_throw_range_error(env, "ERR_INVALID_ARG_VALUE", "byteLength must be a positive integer");
    return NULL;
  }
  size_t length = (size_t)byte_length;

  int fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, SEGMENT_MODE);
  if (fd < 0) {
    throw_errno(env, errno, "shm_open", name);
    return NULL;
  }
  if (ftruncate(fd, (off_t)length) != 0) {
    int err = errno;
    close(fd);
    shm_unlink(name);
    throw_errno(env, err, "ftruncate", name);
    return NULL;
  }
  /*
   * Reserve the pages now: on tmpfs a sparse file that cannot be filled later kills the writer
   * with SIGBUS on first touch; reserving turns a full /dev/shm into ENOSPC here instead.
   */
  int err = posix_fallocate(fd, 0, (off_t)length);
  if (err != 0) {
    close(fd);
    shm_unlink(name);
    throw_errno(env, err, "posix_fallocate", name);
    return NULL;
  }
  napi_value buffer = map_fd(env, fd, 0, length, name, false, 0, 0);
  if (buffer == NULL) {
    shm_unlink(name);
  }
  return buffer;
}

static napi_value shm_open_existing(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  char name[NAME_BUFFER_BYTES];
  if (!read_args(env, info, 1, argv, name, "open(name)")) return NULL;

  int fd = shm_open(name, O_RDWR, 0);
  if (fd < 0) {
    throw_errno(env, errno, "shm_open", name);
    return NULL;
  }
  struct stat st;
  if (fstat(fd, &st) != 0) {
    int err = errno;
    close(fd);
    throw_errno(env, err, "fstat", name);
    return NULL;
  }
  if (st.st_size <= 0) {
    /* Created but not sized yet (or emptied): there is nothing to map. */
    close(fd);
    napi_value code, message, error;
    CHECK_NAPI(env, napi_create_string_utf8(env, "ERR_SHM_EMPTY", NAPI_AUTO_LENGTH, &code));
    CHECK_NAPI(env, napi_create_string_utf8(env, "segment has size 0", NAPI_AUTO_LENGTH, &message));
    CHECK_NAPI(env, napi_create_error(env, code, message, &error));
    set_string(env, error, "syscall", "fstat");
    set_string(env, error, "segmentName", name);
    napi_throw(env, error);
    return NULL;
  }
  return map_fd(env, fd, 0, (size_t)st.st_size, name, false, 0, 0);
}

/* Reads argument `value` as an integer in [0, max]; throws a RangeError naming `what` otherwise. */
static bool read_integer(napi_env env, napi_value value, double max, const char* what, double* out) {
  if (napi_get_value_double(env, value, out) != napi_ok || !(*out >= 0) || *out > max ||
      *out != (double)(int64_t)*out) {
    napi_throw_range_error(env, "ERR_INVALID_ARG_VALUE", what);
    return false;
  }
  return true;
}

static napi_value shm_map_slot(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  char name[NAME_BUFFER_BYTES];
  if (!read_args(env, info, 5, argv, name, "mapSlot(name, offset, length, generation, mask)")) return NULL;
  double offset, length, generation, mask;
  long page = sysconf(_SC_PAGESIZE);
  if (!read_integer(env, argv[1], MAX_SAFE_INTEGER, "offset must be a whole number of bytes", &offset) ||
      !read_integer(env, argv[2], MAX_SAFE_INTEGER, "length must be a whole number of bytes", &length) ||
      !read_integer(env, argv[3], 4294967295.0, "generation must be a 32-bit unsigned integer", &generation) ||
      !read_integer(env, argv[4], 4294967295.0, "mask must be a 32-bit unsigned integer", &mask)) {
    return NULL;
  }
  if ((int64_t)offset % page != 0 || length < 8) {
    napi_throw_range_error(env, "ERR_INVALID_ARG_VALUE", "a slot starts at a page boundary and holds at least its 8-byte holder word");
    return NULL;
  }
  int fd = shm_open(name, O_RDWR, 0);
  if (fd < 0) {
    throw_errno(env, errno, "shm_open", name);
    return NULL;
  }
  return map_fd(env, fd, (off_t)offset, (size_t)length, name, true, (uint32_t)generation, (uint32_t)mask);
}

static napi_value shm_unlink_name(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  char name[NAME_BUFFER_BYTES];
  if (!read_args(env, info, 1, argv, name, "unlink(name)")) return NULL;
  if (shm_unlink(name) != 0) {
    throw_errno(env, errno, "shm_unlink", name);
    return NULL;
  }
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor properties[] = {
      {"create", NULL, shm_create, NULL, NULL, NULL, napi_enumerable, NULL},
      {"open", NULL, shm_open_existing, NULL, NULL, NULL, napi_enumerable, NULL},
      {"unlink", NULL, shm_unlink_name, NULL, NULL, NULL, napi_enumerable, NULL},
      {"mapSlot", NULL, shm_map_slot, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  CHECK_NAPI(env, napi_define_properties(env, exports, sizeof properties / sizeof properties[0], properties));
  napi_value max_name;
  CHECK_NAPI(env, napi_create_int32(env, SEGMENT_NAME_MAX_BYTES, &max_name));
  CHECK_NAPI(env, napi_set_named_property(env, exports, "nameMaxBytes", max_name));
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
