package dev.hnn.ckks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.nio.file.attribute.FileTime;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.bytedeco.javacpp.Loader;
import org.junit.jupiter.api.Test;

/**
 * After packaging: the jar carries the JNI library, and a fresh JVM in an empty directory, with an empty home
 * directory (no JavaCPP cache) and no library path, loads it from the jar and computes correctly.
 */
class JarLoadingIT {
  @Test
  void jarBundlesAndLoadsTheNativeLibrary() throws Exception {
    String jarPath = System.getProperty("hnn.jar");
    assertTrue(jarPath != null && new File(jarPath).isFile(), "built jar not found: " + jarPath);
    try (JarFile jar = new JarFile(jarPath)) {
      assertTrue(
          jar.getEntry("dev/hnn/ckks/presets/linux-x86_64/libjniHnnNative.so") != null,
          "the jar does not carry the JNI library");
    }
    Path dir = Files.createTempDirectory("hnn-jar-test");
    Path home = Files.createDirectories(dir.resolve("home"));
    String out = selfCheck(jarPath, dir, home); // an empty home: nothing cached from earlier runs
    assertTrue(out.matches("(?s).*\\nsimd: (portable|avx2|avx512|avx512-ifma)\\R.*"),
        "SelfCheck did not name the engine's SIMD level: " + out);
    try (Stream<Path> files = Files.walk(home)) {
      assertTrue(
          files.anyMatch(f -> f.getFileName().toString().equals("libjniHnnNative.so")),
          "the library was not extracted into the JavaCPP cache under the empty home");
    }
    deleteTree(dir);
  }

  /** The engine's jar is the engine and its Java API alone: no model, weights, tokenizer or model code. */
  @Test
  void theEngineJarCarriesNoModelOrTokenizer() throws Exception {
    String jarPath = System.getProperty("hnn.jar");
    assertTrue(jarPath != null && new File(jarPath).isFile(), "built jar not found: " + jarPath);
    try (JarFile jar = new JarFile(jarPath)) {
      java.util.List<String> foreign = jar.stream().map(JarEntry::getName)
          .filter(n -> !n.endsWith("/") && !n.startsWith("META-INF/")
              && !n.matches("dev/hnn/(ckks|circuit|refresh|protocol)/.*"))
          .toList();
      assertTrue(foreign.isEmpty(), "the engine jar carries " + foreign);
      assertTrue(jar.stream().noneMatch(e -> e.getName().matches(".*(\\.onnx|\\.delta|tokenizer.*)$")));
    }
  }

  /**
   * A cached copy that JavaCPP's own check would take for the jar's library (same size, same time: every entry
   * of our reproducible jar has the same time) but with other bytes, as after a rebuild that kept the library's
   * size: the engine still loads the jar's library.
   */
  @Test
  void aStaleCachedLibraryOfTheSameSizeIsReplaced() throws Exception {
    String jarPath = System.getProperty("hnn.jar");
    assertTrue(jarPath != null && new File(jarPath).isFile(), "built jar not found: " + jarPath);
    String entryName = "dev/hnn/ckks/presets/linux-x86_64/libjniHnnNative.so";
    Path dir = Files.createTempDirectory("hnn-jar-test");
    Path home = Files.createDirectories(dir.resolve("home"));
    Path cached = home.resolve(".javacpp/cache").resolve(new File(jarPath).getName()).resolve(entryName);
    Files.createDirectories(cached.getParent());
    try (JarFile jar = new JarFile(jarPath)) {
      JarEntry entry = jar.getJarEntry(entryName);
      byte[] stale = new byte[(int) entry.getSize()];
      java.util.Arrays.fill(stale, (byte) 0x5a);
      Files.write(cached, stale);
      Files.setLastModifiedTime(cached, FileTime.fromMillis(entry.getTime()));
    }
    selfCheck(jarPath, dir, home);
    deleteTree(dir);
  }

  /** Runs SelfCheck from the jar in a fresh JVM with the given home; asserts it printed ok, returns its output. */
  private static String selfCheck(String jarPath, Path dir, Path home) throws Exception {
    String javacpp = new File(Loader.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getPath();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb =
        new ProcessBuilder(
                java,
                "-Duser.home=" + home,
                "-cp",
                jarPath + File.pathSeparator + javacpp,
                "dev.hnn.ckks.SelfCheck")
            .directory(dir.toFile())
            .redirectErrorStream(true);
    pb.environment().remove("LD_LIBRARY_PATH");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(3, TimeUnit.MINUTES), "SelfCheck timed out");
    System.out.println(out);
    assertEquals(0, p.exitValue(), out);
    List<String> lines = out.lines().toList();
    assertEquals("ok", lines.get(lines.size() - 1), out);
    return out;
  }

  private static void deleteTree(Path dir) throws Exception {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }
}
