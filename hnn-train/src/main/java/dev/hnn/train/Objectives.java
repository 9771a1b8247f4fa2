package dev.hnn.train;

import ai.djl.ndarray.NDArray;

/** The terms that training minimises, each a scalar averaged over the batch. */
final class Objectives {
    private Objectives() {
    }

    /** Softmax cross-entropy of the logits against the labels. */
    static NDArray crossEntropy(Batch b, TorchEncoder.Output out) {
        return out.logits().logSoftmax(-1).mul(b.oneHot()).sum(new int[] {1}).mean().neg();
    }

    /**
     * The head's range penalty (as for the frozen-feature head): {@code sum_j max(0, |a_j| - A)^2 +
     * max(0, |z1 - z0| - Z)^2} per text, so that GELU's and the sigmoid's inputs stay in intervals where low-degree
     * polynomials follow them closely under encryption.
     */
    static NDArray headRangePenalty(TorchEncoder.Output out, float activationBound, float logitBound) {
        NDArray a = excess(out.hiddenPre(), activationBound).sum(new int[] {1});
        NDArray z = out.logits();
        NDArray d = z.get(":, 1").sub(z.get(":, 0"));
        return a.add(excess(d, logitBound)).mean();
    }

    /** {@code max(0, |x| - bound)^2} element-wise. */
    static NDArray excess(NDArray x, float bound) {
        NDArray e = x.abs().sub(bound).maximum(0f);
        return e.mul(e);
    }
}
