package dev.hnn.ckks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import dev.hnn.ckks.sealjni.SealAvailability;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * 100,000 encrypt / multiply / close cycles keep the process's resident memory (VmRSS) bounded. Each cycle
 * allocates about 40 KB of native memory in its ciphertexts alone (N = 1024, one data prime; insecure toy
 * parameters for speed), so a leak would show as gigabytes. A second phase never closes anything: the Cleaner frees
 * the objects after collections that the library requests itself once unclosed native memory passes its
 * threshold (set to 16 MB here; see {@link NativeEngine#setGcThresholdBytes}).
 *
 * <p>Both backends run it: SEAL's objects are owned by the same handles, so a missing delete in its binding
 * would show the same way (skipped, with how to enable it, when the SEAL binding is not built).
 *
 * <p>The cycles run in a child JVM with a small heap, so that the RSS it reports is not blurred by the Java heap
 * of the other tests sharing Surefire's JVM.
 */
class LeakTest {
  static final int CYCLES = 100_000;
  /**
   * SEAL's public-key encryption costs several times the engine's, so its run is shorter; a leak of even one
   * ciphertext per cycle would still add about 400 MB.
   */
  static final int SEAL_CYCLES = 25_000;
  static final long BOUND_MB = 48;

  @ParameterizedTest
  @EnumSource(Backend.class)
  void encryptMultiplyCloseStaysBounded(Backend backend) throws Exception {
    Assumptions.assumeTrue(backend.isAvailable(), SealAvailability.HOW_TO_ENABLE);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(
                java, "-Xmx64m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                LeakTest.class.getName(), backend.name(), Integer.toString(cycles(backend)))
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), "leak run timed out");
    System.out.print(out);
    assertEquals(0, p.exitValue(), out);
    Map<String, Long> mb = new HashMap<>();
    for (String line : out.lines().toList()) {
      String[] kv = line.split("=");
      if (kv.length == 2 && kv[1].matches("[0-9]+")) mb.put(kv[0].trim(), Long.parseLong(kv[1]) >> 20);
    }
    int cycles = cycles(backend);
    assertTrue(out.contains("cycles=" + cycles), out);
    long grew = mb.get("rss_after") - mb.get("rss_before");
    long grewLate = mb.get("rss_after") - mb.get("rss_half");
    long grewUnclosed = mb.get("rss_unclosed_after") - mb.get("rss_after");
    assertTrue(grew < BOUND_MB, "RSS grew by " + grew + " MB over " + cycles + " cycles");
    assertTrue(grewLate < BOUND_MB / 2, "RSS grew by " + grewLate + " MB over the second half");
    assertTrue(grewUnclosed < 2 * BOUND_MB, "RSS grew by " + grewUnclosed + " MB with the Cleaner freeing");
    assertTrue(mb.get("max_live_native") < 64, "unclosed native memory reached " + mb.get("max_live_native") + " MB");
  }

  static int cycles(Backend backend) {
    return backend == Backend.SEAL ? SEAL_CYCLES : CYCLES;
  }

  static long rssBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("no VmRSS in /proc/self/status");
  }

  /** The child: prints "key=bytes" lines; args: the backend's name, the number of cycles. */
  public static void main(String[] args) {
    Backend backend = Backend.valueOf(args[0]);
    int cycles = Integer.parseInt(args[1]);
    NativeEngine.setThreadCount(1); // tiny N: the pool's hand-offs would dominate
    CkksParameters params =
        CkksParameters.builder().polyDegree(1024).coeffModulusBits(45, 45).scaleBits(20).insecureForTesting().build();
    try (CkksContext ctx = CkksContext.builder(params).backend(backend).build()) {
      Encryptor enc = ctx.encryptor();
      Evaluator ev = ctx.evaluator();
      double[] x = {0.5, -0.25, 0.125};
      Runnable cycle =
          () -> {
            try (Ciphertext a = enc.encrypt(x); Ciphertext m = ev.multiply(a, a)) {
              if (m.size() != 3) throw new AssertionError("unexpected size");
            }
          };
      for (int i = 0; i < 5_000; i++) cycle.run(); // warm-up: JIT, allocator, caches
      System.gc();
      long before = rssBytes();
      long half = 0;
      long start = System.nanoTime();
      for (int i = 0; i < cycles; i++) {
        cycle.run();
        if (i == cycles / 2) half = rssBytes();
      }
      long after = rssBytes();
      System.out.printf("seconds=%d%n", Math.round((System.nanoTime() - start) / 1e9));
      System.out.println("cycles=" + cycles);
      System.out.println("rss_before=" + before);
      System.out.println("rss_half=" + half);
      System.out.println("rss_after=" + after);
      NativeEngine.setGcThresholdBytes(16L << 20);
      long maxLive = 0;
      int unclosed = cycles / 5; // 20,000 on the engine: 800 MB of ciphertexts left to the Cleaner
      for (int i = 0; i < unclosed; i++) {
        Ciphertext a = enc.encrypt(x);
        ev.multiply(a, a);
        maxLive = Math.max(maxLive, NativeEngine.liveNativeBytes());
      }
      System.out.println("rss_unclosed_after=" + rssBytes());
      System.out.println("max_live_native=" + maxLive);
    }
  }
}
