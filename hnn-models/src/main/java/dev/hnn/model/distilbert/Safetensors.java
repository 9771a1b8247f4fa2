package dev.hnn.model.distilbert;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reader of the safetensors format: an 8-byte little-endian header length, a JSON header mapping
 * tensor names to {@code {dtype, shape, data_offsets:[begin,end]}} (offsets relative to the end of the
 * header; key {@code __metadata__} is ignored), then the raw little-endian data. F32, F16 and BF16
 * tensors are decoded to float32.
 */
public final class Safetensors {

    /** One decoded tensor. */
    public record Tensor(String name, String dtype, long[] shape, float[] data) {
        public int dim(int i) {
            return Math.toIntExact(shape[i]);
        }
    }

    private final Map<String, Tensor> tensors;

    private Safetensors(Map<String, Tensor> tensors) {
        this.tensors = tensors;
    }

    public Map<String, Tensor> tensors() {
        return tensors;
    }

    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    public Tensor get(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("safetensors file has no tensor " + name);
        }
        return t;
    }

    public static Safetensors read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, len, 0);
            long headerLen = len.flip().getLong();
            if (headerLen <= 0 || headerLen > 100_000_000L || 8 + headerLen > ch.size()) {
                throw new IOException(file + ": not a safetensors file (header length " + headerLen + ")");
            }
            ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
            readFully(ch, hb, 8);
            JsonObject header = JsonParser.parseString(new String(hb.array(), StandardCharsets.UTF_8)).getAsJsonObject();
            long base = 8 + headerLen;
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (Map.Entry<String, JsonElement> e : header.entrySet()) {
                if (e.getKey().equals("__metadata__")) {
                    continue;
                }
                JsonObject info = e.getValue().getAsJsonObject();
                String dtype = info.get("dtype").getAsString();
                long[] shape = new long[info.getAsJsonArray("shape").size()];
                long count = 1;
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = info.getAsJsonArray("shape").get(i).getAsLong();
                    count *= shape[i];
                }
                long begin = info.getAsJsonArray("data_offsets").get(0).getAsLong();
                long end = info.getAsJsonArray("data_offsets").get(1).getAsLong();
                int width = switch (dtype) {
                    case "F32" -> 4;
                    case "F16", "BF16" -> 2;
                    default -> throw new IOException(file + ": tensor " + e.getKey() + " has unsupported dtype " + dtype);
                };
                if (end - begin != count * width || base + end > ch.size()) {
                    throw new IOException(file + ": tensor " + e.getKey() + " has inconsistent offsets");
                }
                ByteBuffer data = ByteBuffer.allocate(Math.toIntExact(end - begin)).order(ByteOrder.LITTLE_ENDIAN);
                readFully(ch, data, base + begin);
                data.flip();
                float[] f = new float[(int) count];
                for (int i = 0; i < f.length; i++) {
                    f[i] = switch (dtype) {
                        case "F32" -> data.getFloat();
                        case "F16" -> Float.intBitsToFloat(halfToFloatBits(data.getShort()));
                        default -> Float.intBitsToFloat((data.getShort() & 0xffff) << 16);
                    };
                }
                out.put(e.getKey(), new Tensor(e.getKey(), dtype, shape, f));
            }
            return new Safetensors(out);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) {
            int n = ch.read(b, pos);
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
            pos += n;
        }
    }

    /** IEEE 754 half to float bits (handles subnormals, inf, NaN). */
    static int halfToFloatBits(short h) {
        int s = (h & 0x8000) << 16;
        int e = (h >>> 10) & 0x1f;
        int m = h & 0x3ff;
        if (e == 0) {
            if (m == 0) {
                return s;
            }
            while ((m & 0x400) == 0) {
                m <<= 1;
                e--;
            }
            e++;
            m &= 0x3ff;
        } else if (e == 31) {
            return s | 0x7f800000 | (m << 13);
        }
        return s | ((e + 112) << 23) | (m << 13);
    }
}
