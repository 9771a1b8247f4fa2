package dev.hnn.model.onnx;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The parts of an ONNX ModelProto that matter for weight import: nodes in graph order,
 * initializers by name, and graph input/output names.
 */
public record OnnxGraph(List<OnnxNode> nodes, Map<String, OnnxTensor> initializers,
                        List<String> inputs, List<String> outputs) {

    /** The initializer with this name, failing clearly if absent. */
    public OnnxTensor initializer(String name) {
        OnnxTensor t = initializers.get(name);
        if (t == null) {
            throw new IllegalArgumentException("ONNX model has no initializer named " + name);
        }
        return t;
    }

    /** The node producing the value {@code valueName}, if any. */
    public Optional<OnnxNode> producerOf(String valueName) {
        for (OnnxNode n : nodes) {
            if (n.outputs().contains(valueName)) {
                return Optional.of(n);
            }
        }
        return Optional.empty();
    }
}
