{
  "targets": [
    {
      "target_name": "rivulet_shm",
      "sources": ["native/shm.c"],
      "defines": ["NAPI_VERSION=8"],
      "cflags_c": ["-std=c11", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "libraries": ["-lrt"]
    }
  ]
}
