package dev.hnn.model;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.reflect.TypeToken;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fine-tuned encoder stored as what changed over the Maven-shipped MiniLM weights: per linear layer a low-rank
 * adapter {@code A (in x r), B (r x out)} (the weight becomes {@code W + A B}) and a new bias, new LayerNorm
 * parameters, the HE-friendly form's extra parameters, and the sentiment head's tensors. The embeddings are not in
 * it: they are the client's and did not train.
 *
 * <p>File layout (little-endian): magic {@code HNNDELTA}, int32 format version, int32 metadata length, metadata as
 * UTF-8 JSON (free-form, plus {@code "tensors": [{"name", "shape"}...]} in storage order), then every tensor's
 * float32 values in that order. Reading checks every length against the bytes left before allocating.
 */
public record EncoderDelta(Map<String, Object> metadata, Map<String, Tensor> tensors) {
    public static final int VERSION = 1;
    private static final byte[] MAGIC = "HNNDELTA".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_METADATA = 1 << 24;
    private static final long MAX_VALUES = 1L << 28;
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create(); // compact: ranges are big

    /** A named float32 array with its shape. */
    public record Tensor(int[] shape, float[] values) {
        public Tensor {
            long n = 1;
            for (int d : shape) {
                if (d <= 0) {
                    throw new IllegalArgumentException("non-positive dimension in " + Arrays.toString(shape));
                }
                n *= d;
            }
            if (n != values.length) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + n
                        + " values, got " + values.length);
            }
        }
    }

    public EncoderDelta {
        metadata = new LinkedHashMap<>(metadata);
        tensors = new LinkedHashMap<>(tensors);
    }

    /** The tensor {@code name}, or an exception naming what is missing. */
    public Tensor tensor(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("the encoder delta has no tensor " + name);
        }
        return t;
    }

    public boolean has(String name) {
        return tensors.containsKey(name);
    }

    public void write(OutputStream out) throws IOException {
        Map<String, Object> meta = new LinkedHashMap<>(metadata);
        List<Map<String, Object>> index = new java.util.ArrayList<>();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("name", e.getKey());
            t.put("shape", e.getValue().shape());
            index.add(t);
        }
        meta.put("tensors", index);
        byte[] json = GSON.toJson(meta).getBytes(StandardCharsets.UTF_8);
        DataOutputStream d = new DataOutputStream(out);
        d.write(MAGIC);
        d.write(littleEndian(VERSION));
        d.write(littleEndian(json.length));
        d.write(json);
        for (Tensor t : tensors.values()) {
            ByteBuffer b = ByteBuffer.allocate(t.values().length * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(t.values());
            d.write(b.array());
        }
        d.flush();
    }

    public byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            write(bytes);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    public static EncoderDelta read(InputStream in) throws IOException {
        DataInputStream d = new DataInputStream(in);
        byte[] magic = new byte[MAGIC.length];
        readFully(d, magic, "magic");
        if (!Arrays.equals(magic, MAGIC)) {
            throw new IOException("not an HNN encoder delta (bad magic)");
        }
        int version = readInt(d);
        if (version != VERSION) {
            throw new IOException("unsupported encoder delta version " + version + " (this build reads " + VERSION + ")");
        }
        int metaLength = readInt(d);
        if (metaLength <= 0 || metaLength > MAX_METADATA) {
            throw new IOException("encoder delta metadata length " + metaLength + " out of range");
        }
        byte[] json = new byte[metaLength];
        readFully(d, json, "metadata");
        Map<String, Object> meta;
        try {
            meta = GSON.fromJson(new String(json, StandardCharsets.UTF_8), new TypeToken<Map<String, Object>>() { }.getType());
        } catch (RuntimeException e) {
            throw new IOException("encoder delta metadata is not valid JSON", e);
        }
        if (meta == null || !(meta.get("tensors") instanceof List<?> index)) {
            throw new IOException("encoder delta metadata has no tensor index");
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        long budget = MAX_VALUES;
        for (Object o : index) {
            if (!(o instanceof Map<?, ?> entry) || !(entry.get("name") instanceof String name)
                    || !(entry.get("shape") instanceof List<?> dims) || dims.isEmpty() || dims.size() > 4) {
                throw new IOException("malformed tensor entry in the encoder delta index");
            }
            int[] shape = new int[dims.size()];
            long n = 1;
            for (int i = 0; i < shape.length; i++) {
                if (!(dims.get(i) instanceof Number num) || num.doubleValue() < 1 || num.doubleValue() > 1 << 20
                        || num.doubleValue() != Math.rint(num.doubleValue())) {
                    throw new IOException("bad dimension in the shape of " + name);
                }
                shape[i] = num.intValue();
                n *= shape[i];
                if (n > MAX_VALUES) {
                    throw new IOException("tensor " + name + " is larger than allowed");
                }
            }
            budget -= n;
            if (budget < 0) {
                throw new IOException("encoder delta holds more values than allowed (" + MAX_VALUES + ")");
            }
            byte[] raw = new byte[Math.toIntExact(n * 4)];
            readFully(d, raw, name);
            float[] values = new float[(int) n];
            ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
            for (float v : values) {
                if (!Float.isFinite(v)) {
                    throw new IOException("tensor " + name + " holds a non-finite value");
                }
            }
            if (tensors.put(name, new Tensor(shape, values)) != null) {
                throw new IOException("tensor " + name + " appears twice in the encoder delta");
            }
        }
        if (d.read() != -1) {
            throw new IOException("trailing bytes after the encoder delta's tensors");
        }
        meta.remove("tensors");
        return new EncoderDelta(meta, tensors);
    }

    private static void readFully(DataInputStream d, byte[] b, String what) throws IOException {
        try {
            d.readFully(b);
        } catch (EOFException e) {
            throw new IOException("truncated encoder delta (in " + what + ")", e);
        }
    }

    private static int readInt(DataInputStream d) throws IOException {
        byte[] b = new byte[4];
        readFully(d, b, "header");
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    private static byte[] littleEndian(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }
}
