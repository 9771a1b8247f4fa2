package dev.hnn.model.onnx;

import java.util.List;
import java.util.Map;

/**
 * One ONNX graph node (NodeProto): operator type, input and output value names, and scalar attributes.
 */
public record OnnxNode(String name, String opType, List<String> inputs, List<String> outputs,
                       Map<String, Object> attributes) {
}
