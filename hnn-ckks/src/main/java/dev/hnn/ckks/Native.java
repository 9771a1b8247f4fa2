package dev.hnn.ckks;

import dev.hnn.ckks.presets.HnnNative;
import java.lang.ref.Cleaner;
import java.util.function.Supplier;

/** Loading of the native library, the shared {@link Cleaner}, and translation of native errors. */
final class Native {
  private Native() {}

  /** One daemon thread frees native objects whose Java owners were not closed. */
  static final Cleaner CLEANER = Cleaner.create();

  private static volatile boolean loaded;

  // ---- Native memory of plaintexts and ciphertexts, so that unclosed ones get collected. The GC does not see
  // native memory: a program that drops megabyte-sized ciphertexts without closing them would grow without a
  // collection (the Cleaner runs only after one). Past a threshold, growth of a quarter of the threshold since
  // the last request (or since the lowest point after it) requests a collection.

  static final java.util.concurrent.atomic.AtomicLong LIVE_BYTES = new java.util.concurrent.atomic.AtomicLong();
  private static final java.util.concurrent.atomic.AtomicLong BASELINE = new java.util.concurrent.atomic.AtomicLong();
  static volatile long gcThreshold = Long.getLong("hnn.ckks.gcThresholdBytes", 1L << 30);

  /** Adds delta bytes to the live total; may request a GC. */
  static void track(long delta) {
    if (delta == 0) return;
    long now = LIVE_BYTES.addAndGet(delta);
    if (delta < 0) {
      BASELINE.accumulateAndGet(now, Math::min);
      return;
    }
    long threshold = gcThreshold;
    if (threshold > 0 && now > threshold && now - BASELINE.get() > threshold / 4) {
      long base = BASELINE.get();
      if (now - base > threshold / 4 && BASELINE.compareAndSet(base, now)) System.gc();
    }
  }

  /** Loads the JNI library from the jar (once); a failure says which platform was expected. */
  static void ensureLoaded() {
    if (loaded) return;
    synchronized (Native.class) {
      if (loaded) return;
      try {
        HnnNative.load();
      } catch (UnsatisfiedLinkError | NoClassDefFoundError | ExceptionInInitializerError e) {
        String os = System.getProperty("os.name") + "/" + System.getProperty("os.arch");
        UnsatisfiedLinkError u =
            new UnsatisfiedLinkError(
                "HNN's native CKKS library could not be loaded on "
                    + os
                    + " (the jar carries it for linux-x86_64; it needs the system's libcrypto.so.3 and libz.so.1): "
                    + e.getMessage());
        u.initCause(e);
        throw u;
      }
      loaded = true;
    }
  }

  /** Runs a native call, turning tagged native errors into {@link HeException}s. */
  static void run(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      throw translate(e);
    }
  }

  static <T> T get(Supplier<T> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      throw translate(e);
    }
  }

  /**
   * Maps a {@link RuntimeException} thrown by JavaCPP for a native exception ({@code "hnn:<Tag>:<message>"})
   * to its Java type; other exceptions pass through unchanged.
   */
  static RuntimeException translate(RuntimeException e) {
    if (e instanceof HeException) return e;
    String m = e.getMessage();
    if (m == null || !m.startsWith("hnn:") || e.getClass() != RuntimeException.class) return e;
    int colon = m.indexOf(':', 4);
    if (colon < 0) return new HeException(m.substring(4), e);
    String tag = m.substring(4, colon);
    String msg = m.substring(colon + 1);
    switch (tag) {
      case "InvalidParameters":
        return new InvalidParametersException(msg, e);
      case "InvalidArgument":
        return new InvalidArgumentException(msg, e);
      case "IncompatibleObjects":
        return new IncompatibleObjectsException(msg, e);
      case "DepthExhausted":
        return new DepthExhaustedException(msg, e);
      case "CorruptData":
        return new CorruptDataException(msg, e);
      case "MissingKey":
        return new MissingKeyException(msg, e);
      case "OutOfMemory":
        {
          OutOfMemoryError oom = new OutOfMemoryError("native memory exhausted: " + msg);
          oom.initCause(e);
          throw oom;
        }
      case "Internal":
        return new HeException("internal error in the native engine: " + msg, e);
      default:
        return new HeException(msg, e);
    }
  }
}
