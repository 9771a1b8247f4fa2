package dev.hnn.ckks;

import dev.hnn.ckks.presets.HnnNative;

/** Process-wide settings of the native engine. */
public final class NativeEngine {
  private NativeEngine() {}

  /** Loads the native library now (it is otherwise loaded on first use). */
  public static void load() {
    Native.ensureLoaded();
  }

  /** Native bytes held by open plaintexts and ciphertexts (keys not counted). */
  public static long liveNativeBytes() {
    return Native.LIVE_BYTES.get();
  }

  /**
   * Unclosed plaintexts and ciphertexts are freed by a {@link java.lang.ref.Cleaner} after the GC finds them
   * unreachable, but the GC does not see their native memory. Once the native bytes of open objects exceed this
   * threshold, every further growth by a quarter of it requests a collection ({@code System.gc()}). Default
   * 1 GiB (system property {@code hnn.ckks.gcThresholdBytes}); 0 turns it off. Close objects to avoid it.
   */
  public static void setGcThresholdBytes(long bytes) {
    if (bytes < 0) throw new IllegalArgumentException("threshold must be >= 0, got " + bytes);
    Native.gcThreshold = bytes;
  }

  public static long gcThresholdBytes() {
    return Native.gcThreshold;
  }

  /**
   * The vector kernels the engine runs on this CPU: {@code portable}, {@code avx2}, {@code avx512} or
   * {@code avx512-ifma}, chosen at load time from the CPU's features; the environment variable
   * {@code HNN_SIMD=portable|avx2|avx512|ifma} caps it. Every level computes the same bits; only speed differs.
   */
  public static String simdLevel() {
    Native.ensureLoaded();
    return HnnNative.simd_level();
  }

  /** Threads the engine uses inside one operation (default: the machine's hardware concurrency). */
  public static int threadCount() {
    Native.ensureLoaded();
    return (int) HnnNative.get_thread_count();
  }

  /**
   * Sets the threads the engine uses inside one operation (1 = single-threaded; 0 restores the default).
   * Results are bit-identical whatever the count. Call it before starting concurrent work: the engine's pool is
   * rebuilt when the count changes.
   */
  public static void setThreadCount(int threads) {
    if (threads < 0 || threads > 1024)
      throw new IllegalArgumentException("thread count must be in [0, 1024], got " + threads);
    Native.ensureLoaded();
    HnnNative.set_thread_count(threads);
  }
}
