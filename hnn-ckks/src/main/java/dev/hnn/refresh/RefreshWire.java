package dev.hnn.refresh;

import dev.hnn.ckks.CorruptDataException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The refresh request's header (element 0 of the request; elements 1 ... count are engine-serialized masked
 * ciphertexts): magic "HNRF", version, the key set's id (the client refuses ciphertexts of other keys instead of
 * answering with garbage), the level to re-encrypt at, the ciphertext count. The response is the count
 * re-encrypted ciphertexts, in order, with no header.
 */
final class RefreshWire {
  static final int MAGIC = 0x484e5246; // "HNRF"
  static final int VERSION = 1;
  /** Most ciphertexts per request: bounds what a responder accepts before looking at them. */
  static final int MAX_COUNT = 1 << 16;

  private RefreshWire() {}

  record Header(String keyId, int targetLevel, int count) {}

  static byte[] header(String keyId, int targetLevel, int count) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(MAGIC);
      out.writeInt(VERSION);
      out.writeUTF(keyId);
      out.writeInt(targetLevel);
      out.writeInt(count);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static Header readHeader(byte[] bytes) {
    if (bytes == null) throw new CorruptDataException("refresh request: the header is missing");
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      if (in.readInt() != MAGIC) throw new CorruptDataException("refresh request: not a refresh header (bad magic)");
      int version = in.readInt();
      if (version != VERSION)
        throw new CorruptDataException(
            "refresh request: header version " + version + ", this side speaks version " + VERSION);
      String keyId = in.readUTF();
      int level = in.readInt();
      int count = in.readInt();
      if (in.available() != 0) throw new CorruptDataException("refresh request: trailing bytes after the header");
      if (count < 0 || count > MAX_COUNT)
        throw new CorruptDataException("refresh request: ciphertext count " + count + " outside [0, " + MAX_COUNT + "]");
      return new Header(keyId, level, count);
    } catch (IOException e) {
      throw new CorruptDataException("refresh request: truncated header", e);
    }
  }
}
