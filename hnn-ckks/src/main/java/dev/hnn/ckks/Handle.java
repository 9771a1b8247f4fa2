package dev.hnn.ckks;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import org.bytedeco.javacpp.Pointer;

/**
 * One native object: its JavaCPP peer, how to free it, and a read-write lock that makes every use memory-safe.
 * Calls that only read the object hold the read lock, calls that modify it hold the write lock, and freeing
 * takes the write lock, so an object is never freed or modified while native code reads it, whatever threads
 * do. Several Java owners may share a handle ({@link #retain()}); the last {@link #release()} frees it.
 */
final class Handle<P extends Pointer> {
  private static final AtomicLong IDS = new AtomicLong();

  /** Global lock order (see {@link Guard}). */
  final long id = IDS.getAndIncrement();

  final String kind;
  final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final AtomicInteger owners = new AtomicInteger(1);
  private final Consumer<P> deleter;
  private P peer; // guarded by lock; null once freed
  private long bytes; // native bytes accounted for (plaintexts and ciphertexts), guarded by the write lock

  Handle(String kind, P peer, Consumer<P> deleter) {
    if (peer == null || peer.isNull()) throw new HeException("native allocation of a " + kind + " failed");
    this.kind = kind;
    this.peer = peer;
    this.deleter = deleter;
  }

  /** The peer; callers hold this handle's lock (via {@link Guard}). */
  P peer() {
    P p = peer;
    if (p == null) throw new IllegalStateException(kind + " is closed");
    return p;
  }

  boolean isFreed() {
    return peer == null;
  }

  /** Records the native size of the object (caller holds the write lock, or the object is not shared yet). */
  void account(long newBytes) {
    long delta = newBytes - bytes;
    bytes = newBytes;
    Native.track(delta);
  }

  /** Adds an owner. */
  Handle<P> retain() {
    for (; ; ) {
      int n = owners.get();
      if (n <= 0) throw new IllegalStateException(kind + " is closed");
      if (owners.compareAndSet(n, n + 1)) return this;
    }
  }

  /** Drops an owner; the last one frees the native object (waiting for calls in flight). */
  void release() {
    if (owners.decrementAndGet() != 0) return;
    lock.writeLock().lock();
    try {
      P p = peer;
      peer = null;
      if (p != null) {
        deleter.accept(p);
        Native.track(-bytes);
        bytes = 0;
      }
    } finally {
      lock.writeLock().unlock();
    }
  }
}
