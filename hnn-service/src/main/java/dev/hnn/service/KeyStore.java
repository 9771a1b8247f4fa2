package dev.hnn.service;

import dev.hnn.ckks.CkksContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Registered public key sets on disk, one folder per key id: {@code <id>/public.keys} (the serialized public context,
 * as uploaded) and {@code <id>/spec} (the spec id it was registered for). The key id is the SHA-256 of the uploaded
 * bytes, so it is derived from the keys and two different key sets never share one. Uploads stream to a temporary
 * file (sizes checked as chunks arrive, against the size declared up front and the quota), are validated in full
 * (parsed by the engine, no secret key, the spec's parameters and rotations) and only then moved into place, so a
 * registered key set survives restarts and a failed upload leaves nothing. Thread-safe.
 */
final class KeyStore {
  static final String KEYS = "public.keys";
  static final String SPEC = "spec";
  private static final Pattern KEY_ID = Pattern.compile("[0-9a-f]{64}");

  /** Checks that a loaded public context can serve a spec id (throws IllegalArgumentException if not). */
  interface Validator {
    void check(String specId, CkksContext keys);
  }

  /** A registered key set. */
  record Stored(String keyId, String specId, Path file, long bytes) {}

  record Registration(String keyId, long bytes, boolean alreadyRegistered) {}

  private final Path dir;
  private final Path incoming;
  private final ServiceLimits limits;
  private final Validator validator;
  private int reserved; // uploads in progress, counted against maxKeySets

  KeyStore(Path dir, ServiceLimits limits, Validator validator) throws IOException {
    this.dir = dir.toAbsolutePath();
    this.limits = limits;
    this.validator = validator;
    this.incoming = this.dir.resolve(".incoming");
    Files.createDirectories(incoming);
    ownerOnly(this.dir);
    // Half-written uploads of an earlier run: nothing refers to them.
    try (Stream<Path> s = Files.list(incoming)) {
      for (Path p : (Iterable<Path>) s::iterator) Files.deleteIfExists(p);
    }
  }

  private static void ownerOnly(Path p) {
    try {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
    } catch (UnsupportedOperationException | IOException ignored) {
      // not a POSIX file system: its own permissions apply
    }
  }

  /** The key id of a serialized public context: the SHA-256 of its bytes, in lowercase hex. */
  static String keyIdOf(byte[] publicContext) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(publicContext));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static boolean isKeyId(String s) {
    return s != null && KEY_ID.matcher(s).matches();
  }

  /** The stored key set with this id, if any (a malformed id is simply not found). */
  Optional<Stored> find(String keyId) {
    if (!isKeyId(keyId)) return Optional.empty();
    Path d = dir.resolve(keyId);
    Path keys = d.resolve(KEYS);
    try {
      if (!Files.isRegularFile(keys)) return Optional.empty();
      String spec = Files.readString(d.resolve(SPEC)).trim();
      return Optional.of(new Stored(keyId, spec, keys, Files.size(keys)));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Number of registered key sets. */
  int count() {
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, p -> isKeyId(p.getFileName().toString()))) {
      int n = 0;
      for (Path ignored : s) n++;
      return n;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Removes a key set; false if there was none. */
  synchronized boolean remove(String keyId) throws IOException {
    if (!isKeyId(keyId)) return false;
    Path d = dir.resolve(keyId);
    if (!Files.isDirectory(d)) return false;
    Files.deleteIfExists(d.resolve(KEYS));
    Files.deleteIfExists(d.resolve(SPEC));
    Files.deleteIfExists(d);
    return true;
  }

  /**
   * Starts an upload of {@code totalBytes} for {@code specId}: refused now if the size exceeds the per-key quota or
   * the store is full.
   */
  synchronized Upload begin(String specId, long totalBytes) throws IOException {
    if (totalBytes <= 0) throw ServiceException.invalid("the first key chunk must declare the total size");
    if (totalBytes > limits.maxKeyBytes())
      throw ServiceException.exhausted("key set of " + totalBytes + " bytes exceeds this server's limit of "
          + limits.maxKeyBytes());
    if (count() + reserved >= limits.maxKeySets())
      throw ServiceException.exhausted("this server holds its maximum of " + limits.maxKeySets()
          + " key sets; remove one first");
    reserved++;
    try {
      return new Upload(specId, totalBytes);
    } catch (IOException | RuntimeException e) {
      reserved--;
      throw e;
    }
  }

  private synchronized void release() {
    reserved--;
  }

  /** One key upload in progress. Not thread-safe (one gRPC stream feeds it). */
  final class Upload {
    private final String specId;
    private final long total;
    private final Path temp;
    private final OutputStream out;
    private final MessageDigest sha;
    private long written;
    private boolean done;

    private Upload(String specId, long total) throws IOException {
      this.specId = specId;
      this.total = total;
      this.temp = incoming.resolve(UUID.randomUUID() + ".part");
      this.out = Files.newOutputStream(temp);
      try {
        this.sha = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }

    void write(byte[] data) throws IOException {
      if (written + data.length > total)
        throw ServiceException.invalid("more key bytes than the " + total + " declared");
      out.write(data);
      sha.update(data);
      written += data.length;
    }

    /** Validates the whole upload and stores it. */
    Registration finish() throws IOException {
      try {
        out.close();
        if (written != total)
          throw ServiceException.invalid("key upload ended after " + written + " of the " + total
              + " bytes declared");
        String keyId = HexFormat.of().formatHex(sha.digest());
        // The same bytes as a stored key set were validated when that one was stored.
        if (find(keyId).isPresent()) return new Registration(keyId, total, true);
        try (InputStream in = Files.newInputStream(temp); CkksContext ctx = CkksContext.load(in)) {
          if (ctx.hasSecretKey())
            throw ServiceException.invalid("the uploaded context holds a secret key: send the public context only "
                + "(the key was not stored)");
          validator.check(specId, ctx);
        } catch (dev.hnn.ckks.HeException | IllegalArgumentException e) {
          throw ServiceException.invalid("the uploaded keys are not valid for spec " + specId + ": "
              + e.getMessage());
        }
        synchronized (KeyStore.this) {
          Path d = dir.resolve(keyId);
          if (Files.isRegularFile(d.resolve(KEYS))) return new Registration(keyId, total, true);
          Files.createDirectories(d);
          ownerOnly(d);
          Files.writeString(d.resolve(SPEC), specId);
          try {
            Files.move(temp, d.resolve(KEYS), StandardCopyOption.ATOMIC_MOVE);
          } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, d.resolve(KEYS));
          }
          return new Registration(keyId, total, false);
        }
      } finally {
        abort();
      }
    }

    /** Drops the upload (idempotent). */
    void abort() {
      if (done) return;
      done = true;
      try {
        out.close();
      } catch (IOException ignored) {
        // the temporary file goes anyway
      }
      try {
        Files.deleteIfExists(temp);
      } catch (IOException ignored) {
        // cleaned at the next start
      }
      release();
    }
  }
}
