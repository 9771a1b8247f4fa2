package dev.hnn.model.onnx;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an ONNX model with protobuf's wire-format reader ({@link CodedInputStream}), decoding only the
 * messages needed for weight import: ModelProto.graph, GraphProto.{node, initializer, input, output},
 * NodeProto, AttributeProto (scalars) and TensorProto (FLOAT, INT64, INT32; raw_data or typed fields).
 * Field numbers follow onnx/onnx.proto (IR version 3+). Unknown fields are skipped.
 */
public final class OnnxReader {

    private static final int TENSOR_FLOAT = 1;
    private static final int TENSOR_INT32 = 6;
    private static final int TENSOR_INT64 = 7;

    private OnnxReader() {
    }

    /** Parses a whole ONNX model from a stream. */
    public static OnnxGraph read(InputStream in) throws IOException {
        CodedInputStream model = CodedInputStream.newInstance(in);
        model.setSizeLimit(Integer.MAX_VALUE);
        ByteString graph = null;
        while (true) {
            int tag = model.readTag();
            if (tag == 0) {
                break;
            }
            if (WireFormat.getTagFieldNumber(tag) == 7) { // ModelProto.graph
                graph = model.readBytes();
            } else {
                model.skipField(tag);
            }
        }
        if (graph == null) {
            throw new IOException("not an ONNX model: no graph field");
        }
        return readGraph(graph);
    }

    private static OnnxGraph readGraph(ByteString bytes) throws IOException {
        CodedInputStream g = newInput(bytes);
        List<OnnxNode> nodes = new ArrayList<>();
        Map<String, OnnxTensor> inits = new LinkedHashMap<>();
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        while (true) {
            int tag = g.readTag();
            if (tag == 0) {
                break;
            }
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> nodes.add(readNode(g.readBytes()));
                case 5 -> {
                    OnnxTensor t = readTensor(g.readBytes());
                    inits.put(t.name(), t);
                }
                case 11 -> inputs.add(readValueInfoName(g.readBytes()));
                case 12 -> outputs.add(readValueInfoName(g.readBytes()));
                default -> g.skipField(tag);
            }
        }
        return new OnnxGraph(List.copyOf(nodes), Map.copyOf(inits), List.copyOf(inputs), List.copyOf(outputs));
    }

    private static String readValueInfoName(ByteString bytes) throws IOException {
        CodedInputStream v = newInput(bytes);
        while (true) {
            int tag = v.readTag();
            if (tag == 0) {
                return "";
            }
            if (WireFormat.getTagFieldNumber(tag) == 1) {
                return v.readStringRequireUtf8();
            }
            v.skipField(tag);
        }
    }

    private static OnnxNode readNode(ByteString bytes) throws IOException {
        CodedInputStream n = newInput(bytes);
        List<String> in = new ArrayList<>();
        List<String> out = new ArrayList<>();
        Map<String, Object> attrs = new LinkedHashMap<>();
        String name = "";
        String op = "";
        while (true) {
            int tag = n.readTag();
            if (tag == 0) {
                break;
            }
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> in.add(n.readStringRequireUtf8());
                case 2 -> out.add(n.readStringRequireUtf8());
                case 3 -> name = n.readStringRequireUtf8();
                case 4 -> op = n.readStringRequireUtf8();
                case 5 -> readAttribute(n.readBytes(), attrs);
                default -> n.skipField(tag);
            }
        }
        return new OnnxNode(name, op, List.copyOf(in), List.copyOf(out), attrs);
    }

    private static void readAttribute(ByteString bytes, Map<String, Object> into) throws IOException {
        CodedInputStream a = newInput(bytes);
        String name = null;
        Object value = null;
        List<Long> ints = new ArrayList<>();
        while (true) {
            int tag = a.readTag();
            if (tag == 0) {
                break;
            }
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> name = a.readStringRequireUtf8();
                case 2 -> value = a.readFloat();
                case 3 -> value = a.readInt64();
                case 4 -> value = a.readBytes().toStringUtf8();
                case 5 -> value = readTensor(a.readBytes());
                case 8 -> {
                    if (WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                        int limit = a.pushLimit(a.readRawVarint32());
                        while (a.getBytesUntilLimit() > 0) {
                            ints.add(a.readInt64());
                        }
                        a.popLimit(limit);
                    } else {
                        ints.add(a.readInt64());
                    }
                }
                default -> a.skipField(tag);
            }
        }
        if (value == null && !ints.isEmpty()) {
            value = ints.stream().mapToLong(Long::longValue).toArray();
        }
        if (name != null && value != null) {
            into.put(name, value);
        }
    }

    static OnnxTensor readTensor(ByteString bytes) throws IOException {
        CodedInputStream t = newInput(bytes);
        List<Long> dims = new ArrayList<>();
        int dataType = 0;
        String name = "";
        ByteString raw = null;
        List<Float> floatData = new ArrayList<>();
        List<Long> longData = new ArrayList<>();
        while (true) {
            int tag = t.readTag();
            if (tag == 0) {
                break;
            }
            int field = WireFormat.getTagFieldNumber(tag);
            boolean packed = WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED;
            switch (field) {
                case 1 -> readLongs(t, packed, dims);
                case 2 -> dataType = t.readInt32();
                case 4 -> {
                    if (packed) {
                        int limit = t.pushLimit(t.readRawVarint32());
                        while (t.getBytesUntilLimit() > 0) {
                            floatData.add(t.readFloat());
                        }
                        t.popLimit(limit);
                    } else {
                        floatData.add(t.readFloat());
                    }
                }
                case 5, 7 -> readLongs(t, packed, longData);
                case 8 -> name = t.readStringRequireUtf8();
                case 9 -> raw = t.readBytes();
                case 14 -> {
                    if (t.readInt32() == 1) {
                        throw new IOException("ONNX tensor " + name + " uses external data, which is not supported");
                    }
                }
                default -> t.skipField(tag);
            }
        }
        long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
        long count = 1;
        for (long d : shape) {
            count *= d;
        }
        int n = Math.toIntExact(count);
        if (dataType == TENSOR_FLOAT) {
            float[] f = new float[n];
            if (raw != null) {
                raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
            } else {
                for (int i = 0; i < n; i++) {
                    f[i] = floatData.get(i);
                }
            }
            return new OnnxTensor(name, shape, f, null);
        }
        if (dataType == TENSOR_INT64 || dataType == TENSOR_INT32) {
            long[] l = new long[n];
            if (raw != null) {
                ByteBuffer b = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < n; i++) {
                    l[i] = dataType == TENSOR_INT64 ? b.getLong() : b.getInt();
                }
            } else {
                for (int i = 0; i < n; i++) {
                    l[i] = longData.get(i);
                }
            }
            return new OnnxTensor(name, shape, null, l);
        }
        return new OnnxTensor(name, shape, null, null); // other types are not needed for import
    }

    private static void readLongs(CodedInputStream t, boolean packed, List<Long> into) throws IOException {
        if (packed) {
            int limit = t.pushLimit(t.readRawVarint32());
            while (t.getBytesUntilLimit() > 0) {
                into.add(t.readInt64());
            }
            t.popLimit(limit);
        } else {
            into.add(t.readInt64());
        }
    }

    private static CodedInputStream newInput(ByteString bytes) {
        CodedInputStream c = bytes.newCodedInput();
        c.setSizeLimit(Integer.MAX_VALUE);
        return c;
    }
}
