package org.easycv4j.models.cls;

import ai.djl.ndarray.NDArray;
import java.util.List;
import org.easycv4j.core.config.ConfigNode;

/**
 * The classifier's loss on (N, C) targets (one-hot, smoothed or Mixup/CutMix soft), EasyCV's
 * {@code CrossEntropyLoss} of its {@code ClsHead}: softmax cross-entropy averaged over the batch, or with
 * {@code use_sigmoid} the binary cross-entropy of each logit against its target, averaged over all N × C
 * elements (EasyCV's {@code binary_cross_entropy}, reduction mean), which DeiT III trains with.
 * {@code label_ceil} (sigmoid only, as EasyCV) makes every target in (0, 1] a 1, so each class Mixup mixed in
 * counts as present. {@code loss_weight} multiplies the result.
 *
 * @param sigmoid {@code use_sigmoid}
 * @param labelCeil {@code label_ceil}
 * @param weight {@code loss_weight}
 */
public record ClassifierLoss(boolean sigmoid, boolean labelCeil, double weight) {

    /** Softmax cross-entropy, weight 1: the loss when {@code loss_config} is not set. */
    public static final ClassifierLoss SOFTMAX = new ClassifierLoss(false, false, 1.0);

    /**
     * {@code loss_config { type = CrossEntropyLoss, use_sigmoid, label_ceil, loss_weight }}; {@code type} may be
     * left out, and may also be {@code SoftTargetCrossEntropy} (softmax only), as EasyCV's ViT heads name it.
     */
    public static ClassifierLoss fromConfig(ConfigNode n) {
        String type = n.choice("type", "CrossEntropyLoss", List.of("CrossEntropyLoss", "SoftTargetCrossEntropy"));
        boolean sigmoid = n.bool("use_sigmoid", false);
        n.check(!sigmoid || type.equals("CrossEntropyLoss"), "use_sigmoid",
                "use_sigmoid = true needs type = CrossEntropyLoss, got " + type);
        boolean ceil = n.bool("label_ceil", false);
        // EasyCV raises here too: rounding soft targets up only makes sense per class (sigmoid), not for softmax.
        n.check(!ceil || sigmoid, "label_ceil", "label_ceil = true needs use_sigmoid = true (binary cross-entropy)");
        double weight = n.number("loss_weight", 1.0);
        n.check(weight > 0, "loss_weight", "expected loss_weight > 0, got " + weight);
        return new ClassifierLoss(sigmoid, ceil, weight);
    }

    /** The loss of {@code logits} (N, C) against {@code target} (N, C, the logits' type), a 0-d array. */
    public NDArray compute(NDArray logits, NDArray target) {
        NDArray loss;
        if (sigmoid) {
            NDArray y = labelCeil ? target.gt(0).toType(logits.getDataType(), false) : target;
            // max(x, 0) - x y + log(1 + exp(-|x|)): binary_cross_entropy_with_logits without overflow.
            NDArray perElement = logits.maximum(0f).sub(logits.mul(y)).add(logits.abs().neg().exp().add(1f).log());
            loss = perElement.mean();
        } else {
            loss = target.mul(logits.logSoftmax(1)).sum(new int[] {1}).neg().mean();
        }
        return weight == 1.0 ? loss : loss.mul((float) weight);
    }
}
