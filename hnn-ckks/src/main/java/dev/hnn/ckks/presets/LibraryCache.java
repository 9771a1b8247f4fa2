package dev.hnn.ckks.presets;

import java.io.BufferedInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import org.bytedeco.javacpp.Loader;

/**
 * Keeps JavaCPP from loading a stale extracted copy of the JNI library. JavaCPP extracts a library from the jar
 * into {@code ~/.javacpp/cache/<jar name>/} and later reuses that file when its size and modification time equal
 * the jar entry's. Our jars are reproducible: every entry carries the same fixed time, so a rebuilt library of the
 * same size (it happens) would be taken for the cached one, and the JVM would run old native code or fail to link
 * a new function. Before loading, a cached copy of that size whose bytes differ from the jar's is deleted, so
 * JavaCPP extracts the library afresh.
 */
final class LibraryCache {
  private LibraryCache() {}

  /** Best effort: any failure leaves the cache to JavaCPP's own check. */
  static void evictStale(Class<?> owner, String resource) {
    try {
      URL url = owner.getResource(resource);
      if (url == null || !"jar".equals(url.getProtocol())) return; // loaded in place, not from a cache
      JarURLConnection entry = (JarURLConnection) url.openConnection();
      entry.setUseCaches(false);
      String jarName = new File(entry.getJarFileURL().toURI()).getName();
      File cached = new File(new File(Loader.getCacheDir(), jarName), entry.getEntryName());
      if (!cached.isFile() || cached.length() != entry.getContentLengthLong()) return; // JavaCPP replaces it
      boolean same;
      try (InputStream jar = new BufferedInputStream(entry.getInputStream());
          InputStream file = new BufferedInputStream(Files.newInputStream(cached.toPath()))) {
        same = sameBytes(jar, file);
      }
      if (!same) Files.deleteIfExists(cached.toPath());
    } catch (IOException | URISyntaxException | RuntimeException e) {
      // leave it to JavaCPP
    }
  }

  private static boolean sameBytes(InputStream a, InputStream b) throws IOException {
    byte[] x = new byte[1 << 16];
    byte[] y = new byte[1 << 16];
    for (;;) {
      int n = a.readNBytes(x, 0, x.length);
      int m = b.readNBytes(y, 0, y.length);
      if (n != m || !java.util.Arrays.equals(x, 0, n, y, 0, m)) return false;
      if (n < x.length) return true;
    }
  }
}
