package dev.hnn.train;

import ai.djl.ndarray.NDArray;
import dev.hnn.model.EncoderDelta;

import java.util.LinkedHashMap;
import java.util.Map;

/** Turns a trained {@link TorchEncoder} into the {@link EncoderDelta} that ships (trainable tensors only). */
final class DeltaExport {
    private DeltaExport() {
    }

    static EncoderDelta of(TorchEncoder model, Map<String, Object> metadata) {
        Map<String, EncoderDelta.Tensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : model.trainable().entrySet()) {
            tensors.put(e.getKey(), tensor(e.getValue()));
        }
        tensors.put("head.mean", tensor(model.head.mean));
        tensors.put("head.std", tensor(model.head.std));
        Map<String, Object> meta = new LinkedHashMap<>(metadata);
        meta.put("variant", model.heFriendly ? "he-friendly" : "stock");
        meta.put("layers", model.layers.size());
        if (model.heFriendly) {
            double[] scales = new double[model.layers.size()];
            for (int i = 0; i < scales.length; i++) {
                scales[i] = model.layers.get(i).attentionScale;
            }
            meta.put("attention", "polynomial: a = (s + c_h)^2 * scale / n");
            meta.put("attention_scales", scales);
            meta.put("activation", "polynomial");
            meta.put("activation_coefficients", model.activationCoefficients);
        } else {
            meta.put("attention", "softmax");
            meta.put("activation", "gelu");
        }
        return new EncoderDelta(meta, tensors);
    }

    private static EncoderDelta.Tensor tensor(NDArray a) {
        long[] s = a.getShape().getShape();
        int[] shape = new int[s.length];
        for (int i = 0; i < s.length; i++) {
            shape[i] = Math.toIntExact(s[i]);
        }
        return new EncoderDelta.Tensor(shape, a.toFloatArray());
    }
}
