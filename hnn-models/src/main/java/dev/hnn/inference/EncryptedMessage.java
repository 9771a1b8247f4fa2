package dev.hnn.inference;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What crosses between client and server: a request (encrypted features) or a response (encrypted
 * probabilities). Header: magic, version, direction, the service spec id and key id it was made for, the
 * layout and the number of sentences; then the engine-serialized ciphertexts, each length-prefixed. The
 * ciphertext bytes are validated when loaded into a context ({@link dev.hnn.ckks.Ciphertext#load}); this class
 * validates the framing, so a truncated, foreign or oversized message fails with a clear error before any
 * native code sees it.
 */
public final class EncryptedMessage {
  private static final int MAGIC = 0x484e4e4d; // "HNNM"
  private static final int VERSION = 1;
  private static final int MAX_ID_CHARS = 64;

  /** Request (client to server) or response (server to client). */
  public enum Direction {
    REQUEST,
    RESPONSE
  }

  /** SINGLE: one sentence replicated over the slots (latency); BATCH: one sentence per slot (throughput). */
  public enum Layout {
    SINGLE,
    BATCH
  }

  private final Direction direction;
  private final String specId;
  private final String keyId;
  private final Layout layout;
  private final int count;
  private final List<byte[]> ciphertexts;

  public EncryptedMessage(Direction direction, String specId, String keyId, Layout layout, int count,
      List<byte[]> ciphertexts) {
    this.direction = Objects.requireNonNull(direction, "direction");
    this.specId = checkId(specId, "spec id");
    this.keyId = checkId(keyId, "key id");
    this.layout = Objects.requireNonNull(layout, "layout");
    if (count < 1) throw new IllegalArgumentException("a message carries at least one sentence, got " + count);
    this.count = count;
    this.ciphertexts = List.copyOf(ciphertexts);
    if (this.ciphertexts.isEmpty()) throw new IllegalArgumentException("a message carries at least one ciphertext");
  }

  private static String checkId(String id, String what) {
    Objects.requireNonNull(id, what);
    if (id.isEmpty() || id.length() > MAX_ID_CHARS || !id.chars().allMatch(ch -> Character.isLetterOrDigit(ch)))
      throw new IllegalArgumentException("invalid " + what);
    return id;
  }

  public Direction direction() {
    return direction;
  }

  public String specId() {
    return specId;
  }

  public String keyId() {
    return keyId;
  }

  public Layout layout() {
    return layout;
  }

  public int count() {
    return count;
  }

  public List<byte[]> ciphertexts() {
    return ciphertexts;
  }

  /** Total size on the wire. */
  public long byteSize() {
    long s = 4 + 4 + 1 + 2 + specId.length() + 2 + keyId.length() + 1 + 4 + 4;
    for (byte[] c : ciphertexts) s += 4 + c.length;
    return s;
  }

  public void writeTo(OutputStream out) throws IOException {
    DataOutputStream d = new DataOutputStream(out);
    d.write(header());
    for (byte[] c : ciphertexts) {
      d.writeInt(c.length);
      d.write(c);
    }
    d.flush();
  }

  /**
   * The message in one array of exactly its size: the ciphertexts are copied once (through a
   * ByteArrayOutputStream they were copied twice, into its buffer and out of it: ~2 ms of a 2 MB request).
   */
  public byte[] toBytes() {
    byte[] header = header();
    long size = header.length;
    for (byte[] c : ciphertexts) size += 4 + c.length;
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException("message of " + size + " bytes does not fit one array: use writeTo(OutputStream)");
    }
    ByteBuffer b = ByteBuffer.wrap(new byte[(int) size]);  // big-endian, as DataOutputStream writes
    b.put(header);
    for (byte[] c : ciphertexts) b.putInt(c.length).put(c);
    return b.array();
  }

  /** Everything before the ciphertexts: magic, version, direction, ids, layout, count, ciphertext count. */
  private byte[] header() {
    ByteArrayOutputStream bo = new ByteArrayOutputStream(128);
    try (DataOutputStream d = new DataOutputStream(bo)) {
      d.writeInt(MAGIC);
      d.writeInt(VERSION);
      d.writeByte(direction.ordinal());
      d.writeUTF(specId);
      d.writeUTF(keyId);
      d.writeByte(layout.ordinal());
      d.writeInt(count);
      d.writeInt(ciphertexts.size());
    } catch (IOException e) {
      throw new UncheckedIOException(e);  // a ByteArrayOutputStream does not fail
    }
    return bo.toByteArray();
  }

  /**
   * Reads one message, expecting {@code expected} and at most {@code maxCiphertexts} ciphertexts of at most
   * {@code maxCiphertextBytes} each (the reader knows both from its spec, so a hostile length cannot make it
   * allocate more). Errors: {@link IllegalArgumentException} with what is wrong.
   */
  public static EncryptedMessage read(InputStream in, Direction expected, int maxCiphertexts, long maxCiphertextBytes)
      throws IOException {
    DataInputStream d = new DataInputStream(in);
    try {
      if (d.readInt() != MAGIC) throw new IllegalArgumentException("not an hnn encrypted message (bad magic)");
      int version = d.readInt();
      if (version != VERSION)
        throw new IllegalArgumentException("unsupported message version " + version + " (this build reads " + VERSION + ")");
      int dir = d.readUnsignedByte();
      if (dir >= Direction.values().length) throw new IllegalArgumentException("corrupt message: bad direction");
      Direction direction = Direction.values()[dir];
      if (direction != expected)
        throw new IllegalArgumentException("expected an encrypted " + expected.name().toLowerCase() + ", got a "
            + direction.name().toLowerCase());
      String spec = d.readUTF();
      String key = d.readUTF();
      int lay = d.readUnsignedByte();
      if (lay >= Layout.values().length) throw new IllegalArgumentException("corrupt message: bad layout");
      int count = d.readInt();
      int n = d.readInt();
      if (n < 1 || n > maxCiphertexts)
        throw new IllegalArgumentException("message holds " + n + " ciphertexts; expected 1 to " + maxCiphertexts);
      List<byte[]> cts = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        int len = d.readInt();
        if (len < 1 || len > maxCiphertextBytes)
          throw new IllegalArgumentException("ciphertext " + i + " claims " + len + " bytes; at most "
              + maxCiphertextBytes + " are possible with these parameters");
        byte[] b = new byte[len];
        d.readFully(b);
        cts.add(b);
      }
      return new EncryptedMessage(direction, spec, key, Layout.values()[lay], count, cts);
    } catch (EOFException e) {
      throw new IllegalArgumentException("truncated encrypted message");
    } catch (java.io.UTFDataFormatException e) {
      throw new IllegalArgumentException("corrupt message: a spec or key id is not valid modified UTF-8");
    }
  }

  public static EncryptedMessage fromBytes(byte[] bytes, Direction expected, int maxCiphertexts,
      long maxCiphertextBytes) {
    try {
      java.io.ByteArrayInputStream in = new java.io.ByteArrayInputStream(bytes);
      EncryptedMessage m = read(in, expected, maxCiphertexts, maxCiphertextBytes);
      if (in.available() != 0) throw new IllegalArgumentException("trailing bytes after the encrypted message");
      return m;
    } catch (IOException e) {
      // A byte array does not fail to read: whatever the stream reader reports is the bytes' fault.
      throw new IllegalArgumentException("corrupt encrypted message (" + e.getClass().getSimpleName() + ")");
    }
  }
}
