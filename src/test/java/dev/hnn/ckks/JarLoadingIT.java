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
    String javacpp = new File(Loader.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getPath();
    Path dir = Files.createTempDirectory("hnn-jar-test");
    Path home = Files.createDirectories(dir.resolve("home"));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb =
        new ProcessBuilder(
                java,
                "-Duser.home=" + home, // an empty home: nothing cached from earlier runs
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
    try (Stream<Path> files = Files.walk(home)) {
      assertTrue(
          files.anyMatch(f -> f.getFileName().toString().equals("libjniHnnNative.so")),
          "the library was not extracted into the JavaCPP cache under the empty home");
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }
}
