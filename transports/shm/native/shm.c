/*
 * POSIX shared-memory segments for Node.js, as external ArrayBuffers.
 *
 * create(name, byteLength) -> ArrayBuffer  shm_open(O_CREAT|O_EXCL|O_RDWR, 0600), reserve, mmap
 * open(name)               -> ArrayBuffer  shm_open(O_RDWR), size from fstat, mmap
 * unlink(name)             -> undefined    shm_unlink
 * viewSlot(segmentBuffer, offset, length, generation, mask, uncounted?) -> ArrayBuffer
 *                                          a new ArrayBuffer over one slot of a mapped segment,
 *                                          for one received frame, without another mmap; when
 *                                          it is collected, clears `mask` from the slot's holder
 *                                          word if the slot is still at `generation`; an
 *                                          `uncounted` view is not counted as external memory
 *
 * A segment's ArrayBuffer is a view over a MAP_SHARED mapping, unmapped once no JavaScript
 * value references it or any slot view taken from it. The file descriptor is closed right after
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
#include <pthread.h>
#include <stdbool.h>
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
 * One mmap of a segment, shared by the ArrayBuffer that maps it whole and by every slot view
 * taken from it (viewSlot): it is unmapped when the last of them is collected, so a view a
 * program kept stays valid after the segment's own buffer is gone. Mappings are found by their
 * base address in a list guarded by a mutex (finalizers of worker threads run on their own).
 */
typedef struct mapping {
  void* base;
  size_t length;
  size_t refs;
  struct mapping* next;
} mapping;

static mapping* mappings = NULL;
static pthread_mutex_t mappings_lock = PTHREAD_MUTEX_INITIALIZER;

/* Drops one reference; unmaps and forgets the mapping with the last. */
static void unref_mapping(mapping* map) {
  pthread_mutex_lock(&mappings_lock);
  bool last = --map->refs == 0;
  if (last) {
    for (mapping** at = &mappings; *at != NULL; at = &(*at)->next) {
      if (*at == map) {
        *at = map->next;
        break;
      }
    }
  }
  pthread_mutex_unlock(&mappings_lock);
  if (last) {
    munmap(map->base, map->length);
    free(map);
  }
}

/* The mapping whose base is `base`, with one more reference; NULL when there is none. */
static mapping* ref_mapping(void* base) {
  pthread_mutex_lock(&mappings_lock);
  mapping* found = mappings;
  while (found != NULL && found->base != base) found = found->next;
  if (found != NULL) found->refs++;
  pthread_mutex_unlock(&mappings_lock);
  return found;
}

static void finalize_segment(napi_env env, void* data, void* hint) {
  unref_mapping((mapping*)hint);
}

/*
 * Maps the whole of `fd` (`length` bytes), shared, and wraps it in an external ArrayBuffer.
 * Closes `fd` in every case. Returns NULL with an exception pending on failure.
 */
static napi_value map_fd(napi_env env, int fd, size_t length, const char* name) {
  /*
   * MAP_POPULATE: the page tables are filled now, once, so frames written and read later do not
   * pay a fault per page (12 ms on a 40 MB slot's first use, measured here).
   */
  void* data = mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, 0);
  int err = errno;
  close(fd);
  if (data == MAP_FAILED) {
    throw_errno(env, err, "mmap", name);
    return NULL;
  }
  mapping* map = malloc(sizeof *map);
  if (map == NULL) {
    munmap(data, length);
    throw_errno(env, ENOMEM, "malloc", name);
    return NULL;
  }
  *map = (mapping){.base = data, .length = length, .refs = 1, .next = NULL};
  napi_value buffer;
  if (napi_create_external_arraybuffer(env, data, length, finalize_segment, map, &buffer) != napi_ok) {
    munmap(data, length);
    free(map);
    throw_pending_or_generic(env, "napi_create_external_arraybuffer");
    return NULL;
  }
  pthread_mutex_lock(&mappings_lock);
  map->next = mappings;
  mappings = map;
  pthread_mutex_unlock(&mappings_lock);
  return buffer;
}

/*
 * What the finalizer of a slot view needs: when the view's ArrayBuffer is collected no view of
 * the frame is left (every view of it derives from that buffer), so the subscriber's `mask`
 * bits are cleared from the slot's holder word, its first 8 bytes, if the slot is still at
 * `generation` (a slot given back earlier and reused since keeps the bits of its new frame).
 */
typedef struct {
  mapping* map;
  uint64_t* word;
  size_t length;
  uint32_t generation;
  uint32_t mask;
} slot_view;

