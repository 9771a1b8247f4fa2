package dev.hnn.ckks;

import org.bytedeco.javacpp.Pointer;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.function.Supplier;

/** Moving serialized engine objects between native byte vectors, Java arrays and streams. */
final class Blobs {
  private Blobs() {}

  /** Size of the engine's fixed header (serial/header.h). */
  static final int HEADER = 64;

  /** Largest blob a Java array can hold. */
  static final long MAX_ARRAY = Integer.MAX_VALUE - 16;

  private static final int SLICE = 1 << 24;

  /** Calls a native save function and copies the result into a Java array. */
  static byte[] toArray(BackendOps ops, Supplier<? extends Pointer> save) {
    Pointer b = Native.get(save);
    try {
      long size = ops.bytesSize(b);
      if (size > MAX_ARRAY)
        throw new HeException("serialized object of " + size + " bytes is too large for a byte array: use save(OutputStream)");
      byte[] out = new byte[(int) size];
      if (size > 0) ops.bytesCopy(b, 0, size, out);
      return out;
    } finally {
      ops.deleteBytes(b);
    }
  }

  /** Calls a native save function and writes the result to a stream in slices (any size). */
  static void toStream(BackendOps ops, Supplier<? extends Pointer> save, OutputStream out) {
    Pointer b = Native.get(save);
    try {
      long size = ops.bytesSize(b);
      byte[] buf = new byte[(int) Math.min(size, SLICE)];
      for (long off = 0; off < size; off += SLICE) {
        int n = (int) Math.min(SLICE, size - off);
        ops.bytesCopy(b, off, n, buf);
        out.write(buf, 0, n);
      }
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      ops.deleteBytes(b);
    }
  }

  /**
   * Reads exactly one engine object (header, descriptor, body) from a stream. The length comes from the header;
   * the buffer grows only as bytes actually arrive, so a forged length cannot make it allocate more than the
   * stream holds. The engine validates the content afterwards.
   */
  static byte[] readEngineObject(InputStream in) {
    try {
      byte[] header = new byte[HEADER];
      int got = in.readNBytes(header, 0, HEADER);
      if (got < HEADER) throw new CorruptDataException("stream ends inside an object header (" + got + " of 64 bytes)");
      if (header[0] != 'H' || header[1] != 'N' || header[2] != 'N' || header[3] != 'S')
        throw new CorruptDataException("not a serialized HNN object (bad magic)");
      long descriptor = u32le(header, 8);
      long stored = u64le(header, 24);
      if (stored < 0 || stored > MAX_ARRAY || descriptor > MAX_ARRAY || HEADER + descriptor + stored > MAX_ARRAY)
        throw new CorruptDataException("object size in the header is out of range");
      long total = HEADER + descriptor + stored;
      ByteArrayOutputStream buf = new ByteArrayOutputStream((int) Math.min(total, SLICE));
      buf.write(header);
      copyExactly(in, buf, total - HEADER, "object");
      return buf.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Copies exactly n bytes or throws {@link CorruptDataException}. */
  static void copyExactly(InputStream in, ByteArrayOutputStream out, long n, String what) throws IOException {
    byte[] chunk = new byte[(int) Math.min(Math.max(n, 1), 1 << 20)];
    long left = n;
    while (left > 0) {
      int r = in.read(chunk, 0, (int) Math.min(chunk.length, left));
      if (r < 0) throw new CorruptDataException("stream ends inside a serialized " + what + " (" + left + " bytes missing)");
      out.write(chunk, 0, r);
      left -= r;
    }
  }

  /** A length-prefixed blob of a container (u64 length, bytes). */
  static byte[] readPrefixed(DataInputStream in, String what) throws IOException {
    long n;
    try {
      n = in.readLong();
    } catch (EOFException e) {
      throw new CorruptDataException("data ends before the " + what, e);
    }
    if (n < 0 || n > MAX_ARRAY) throw new CorruptDataException("length of the " + what + " is out of range: " + n);
    ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(n, SLICE));
    copyExactly(in, out, n, what);
    return out.toByteArray();
  }

  static long u32le(byte[] b, int off) {
    return (b[off] & 0xffL) | (b[off + 1] & 0xffL) << 8 | (b[off + 2] & 0xffL) << 16 | (b[off + 3] & 0xffL) << 24;
  }

  static long u64le(byte[] b, int off) {
    return u32le(b, off) | u32le(b, off + 4) << 32;
  }
}
