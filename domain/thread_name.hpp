#pragma once
// Names the calling thread (at most 15 characters are kept), so `top -H`,
// `perf` and a debugger tell the HTTP, audit, log and projection threads
// apart. Best effort: a platform without thread names ignores it.
#include <pthread.h>

namespace chronicle {

inline void name_this_thread(const char* name) {
#if defined(__linux__)
  pthread_setname_np(pthread_self(), name);
#else
  (void)name;
#endif
}

}  // namespace chronicle
