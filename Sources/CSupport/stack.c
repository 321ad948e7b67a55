#define _GNU_SOURCE
#include <pthread.h>
#include "CSupport.h"

int mmush_stack_bounds(void **low, size_t *size) {
  pthread_attr_t attr;
  if (pthread_getattr_np(pthread_self(), &attr) != 0) return -1;
  int rc = pthread_attr_getstack(&attr, low, size);
  pthread_attr_destroy(&attr);
  return rc;
}