static void finalize_slot_view(napi_env env, void* data, void* hint) {
  slot_view* view = (slot_view*)hint;
  uint64_t old = __atomic_load_n(view->word, __ATOMIC_SEQ_CST);
  while ((uint32_t)(old >> 32) == view->generation && (old & view->mask) != 0) {
    uint64_t cleared = old & ~(uint64_t)view->mask;
    if (__atomic_compare_exchange_n(view->word, &old, cleared, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) break;
  }
  unref_mapping(view->map);
  free(view);
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
  napi_value buffer = map_fd(env, fd, length, name);
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
  return map_fd(env, fd, (size_t)st.st_size, name);
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

static napi_value shm_view_slot(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) {
    throw_pending_or_generic(env, "napi_get_cb_info");
    return NULL;
  }
  bool is_buffer = false;
  if (argc < 5 || napi_is_arraybuffer(env, argv[0], &is_buffer) != napi_ok || !is_buffer) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "viewSlot(segmentBuffer, offset, length, generation, mask, uncounted?) needs a segment's ArrayBuffer");
    return NULL;
  }
  double offset, length, generation, mask;
  if (!read_integer(env, argv[1], MAX_SAFE_INTEGER, "offset must be a whole number of bytes", &offset) ||
      !read_integer(env, argv[2], MAX_SAFE_INTEGER, "length must be a whole number of bytes", &length) ||
      !read_integer(env, argv[3], 4294967295.0, "generation must be a 32-bit unsigned integer", &generation) ||
      !read_integer(env, argv[4], 4294967295.0, "mask must be a 32-bit unsigned integer", &mask)) {
    return NULL;
  }
  bool uncounted = false;
  if (argc >= 6 && napi_get_value_bool(env, argv[5], &uncounted) != napi_ok) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "uncounted must be a boolean");
    return NULL;
  }
  void* base = NULL;
  size_t segment_length = 0;
  CHECK_NAPI(env, napi_get_arraybuffer_info(env, argv[0], &base, &segment_length));
  if ((uint64_t)offset % 8 != 0 || length < 8 || offset + length > (double)segment_length) {
    napi_throw_range_error(env, "ERR_INVALID_ARG_VALUE", "a slot starts at a multiple of 8 bytes, holds at least its 8-byte holder word and lies inside the segment");
    return NULL;
  }
  mapping* map = ref_mapping(base);
  if (map == NULL) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_VALUE", "viewSlot needs the ArrayBuffer of a segment this addon mapped (create or open)");
    return NULL;
  }
  slot_view* view = malloc(sizeof *view);
  if (view == NULL) {
    unref_mapping(map);
    throw_errno(env, ENOMEM, "malloc", "slot view");
    return NULL;
  }
  uint8_t* data = (uint8_t*)base + (size_t)offset;
  *view = (slot_view){.map = map, .word = (uint64_t*)data, .length = (size_t)length, .generation = (uint32_t)generation, .mask = (uint32_t)mask};
  /*
   * V8 counts the view's length as external memory, as if it had been allocated, and collects
   * garbage whenever the count grows past a limit (some 64 MB over its lowest point since the
   * last major collection): a major collection every 16 frames of 4 MB, every frame or two of
   * 40 MB, each 1-2 ms. That pressure is what gives back the slots of frames a program read and
   * dropped without release(), and only those need it. For an `uncounted` view (the caller knows
   * its frames are being released) the length is taken off the count first, so V8's own
   * addition leaves it where it was. It is not given back when V8 subtracts the length again at
   * collection: doing so from the finalizer (inside a collection) or later (as one large
   * increase) both start collections at once. The count then runs below the truth by the
   * lengths of collected views, which only lowers the point its limit is measured from: memory
   * allocated afterwards is counted as before. A view allocates nothing either way: the
   * segment's mapping is counted once, by its own buffer.
   */
  int64_t counted = 0;
  if (uncounted) napi_adjust_external_memory(env, -(int64_t)length, &counted);
  napi_value buffer;
  if (napi_create_external_arraybuffer(env, data, (size_t)length, finalize_slot_view, view, &buffer) != napi_ok) {
    if (uncounted) napi_adjust_external_memory(env, (int64_t)length, &counted);
    unref_mapping(map);
    free(view);
    throw_pending_or_generic(env, "napi_create_external_arraybuffer");
    return NULL;
  }
  return buffer;
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
      {"viewSlot", NULL, shm_view_slot, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  CHECK_NAPI(env, napi_define_properties(env, exports, sizeof properties / sizeof properties[0], properties));
  napi_value max_name;
  CHECK_NAPI(env, napi_create_int32(env, SEGMENT_NAME_MAX_BYTES, &max_name));
  CHECK_NAPI(env, napi_set_named_property(env, exports, "nameMaxBytes", max_name));
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
