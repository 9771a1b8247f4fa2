package dev.hnn.service;

/** Bytes held by streamed requests, all clients together, within a fixed budget (the service's memory bound). */
final class ByteBudget {
  private final long limit;
  private long used;

  ByteBudget(long limit) {
    this.limit = limit;
  }

  /** Reserves {@code n} bytes or throws RESOURCE_EXHAUSTED. */
  synchronized void reserve(long n) {
    if (n > limit - used)
      throw ServiceException.exhausted("the server holds " + used + " of its " + limit + " in-flight request bytes; "
          + "retry later");
    used += n;
  }

  synchronized void release(long n) {
    used -= n;
  }

  synchronized long used() {
    return used;
  }
}
