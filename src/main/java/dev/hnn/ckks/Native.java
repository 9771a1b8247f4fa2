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
